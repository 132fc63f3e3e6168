/** The fast bundle check may only accept what zod's bundleSchema accepts. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundleSchema } from '../../src/profiles/bundle.js';
import { plainBundle } from '../../src/verify/steps/bundle-shape.js';
import { REFERENCE_DIR, referenceBundles } from '../support/environment.js';

const VECTORS = join(__dirname, '../../vectors');

/** Shipped vectors always; the shared reference bundles when they are beside the checkout. */
function bundleFiles(): string[] {
  const dirs = [
    join(VECTORS, 'valid'),
    join(VECTORS, 'tampered'),
    ...(referenceBundles.available ? [REFERENCE_DIR] : []),
  ];
  return dirs.flatMap((d) =>
    readdirSync(d)
      .filter((n) => n.endsWith('.json'))
      .map((n) => join(d, n)),
  );
}

describe('plainBundle', () => {
  it('accepts every shipped and reference bundle zod accepts', () => {
    let accepted = 0;
    for (const f of bundleFiles()) {
      const b = JSON.parse(readFileSync(f, 'utf8'));
      if (!bundleSchema.safeParse(b).success) continue;
      expect(plainBundle(b), f).toBe(b);
      accepted++;
    }
    // Not vacuous: the shipped vectors alone are well-formed bundles.
    expect(accepted).toBeGreaterThanOrEqual(30);
  });

  it('never accepts what zod refuses', () => {
    const str = fc.oneof(
      fc.string(),
      fc.constant(''),
      fc.constant(undefined),
      fc.integer(),
      fc.constant(null),
    );
    const entry = fc.record(
      { payment: str, payment_l2: str, checkout: str, checkout_l2: str },
      { requiredKeys: [] },
    );
    const jwks = fc.oneof(
      fc.record({ keys: fc.array(fc.oneof(fc.object(), fc.integer(), fc.constant([]))) }),
      fc.constant([]),
      fc.constant(null),
    );
    const bundle = fc.record(
      {
        vi_bundle: fc.oneof(fc.constant(1), fc.constant(2), fc.constant('1')),
        name: str,
        role: fc.oneof(
          fc.constantFrom('merchant', 'network', 'dispute', 'other'),
          fc.constant(undefined),
        ),
        at: fc.oneof(fc.integer(), fc.double(), fc.constant(undefined), fc.constant('1')),
        trust: fc.oneof(
          fc.record(
            { issuer_jwks: jwks, merchant_jwks: fc.oneof(jwks, fc.constant(undefined)) },
            { requiredKeys: [] },
          ),
          fc.constant(undefined),
        ),
        l1: str,
        l2: str,
        l3: fc.oneof(
          fc.array(fc.oneof(entry, fc.integer())),
          fc.constant(undefined),
          fc.constant({}),
        ),
        expect: fc.oneof(
          fc.record(
            { l2: fc.record({ aud: str, nonce: str }, { requiredKeys: [] }) },
            { requiredKeys: [] },
          ),
          fc.constant(undefined),
          fc.constant(1),
        ),
        verdict: fc.oneof(
          fc.record(
            { valid: fc.oneof(fc.boolean(), fc.constant(1)), why: str },
            { requiredKeys: [] },
          ),
          fc.constant(undefined),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(bundle, (b) => {
        if (plainBundle(b) !== undefined) expect(bundleSchema.safeParse(b).success).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
