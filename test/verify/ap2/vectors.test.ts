/**
 * The AP2 v0.2 vector bundles in the shared folder (BUNDLE-AP2.md), made
 * with the AP2 SDK: each reaches its recorded verdict and AP2 error code when
 * its own `trust`, `at`, `expect` and `inputs` are read (`trustFromBundle`),
 * and none verifies when they are not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { verifyAp2Presentation } from '../../../src/verify/ap2/index.js';
import { AP2_DIR, ap2Vectors, describeIf } from '../../support/environment.js';

const dir = join(AP2_DIR, 'bundles');
const files = ap2Vectors.available
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];
const load = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, any>;

describeIf(ap2Vectors)('AP2 v0.2 shared vectors', () => {
  it('has vectors, valid and tampered', () => {
    const verdicts = files.map((f) => load(f).verdict.valid);
    expect(verdicts).toContain(true);
    expect(verdicts).toContain(false);
  });

  it.each(files)('%s reaches its verdict', async (f) => {
    const b = load(f);
    const r = await verifyAp2Presentation(b, { trustFromBundle: true });
    if (b.verdict.valid) expect(r.errors).toEqual([]);
    expect(r.valid).toBe(b.verdict.valid);
    expect(r.ap2_error).toBe(b.verdict.valid ? null : b.verdict.error);
  });

  it.each(files)('%s does not verify with no configured trust', async (f) => {
    const r = await verifyAp2Presentation(load(f), {});
    expect(r.valid).toBe(false);
  });
});
