/** Each L1 check (src/verify/steps/l1.ts), broken on its own. */
import { describe, expect, it } from 'vitest';
import { makePropertyDisclosure } from '../../../src/sdjwt/build.js';
import { generateSigningKey } from '../../../src/sdjwt/keys.js';
import { expectBrokenCheck } from '../../fixtures/expect.js';
import { AT, chainKeys, immediateBundle, T0 } from '../../fixtures/raw-chain.js';
import { verifyPresentation } from '../../fixtures/vector-verify.js';

const other = generateSigningKey('issuer-key-1');

describe('l1 steps', () => {
  const cases = [
    {
      name: 'alg other than ES256',
      hooks: { l1Header: (h: Record<string, unknown>) => (h.alg = 'HS256') },
      check: 'l1.header',
      code: 'ALG_NOT_ALLOWED',
    },
    {
      name: 'alg none',
      hooks: { l1Header: (h: Record<string, unknown>) => (h.alg = 'none') },
      check: 'l1.header',
      code: 'ALG_NOT_ALLOWED',
    },
    {
      name: 'typ JWT',
      hooks: { l1Header: (h: Record<string, unknown>) => (h.typ = 'JWT') },
      check: 'l1.header',
      code: 'TYP_MISMATCH',
    },
    {
      name: 'no kid',
      hooks: { l1Header: (h: Record<string, unknown>) => delete h.kid },
      check: 'l1.header',
      code: 'KID_MISSING',
    },
    {
      name: 'kid not in trust',
      hooks: { l1Header: (h: Record<string, unknown>) => (h.kid = 'unknown-kid') },
      check: 'l1.signature',
      code: 'L1_ISSUER_KEY_UNKNOWN',
    },
    {
      name: 'signed by another key under the trusted kid',
      hooks: { l1SignWith: other },
      check: 'l1.signature',
      code: 'L1_SIGNATURE_INVALID',
    },
    {
      name: 'no sub',
      hooks: { l1Payload: (p: Record<string, unknown>) => delete p.sub },
      check: 'l1.claims',
      code: 'L1_CLAIM_MISSING',
    },
    {
      name: 'vct not a URI',
      hooks: { l1Payload: (p: Record<string, unknown>) => (p.vct = 'card') },
      check: 'l1.claims',
      code: 'L1_VCT_INVALID',
    },
    {
      name: 'no pan_last_four in the card profile',
      hooks: { l1Payload: (p: Record<string, unknown>) => delete p.pan_last_four },
      check: 'l1.claims',
      code: 'L1_CLAIM_MISSING',
    },
    {
      name: 'sd_hash in the root credential',
      hooks: { l1Payload: (p: Record<string, unknown>) => (p.sd_hash = 'x') },
      check: 'l1.claims',
      code: 'L1_HAS_SD_HASH',
    },
    {
      name: 'cnf.jwk with a private part',
      hooks: {
        l1Payload: (p: Record<string, unknown>) =>
          ((p.cnf as { jwk: Record<string, unknown> }).jwk.d = 'AAAA'),
      },
      check: 'l1.cnf',
      code: 'L1_CNF_INVALID',
    },
    {
      name: 'cnf missing',
      hooks: { l1Payload: (p: Record<string, unknown>) => delete p.cnf },
      check: 'l1.cnf',
      code: 'L1_CNF_INVALID',
    },
    {
      name: 'expired',
      hooks: { l1Payload: (p: Record<string, unknown>) => (p.exp = AT - 301) },
      check: 'l1.time',
      code: 'EXPIRED',
    },
    {
      name: 'iat in the future',
      hooks: { l1Payload: (p: Record<string, unknown>) => (p.iat = AT + 301) },
      check: 'l1.time',
      code: 'IAT_IN_FUTURE',
    },
    {
      name: 'exp as a string',
      hooks: { l1Payload: (p: Record<string, unknown>) => (p.exp = String(T0 + 1000)) },
      check: 'l1.time',
      code: 'TIME_CLAIM_INVALID',
    },
    {
      name: 'iat as a float',
      hooks: { l1Payload: (p: Record<string, unknown>) => (p.iat = T0 - 0.5) },
      check: 'l1.time',
      code: 'TIME_CLAIM_INVALID',
    },
    {
      name: 'unsupported _sd_alg',
      hooks: { l1Payload: (p: Record<string, unknown>) => (p._sd_alg = 'sha-1') },
      check: 'l1.disclosures',
      code: 'SD_ALG_UNSUPPORTED',
    },
  ] as const;
  for (const c of cases) {
    it(`${c.name} → ${c.code}`, async () => {
      expectBrokenCheck(
        await verifyPresentation(immediateBundle(c.hooks as never)),
        c.check,
        c.code,
      );
    });
  }

  it('an injected unreferenced disclosure → DISCLOSURE_UNREFERENCED', async () => {
    const extra = makePropertyDisclosure('email', 'mallory@example.com').encoded;
    const b = immediateBundle({ l1Serialized: (s) => `${s}${extra}~` });
    expectBrokenCheck(await verifyPresentation(b), 'l1.disclosures', 'DISCLOSURE_UNREFERENCED');
  });

  it('the same disclosure twice → DISCLOSURE_DUPLICATE', async () => {
    const b = immediateBundle({ l1Serialized: (s) => `${s}${s.split('~')[1]}~` });
    expectBrokenCheck(await verifyPresentation(b), 'l1.disclosures', 'DISCLOSURE_DUPLICATE');
  });

  it('L1 presented without its disclosure stays valid (withheld email)', async () => {
    const b = immediateBundle({ l1Serialized: (s) => `${s.split('~')[0]}~` });
    const r = await verifyPresentation(b);
    expect(r.valid).toBe(true);
    expect(r.claims.l1?.claims.email).toBeUndefined();
  });

  it('trust from options overrides the bundle: the bundle cannot choose its issuer', async () => {
    const b = immediateBundle();
    const r = await verifyPresentation(b, { issuerKeys: { keys: [other.publicJwk] } });
    expectBrokenCheck(r, 'l1.signature', 'L1_SIGNATURE_INVALID');
    expect(chainKeys().issuer.kid).toBe(other.kid);
  });
});
