/**
 * The pipeline runs synchronously for JWK Sets and continues after a promise
 * only when a key resolver is asynchronous. Either way it must reach the same
 * verdict through the same checks in the same order.
 */
import { describe, expect, it } from 'vitest';
import type { Bundle, JwkSet } from '../../src/profiles/bundle.js';
import type { PublicJwk } from '../../src/sdjwt/keys.js';
import type { KeyResolver, VerificationResult } from '../../src/verify/types.js';
import { codesOf, expectBrokenCheck } from '../fixtures/expect.js';
import { autonomousBundle, immediateBundle } from '../fixtures/raw-chain.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';

/** The same keys behind a resolver that answers a tick later, as a JWKS fetcher does. */
const later =
  (set: JwkSet): KeyResolver =>
  (kid) =>
    new Promise((resolve) =>
      setTimeout(() => resolve(set.keys.find((k) => k.kid === kid) as PublicJwk | undefined), 1),
    );

const trace = (r: VerificationResult) => ({
  valid: r.valid,
  codes: codesOf(r),
  checks: r.checks.map((c) => `${c.name}:${c.status}`),
});

async function bothWays(b: Bundle): Promise<[VerificationResult, VerificationResult]> {
  const issuerKeys = b.trust!.issuer_jwks;
  const merchantKeys = b.trust!.merchant_jwks!;
  const sync = await verifyPresentation(b, { issuerKeys, merchantKeys });
  const async = await verifyPresentation(b, {
    issuerKeys: later(issuerKeys),
    merchantKeys: later(merchantKeys),
  });
  return [sync, async];
}

describe('asynchronous key resolvers', () => {
  const cases: [string, () => Bundle][] = [
    [
      'Immediate merchant view (checkout_jwt signature and cart)',
      () => immediateBundle({}, 'merchant'),
    ],
    ['Immediate dispute view', () => immediateBundle({}, 'dispute')],
    ['Autonomous dispute view', () => autonomousBundle({}, 'dispute')],
    [
      'Immediate view whose payment differs from the signed cart',
      () =>
        immediateBundle(
          { paymentMandate: (m) => void ((m.payment_amount as { amount: number }).amount += 1) },
          'dispute',
        ),
    ],
  ];
  for (const [name, make] of cases) {
    it(`${name}: same verdict, same checks in the same order`, async () => {
      const [sync, async] = await bothWays(make());
      expect(trace(async)).toEqual(trace(sync));
      expect(
        sync.checks.some((c) => c.name === 'checkout_jwt.signature' && c.status === 'passed'),
      ).toBe(true);
    });
  }

  it('a merchant key resolver that rejects fails checkout_jwt.signature with CHECKOUT_JWT_KEY_UNKNOWN', async () => {
    const b = immediateBundle({}, 'merchant');
    const r = await verifyPresentation(b, {
      issuerKeys: b.trust!.issuer_jwks,
      merchantKeys: () => Promise.reject(new Error('JWKS unreachable')),
    });
    expectBrokenCheck(r, 'checkout_jwt.signature', 'CHECKOUT_JWT_KEY_UNKNOWN');
    expect(JSON.stringify(r)).not.toContain('JWKS unreachable');
  });

  it('an issuer key resolver that throws fails l1.signature with L1_ISSUER_KEY_UNKNOWN', async () => {
    const r = await verifyPresentation(immediateBundle({}, 'network'), {
      issuerKeys: () => {
        throw new Error('resolver bug');
      },
    });
    expectBrokenCheck(r, 'l1.signature', 'L1_ISSUER_KEY_UNKNOWN');
  });
});
