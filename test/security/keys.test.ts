/**
 * Keys from hostile places: private parts where only public keys belong,
 * points off the curve, and `kid` values shaped like paths or URLs.
 */
import { describe, expect, it } from 'vitest';
import { bareJwk, exportPrivateJwk } from '../../src/sdjwt/keys.js';
import { autonomousBundle, chainKeys, immediateBundle } from '../fixtures/raw-chain.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';
import { expectRefused, type Obj } from './helpers.js';

const keys = chainKeys();
const privateOf = (k: typeof keys.issuer) => exportPrivateJwk(k) as Obj;

/** A point whose y has one bit flipped: same shape, not on P-256. */
function offCurve(jwk: { x: string; y: string }): Obj {
  const y = Buffer.from(jwk.y, 'base64url');
  y[31] = y[31]! ^ 1;
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: y.toString('base64url') };
}
const ZERO = Buffer.alloc(32).toString('base64url');
const ALL_ONES = Buffer.alloc(32, 0xff).toString('base64url'); // ≥ p: not a field element

describe('private key material (d) where only public keys belong', () => {
  it('issuer key in the trust set carrying d → KEY_INVALID (refused, not used)', async () => {
    const b = immediateBundle();
    b.trust!.issuer_jwks.keys = [privateOf(keys.issuer)];
    expectRefused(await verifyPresentation(b), 'KEY_INVALID', 'l1');
  });
  it('issuer key carrying d in options.issuerKeys → KEY_INVALID', async () => {
    expectRefused(
      await verifyPresentation(immediateBundle(), {
        issuerKeys: { keys: [privateOf(keys.issuer)] },
      }),
      'KEY_INVALID',
      'l1',
    );
  });
  it('issuer key carrying d from a resolver function → KEY_INVALID', async () => {
    expectRefused(
      await verifyPresentation(immediateBundle(), {
        issuerKeys: () => privateOf(keys.issuer) as never,
      }),
      'KEY_INVALID',
      'l1',
    );
  });
  it("L1 cnf.jwk carrying the user's d → L1_CNF_INVALID", async () => {
    const { kid: _kid, ...priv } = privateOf(keys.user);
    expectRefused(
      await verifyPresentation(immediateBundle({ l1Payload: (p) => void (p.cnf = { jwk: priv }) })),
      'L1_CNF_INVALID',
      'l1',
    );
  });
  it('agent cnf.jwk carrying d in the Autonomous mandates → MANDATE_CNF_MISSING', async () => {
    const cnf = { jwk: privateOf(keys.agent), kid: keys.agent.kid };
    const b = autonomousBundle({
      checkoutMandate: (m) => void (m.cnf = cnf),
      paymentMandate: (m) => void (m.cnf = cnf),
    });
    expectRefused(await verifyPresentation(b), 'MANDATE_CNF_MISSING', 'l2');
  });
  it('merchant key carrying d in merchant_jwks → KEY_INVALID on checkout_jwt', async () => {
    const b = immediateBundle();
    b.trust!.merchant_jwks = { keys: [privateOf(keys.merchant)] };
    expectRefused(await verifyPresentation(b), 'KEY_INVALID', 'checkout_jwt');
  });
  it("L3 header jwk (even the agent's private one) → L3_HEADER_JWK_FORBIDDEN", async () => {
    const b = autonomousBundle(
      { l3aHeader: (h) => void (h.jwk = privateOf(keys.agent)) },
      'network',
    );
    expectRefused(await verifyPresentation(b), 'L3_HEADER_JWK_FORBIDDEN', 'l3a');
  });
});

