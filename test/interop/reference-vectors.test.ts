/**
 * Every bundle the upstream reference produced must get the verdict recorded
 * in it (shared/interop/reference). CI has ../shared beside the checkout;
 * a bare clone skips this file (test/support/environment.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { isErrorCode } from '../../src/errors.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';
import { describeIf, REFERENCE_DIR as dir, referenceBundles } from '../support/environment.js';

describeIf(referenceBundles)('upstream reference bundles', () => {
  const files = referenceBundles.available
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
  it('has vectors to run', () => {
    expect(files.length).toBeGreaterThan(40);
  });
  for (const f of files) {
    it(f, async () => {
      const bundle = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      const result = await verifyPresentation(bundle);
      const expected = bundle.verdict.valid as boolean;
      expect({
        valid: result.valid,
        errors: result.errors.map((e) => `${e.code}: ${e.message}`),
      }).toMatchObject({ valid: expected });
      for (const e of result.errors) expect(isErrorCode(e.code)).toBe(true);
      if (!expected) expect(result.errors.length).toBeGreaterThan(0);
    });
  }
});
