/** checkout_jwt checks (src/verify/steps/bindings.ts). */
import { describe, expect, it } from 'vitest';
import { sha256b64u } from '../../../src/sdjwt/digest.js';
import { generateSigningKey } from '../../../src/sdjwt/keys.js';
import { expectBrokenCheck } from '../../fixtures/expect.js';
import { autonomousBundle, immediateBundle } from '../../fixtures/raw-chain.js';
import { verifyPresentation } from '../../fixtures/vector-verify.js';

describe('checkout_jwt', () => {
  it('Immediate: checkout_jwt signed by a key other than the trusted merchant kid → CHECKOUT_JWT_SIGNATURE_INVALID', async () => {
    const b = immediateBundle({ checkoutJwtSignWith: generateSigningKey('merchant-key-1') });
    expectBrokenCheck(
      await verifyPresentation(b),
      'checkout_jwt.signature',
      'CHECKOUT_JWT_SIGNATURE_INVALID',
    );
  });

  it('Autonomous: checkout_jwt under an unknown merchant kid → CHECKOUT_JWT_KEY_UNKNOWN', async () => {
    const b = autonomousBundle({}, 'merchant');
    const r = await verifyPresentation({
      ...b,
      trust: { ...b.trust!, merchant_jwks: { keys: [] } },
    });
    expectBrokenCheck(r, 'checkout_jwt.signature', 'CHECKOUT_JWT_KEY_UNKNOWN');
  });

  it('no merchant keys: the signature check is skipped (PERMISSIVE) but required in STRICT', async () => {
    const b = immediateBundle();
    delete b.trust!.merchant_jwks;
    const permissive = await verifyPresentation(b);
    expect(permissive.valid).toBe(true);
    expect(permissive.checks.find((c) => c.name === 'checkout_jwt.signature')?.status).toBe(
      'skipped',
    );
    expectBrokenCheck(
      await verifyPresentation(b, { strictness: 'STRICT' }),
      'checkout_jwt.signature',
      'CHECKOUT_JWT_KEY_UNKNOWN',
    );
  });

  it('an unreadable checkout_jwt → CHECKOUT_JWT_MALFORMED', async () => {
    const b = autonomousBundle(
      {
        l3bMandate: (m) => {
          m.checkout_jwt = 'not-a-jwt';
          m.checkout_hash = sha256b64u('not-a-jwt');
        },
      },
      'merchant',
    );
    const r = await verifyPresentation(b);
    expect(r.valid).toBe(false);
    expect(r.errors.map((e) => e.code)).toContain('CHECKOUT_JWT_MALFORMED');
  });
});
