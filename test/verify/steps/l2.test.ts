/** Each L2 check (src/verify/steps/l2.ts), broken on its own. */
import { describe, expect, it } from 'vitest';
import { serializeSdJwt } from '../../../src/sdjwt/build.js';
import { generateSigningKey } from '../../../src/sdjwt/keys.js';
import { expectBrokenCheck } from '../../fixtures/expect.js';
import {
  AT,
  autonomousBundle,
  buildAutonomous,
  buildL1,
  immediateBundle,
} from '../../fixtures/raw-chain.js';
import { verifyPresentation } from '../../fixtures/vector-verify.js';

type P = Record<string, unknown>;

describe('l2 steps', () => {
  const cases = [
    {
      name: 'alg ES384',
      hooks: { l2Header: (h: P) => (h.alg = 'ES384') },
      check: 'l2.header',
      code: 'ALG_NOT_ALLOWED',
    },
    {
      name: 'typ JWT',
      hooks: { l2Header: (h: P) => (h.typ = 'JWT') },
      check: 'l2.header',
      code: 'TYP_MISMATCH',
    },
    {
      name: 'signed by a key other than L1 cnf',
      hooks: { l2SignWith: generateSigningKey('user-key-1') },
      check: 'l2.signature',
      code: 'L2_SIGNATURE_INVALID',
    },
    {
      name: 'sd_hash over something else',
      hooks: { l2Payload: (p: P) => (p.sd_hash = 'AAAA') },
      check: 'l2.sd_hash',
      code: 'L2_SD_HASH_MISMATCH',
    },
    {
      name: 'no nonce',
      hooks: { l2Payload: (p: P) => delete p.nonce },
      check: ['l2.claims', 'l2.expect'],
      code: 'L2_CLAIM_MISSING',
    },
    {
      name: 'no aud',
      hooks: { l2Payload: (p: P) => delete p.aud },
      check: ['l2.claims', 'l2.expect'],
      code: 'L2_CLAIM_MISSING',
    },
    {
      name: 'delegate_payload entry not a reference',
      hooks: { l2Payload: (p: P) => (p.delegate_payload as unknown[]).push({ vct: 'inline' }) },
      check: 'l2.claims',
      code: 'CLAIM_MALFORMED',
    },
    {
      name: 'expired',
      hooks: { l2Payload: (p: P) => (p.exp = AT - 400) },
      check: 'l2.time',
      code: 'EXPIRED',
    },
    {
      name: 'iat in the future',
      hooks: { l2Payload: (p: P) => (p.iat = AT + 400) },
      check: 'l2.time',
      code: 'IAT_IN_FUTURE',
    },
    {
      name: 'aud not the expected one',
      hooks: { l2Payload: (p: P) => (p.aud = 'https://elsewhere.example') },
      check: 'l2.expect',
      code: 'AUD_MISMATCH',
    },
    {
      name: 'nonce not the expected one',
      hooks: { l2Payload: (p: P) => (p.nonce = 'replayed') },
      check: 'l2.expect',
      code: 'NONCE_MISMATCH',
    },
    {
      name: 'a delegate_payload reference repeated (mandate smuggling)',
      hooks: {
        l2Payload: (p: P) =>
          (p.delegate_payload as unknown[]).push((p.delegate_payload as unknown[])[1]),
      },
      check: 'l2.disclosures',
      code: 'DISCLOSURE_DUPLICATE_REFERENCE',
    },
  ] as const;
  for (const c of cases) {
    it(`${c.name} → ${c.code}`, async () => {
      expectBrokenCheck(
        await verifyPresentation(immediateBundle(c.hooks as never)),
        c.check as never,
        c.code,
      );
    });
  }

  it('no sd_hash binding possible when L1 is not verified: L2 signature is skipped, not trusted', async () => {
    const r = await verifyPresentation(immediateBundle({ l1Header: (h) => (h.kid = 'nope') }));
    expect(r.checks.find((c) => c.name === 'l2.signature')?.status).toBe('skipped');
    expect(r.claims.l2).toBeUndefined();
  });

  it('an L3 view of another L2 → L2_VIEW_MISMATCH', async () => {
    const b = autonomousBundle({}, 'dispute');
    const other = buildAutonomous({ l2Payload: (p) => (p.nonce = 'another-l2') });
    b.l3![0]!.payment_l2 = other.paymentL2;
    const r = await verifyPresentation(b);
    expect(r.errors.map((e) => e.code)).toContain('L2_VIEW_MISMATCH');
    expect(r.valid).toBe(false);
  });

  it('an injected disclosure no digest references → DISCLOSURE_UNREFERENCED', async () => {
    const c = buildAutonomous();
    const b = autonomousBundle({}, 'dispute');
    // A well-formed mandate disclosure the user never signed.
    const injected = buildAutonomous().payment.encoded;
    b.l2 = serializeSdJwt(c.l2Jwt, [...b.l2.split('~').slice(1, -1), injected]);
    b.l1 = c.l1;
    const r = await verifyPresentation(b);
    expect(r.errors.map((e) => e.code)).toContain('DISCLOSURE_UNREFERENCED');
  });

  it('L1 presented differently from what L2 hashed → L2_SD_HASH_MISMATCH', async () => {
    const b = immediateBundle();
    b.l1 = `${buildL1().split('~')[0]}~`; // a different L1 string (the fixture reissues with a new email salt)
    const r = await verifyPresentation(b);
    expect(r.errors.map((e) => e.code)).toContain('L2_SD_HASH_MISMATCH');
  });
});
