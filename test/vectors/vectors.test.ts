/**
 * vintent's own vectors (vectors/): each committed bundle gets its verdict,
 * tampered ones with their recorded error code; and the script that makes
 * them still produces a set that does.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeVectors } from '../../scripts/make-vectors.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';

async function checkDir(dir: string): Promise<number> {
  let n = 0;
  for (const sub of ['valid', 'tampered']) {
    for (const f of readdirSync(join(dir, sub)).sort()) {
      const b = JSON.parse(readFileSync(join(dir, sub, f), 'utf8'));
      const r = await verifyPresentation(b);
      expect({ f, valid: r.valid }).toEqual({ f, valid: b.verdict.valid });
      if (b.verdict.code) expect({ f, codes: r.errors.map((e) => e.code) }).toEqual({ f, codes: expect.arrayContaining([b.verdict.code]) });
      n++;
    }
  }
  return n;
}

describe('vectors/', () => {
  it('every committed vector gets its verdict and code', async () => {
    expect(await checkDir(resolve(__dirname, '../../vectors'))).toBeGreaterThanOrEqual(30);
  });

  it('the generator reproduces a conforming set from the fixed keys', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vintent-vectors-'));
    const n = await makeVectors(out);
    expect(n.valid).toBeGreaterThanOrEqual(10);
    expect(await checkDir(out)).toBe(n.valid + n.tampered);
  });
});
