/** Check names form a closed, exported set: every check a verification records is one of CHECK_NAMES. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_NAMES, isCheckName } from '../../src/verify/index.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';

describe('CHECK_NAMES', () => {
  it('has no duplicates', () => {
    expect(new Set(CHECK_NAMES).size).toBe(CHECK_NAMES.length);
  });
  it('covers every check recorded over every committed vector, valid and tampered', async () => {
    const seen = new Set<string>();
    const root = resolve(__dirname, '../../vectors');
    for (const sub of ['valid', 'tampered']) {
      for (const f of readdirSync(join(root, sub))) {
        const r = await verifyPresentation(JSON.parse(readFileSync(join(root, sub, f), 'utf8')));
        for (const c of r.checks) {
          expect(isCheckName(c.name), c.name).toBe(true);
          seen.add(c.name);
        }
      }
    }
    // The vectors exercise most of the set (not a vacuous loop).
    expect(seen.size).toBeGreaterThan(CHECK_NAMES.length / 2);
  });
  it('refuses names outside the set', () => {
    expect(isCheckName('l3a.payee')).toBe(false);
    expect(isCheckName(42)).toBe(false);
  });
});