describe('points not on P-256', () => {
  const bad: [string, Obj][] = [
    ['y with one bit flipped', offCurve(keys.issuer.publicJwk)],
    ['x = y = 0', { kty: 'EC', crv: 'P-256', x: ZERO, y: ZERO }],
    ['coordinates ≥ p', { kty: 'EC', crv: 'P-256', x: ALL_ONES, y: ALL_ONES }],
    [
      '31-byte coordinates',
      {
        kty: 'EC',
        crv: 'P-256',
        x: Buffer.alloc(31, 1).toString('base64url'),
        y: Buffer.alloc(31, 1).toString('base64url'),
      },
    ],
  ];
  for (const [what, jwk] of bad) {
    it(`trusted issuer key with ${what} → KEY_INVALID`, async () => {
      const b = immediateBundle();
      b.trust!.issuer_jwks.keys = [{ ...jwk, kid: keys.issuer.kid }];
      expectRefused(await verifyPresentation(b), 'KEY_INVALID', 'l1');
    });
    it(`L1 cnf.jwk with ${what} → refused on L1, L2 never trusted`, async () => {
      const r = await verifyPresentation(
        immediateBundle({ l1Payload: (p) => void (p.cnf = { jwk }) }),
      );
      expect(r.valid).toBe(false);
      expect(
        r.errors.some(
          (e) => e.layer === 'l1' && (e.code === 'L1_CNF_INVALID' || e.code === 'KEY_INVALID'),
        ),
      ).toBe(true);
      expect(r.checks.find((c) => c.name === 'l2.signature')?.status).toBe('skipped');
      expect(r.errors.map((e) => e.code)).not.toContain('INTERNAL');
    });
  }
  it('agent cnf.jwk off the curve → MANDATE_CNF_MISSING or KEY_INVALID, no L3 verified', async () => {
    const cnf = { jwk: offCurve(keys.agent.publicJwk), kid: keys.agent.kid };
    const r = await verifyPresentation(
      autonomousBundle({
        checkoutMandate: (m) => void (m.cnf = cnf),
        paymentMandate: (m) => void (m.cnf = cnf),
      }),
    );
    expect(r.valid).toBe(false);
    expect(r.errors.some((e) => e.code === 'MANDATE_CNF_MISSING' || e.code === 'KEY_INVALID')).toBe(
      true,
    );
    expect(r.pairs.every((p) => p.l3a !== 'verified' && p.l3b !== 'verified')).toBe(true);
  });
});

describe('kid with path characters', () => {
  const hostileKids = [
    '../../etc/passwd',
    '/etc/passwd',
    '..\\..\\windows\\win.ini',
    'file:///etc/passwd',
    'http://169.254.169.254/latest/meta-data',
    '%2e%2e%2fetc%2fpasswd',
    'issuer-key-1\u0000.json',
  ];
  for (const kid of hostileKids) {
    it(`L1 kid ${JSON.stringify(kid)} against a JWK Set → L1_ISSUER_KEY_UNKNOWN`, async () => {
      expectRefused(
        await verifyPresentation(immediateBundle({ l1Header: (h) => void (h.kid = kid) })),
        'L1_ISSUER_KEY_UNKNOWN',
        'l1',
      );
    });
  }
  it('a resolver function receives the kid verbatim (no normalisation) and an unknown kid stays unknown', async () => {
    const asked: string[] = [];
    const r = await verifyPresentation(
      immediateBundle({ l1Header: (h) => void (h.kid = '../../etc/passwd') }),
      {
        issuerKeys: (kid) => {
          asked.push(kid);
          return undefined;
        },
      },
    );
    expectRefused(r, 'L1_ISSUER_KEY_UNKNOWN', 'l1');
    expect(asked).toEqual(['../../etc/passwd']);
  });
  it('a kid is an opaque exact-match label: "../../etc/passwd" selects only the key listed under exactly that kid', async () => {
    const kid = '../../etc/passwd';
    const b = immediateBundle({ l1Header: (h) => void (h.kid = kid) });
    b.trust!.issuer_jwks.keys = [{ ...bareJwk(keys.issuer.publicJwk), kid }];
    expect((await verifyPresentation(b)).valid).toBe(true);
    b.trust!.issuer_jwks.keys = [{ ...bareJwk(keys.issuer.publicJwk), kid: 'etc/passwd' }];
    expectRefused(await verifyPresentation(b), 'L1_ISSUER_KEY_UNKNOWN', 'l1');
  });
  it('L3 kid with path characters is not the L2 cnf.kid → L3_KID_MISMATCH', async () => {
    const b = autonomousBundle(
      { l3aHeader: (h) => void (h.kid = `../${keys.agent.kid}`) },
      'network',
    );
    expectRefused(await verifyPresentation(b), 'L3_KID_MISMATCH', 'l3a');
  });
});
