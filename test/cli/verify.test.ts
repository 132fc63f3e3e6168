/** `vintent verify`: one line per bundle, a summary, and the documented exit codes. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/verify.js';
import { autonomousBundle, immediateBundle } from '../fixtures/raw-chain.js';

async function capture(args: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const w = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await run(args), out: out.join('').trimEnd().split('\n') };
  } finally {
    w.mockRestore();
    e.mockRestore();
  }
}

describe('vintent verify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vintent-verify-'));
  const good = join(dir, 'good.json');
  const tampered = join(dir, 'tampered.json');
  const broken = join(dir, 'broken.json');
  writeFileSync(good, JSON.stringify(immediateBundle()));
  writeFileSync(tampered, JSON.stringify({ ...autonomousBundle({ l3aPayload: (p) => (p.sd_hash = 'x') }, 'network'), verdict: { valid: false } }));
  writeFileSync(broken, '{ not json');

  it('exit 0 when every bundle is valid or matches its verdict; summary line', async () => {
    const { code, out } = await capture([good, tampered]);
    expect(code).toBe(0);
    expect(out.at(-1)).toBe('2 bundles, 1 valid, 1 match their verdict');
  });

  it('--json prints one object per bundle with codes', async () => {
    const { out } = await capture(['--json', tampered]);
    const r = JSON.parse(out[0]!);
    expect(r).toMatchObject({ file: tampered, valid: false, mode: 'autonomous', verdict_match: true });
    expect(r.errors[0]).toMatchObject({ code: 'L3_SD_HASH_MISMATCH', layer: 'l3a', pair: 0 });
  });

  it('a malformed file is a result, not a crash, and makes the run exit 1', async () => {
    const { code, out } = await capture(['--json', broken, good]);
    expect(code).toBe(1);
    expect(JSON.parse(out[0]!).errors[0].code).toBe('BUNDLE_MALFORMED');
    expect(JSON.parse(out[1]!).valid).toBe(true);
  });

  it('directories are expanded to their *.json files', async () => {
    const { out } = await capture([dir]);
    expect(out.at(-1)).toMatch(/^3 bundles, 1 valid, 1 match their verdict$/);
  });

  it('usage errors exit 2', async () => {
    expect((await capture([])).code).toBe(2);
    expect((await capture(['--bogus', good])).code).toBe(2);
    expect((await capture([join(dir, 'missing.json')])).code).toBe(2);
  });
});
