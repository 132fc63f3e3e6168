/**
 * Every bundle the upstream reference produced must get the verdict recorded
 * in it (shared/interop/reference). CI has ../shared beside the checkout.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isErrorCode } from '../../src/errors.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';

const dir = resolve(process.env.VINTENT_REFERENCE_DIR ?? join(__dirname, '../../../shared/interop/reference'));
const present = existsSync(dir);
if (!present) console.warn(`[reference vectors] SKIPPED: ${dir} not found (set VINTENT_REFERENCE_DIR)`);

describe.skipIf(!present)('upstream reference bundles', () => {
  const files = present ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
  it('has vectors to run', () => {
    expect(files.length).toBeGreaterThan(40);
  });
  for (const f of files) {
    it(f, async () => {
      const bundle = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      const result = await verifyPresentation(bundle);
      const expected = bundle.verdict.valid as boolean;
      expect({ valid: result.valid, errors: result.errors.map((e) => `${e.code}: ${e.message}`) }).toMatchObject({ valid: expected });
      for (const e of result.errors) expect(isErrorCode(e.code)).toBe(true);
      if (!expected) expect(result.errors.length).toBeGreaterThan(0);
    });
  }
});
