/** Each L3 check (src/verify/steps/l3.ts), broken on its own, in the view where it matters. */
import { describe, expect, it } from 'vitest';
import { expectBrokenCheck } from '../../fixtures/expect.js';
import {
  AT,
  autonomousBundle,
  buildAutonomous,
  chainKeys,
  type Hooks,
  immediateBundle,
  type Role,
  T0,
} from '../../fixtures/raw-chain.js';
import { verifyPresentation } from '../../fixtures/vector-verify.js';
import { generateOtherAgent } from './helpers.js';

type P = Record<string, unknown>;

describe('l3 steps', () => {
  const cases: {
    name: string;
    role: Role;
    hooks: Hooks;
    check: string | string[];
    code: string;
  }[] = [
    {
      name: 'L3a typ kb-sd-jwt+kb',
      role: 'network',
      hooks: { l3aHeader: (h) => (h.typ = 'kb-sd-jwt+kb') },
      check: 'l3a.header',
      code: 'TYP_MISMATCH',
    },
    {
      name: 'L3b alg none',
      role: 'merchant',
      hooks: { l3bHeader: (h) => (h.alg = 'none') },
      check: 'l3b.header',
      code: 'ALG_NOT_ALLOWED',
    },
    {
      name: 'L3a without kid',
      role: 'network',
      hooks: { l3aHeader: (h) => delete h.kid },
      check: 'l3a.header',
      code: 'KID_MISSING',
    },
    {
      name: 'L3a header carrying a jwk',
      role: 'network',
      hooks: { l3aHeader: (h) => (h.jwk = chainKeys().agent.publicJwk) },
      check: 'l3a.header',
      code: 'L3_HEADER_JWK_FORBIDDEN',
    },
    {
      name: 'L3a kid not the L2 cnf.kid',
      role: 'network',
      hooks: { l3aHeader: (h) => (h.kid = 'agent-key-2') },
      check: 'l3a.signature',
      code: 'L3_KID_MISMATCH',
    },
    {
      name: 'L3a signed by a non-delegated key',
      role: 'network',
      hooks: { l3aSignWith: generateOtherAgent() },
      check: 'l3a.signature',
      code: 'L3_SIGNATURE_INVALID',
    },
    {
      name: 'L3b signed by the user instead of the agent',
      role: 'merchant',
      hooks: { l3bSignWith: chainKeys().user },
      check: 'l3b.signature',
      code: 'L3_SIGNATURE_INVALID',
    },
    {
      name: 'L3a payload with cnf',
      role: 'network',
      hooks: { l3aPayload: (p) => (p.cnf = { jwk: chainKeys().agent.publicJwk }) },
      check: 'l3a.cnf',
      code: 'L3_CNF_FORBIDDEN',
    },
    {
      name: 'L3a sd_hash over another view',
      role: 'network',
      hooks: { l3aPayload: (p) => (p.sd_hash = 'AAAA') },
      check: 'l3a.sd_hash',
      code: 'L3_SD_HASH_MISMATCH',
    },
    {
      name: 'L3b without nonce',
      role: 'merchant',
      hooks: { l3bPayload: (p) => delete p.nonce },
      check: ['l3b.claims', 'l3b.expect'],
      code: 'L3_CLAIM_MISSING',
    },
    {
      name: 'L3a expired',
      role: 'network',
      hooks: { l3aPayload: (p) => (p.exp = AT - 301) },
      check: 'l3a.time',
      code: 'EXPIRED',
    },
    {
      name: 'L3a lifetime over an hour',
      role: 'network',
      hooks: { l3aPayload: (p) => (p.exp = T0 + 60 + 3601) },
      check: 'l3a.time',
      code: 'L3_LIFETIME_EXCEEDED',
    },
    {
      name: 'L3a aud not expected',
      role: 'network',
      hooks: { l3aPayload: (p) => (p.aud = 'https://other-network.example') },
      check: 'l3a.expect',
      code: 'AUD_MISMATCH',
    },
    {
      name: 'L3b nonce not expected',
      role: 'merchant',
      hooks: { l3bPayload: (p) => (p.nonce = 'stale') },
      check: 'l3b.expect',
      code: 'NONCE_MISMATCH',
    },
    {
      name: 'L3a mandate carrying cnf',
      role: 'network',
      hooks: { l3aMandate: (m) => (m.cnf = { kid: 'x' }) },
      check: 'l3a.mandate',
      code: 'L3_CNF_FORBIDDEN',
    },
    {
      name: 'L3b mandate carrying constraints',
      role: 'merchant',
      hooks: { l3bMandate: (m) => (m.constraints = []) },
      check: 'l3b.mandate',
      code: 'MANDATE_CONSTRAINTS_FORBIDDEN',
    },
    {
      name: 'L3a with an open mandate vct',
      role: 'network',
      hooks: { l3aMandate: (m) => (m.vct = 'mandate.payment.open') },
      check: 'l3a.mandate',
      code: 'MANDATE_VCT_UNKNOWN',
    },
    {
      name: 'L3b checkout_hash not the hash of its checkout_jwt',
      role: 'merchant',
      hooks: { l3bMandate: (m) => (m.checkout_hash = 'AAAA') },
      check: 'l3b.mandate',
      code: 'CHECKOUT_HASH_MISMATCH',
    },
    {
      name: 'L3a amount as a float',
      role: 'network',
      hooks: { l3aMandate: (m) => ((m.payment_amount as P).amount = 279.99) },
      check: 'l3a.mandate',
      code: 'CONSTRAINT_AMOUNT_INVALID',
    },
    {
      name: 'L3a transaction_id not L3b checkout_hash',
      role: 'dispute',
      hooks: { l3aMandate: (m) => (m.transaction_id = 'AAAA') },
      check: 'l3.cross_reference',
      code: 'L3_CROSS_REFERENCE_MISMATCH',
    },
  ];
  for (const c of cases) {
    it(`${c.name} → ${c.code}`, async () => {
      expectBrokenCheck(
        await verifyPresentation(autonomousBundle(c.hooks, c.role)),
        c.check,
        c.code as never,
      );
    });
  }

  it('an L3a with no final payment mandate → L3_MANDATE_MISSING', async () => {
    const b = autonomousBundle({}, 'network');
    const l3a = b.l3![0]!.payment!;
    b.l3![0]!.payment = `${l3a.split('~').slice(0, 2).join('~')}~`; // only the selected-merchant disclosure
    expectBrokenCheck(await verifyPresentation(b), 'l3a.mandate', 'L3_MANDATE_MISSING');
  });

  it('an L3 in Immediate mode → L3_NOT_AUTONOMOUS', async () => {
    const b = immediateBundle();
    b.l3 = [{ payment: buildAutonomous().l3a }];
    expectBrokenCheck(await verifyPresentation(b), 'l3.mode', 'L3_NOT_AUTONOMOUS');
  });

  it('an L3 whose view discloses no mandate of its kind → L3_PAIR_UNBOUND', async () => {
    const b = autonomousBundle({}, 'dispute');
    b.l3![0]!.payment_l2 = b.l3![0]!.checkout_l2; // the checkout view binds no payment mandate
    const r = await verifyPresentation(b);
    expect(r.errors.map((e) => e.code)).toContain('L3_PAIR_UNBOUND');
  });

  it('two L3a for one mandate pair in one bundle → L3_PAIR_DUPLICATE', async () => {
    const b = autonomousBundle({}, 'network');
    b.l3!.push({ payment: b.l3![0]!.payment! });
    const r = await verifyPresentation(b);
    expect(r.errors.map((e) => e.code)).toContain('L3_PAIR_DUPLICATE');
  });

  it('the agent key is taken from L2 cnf, never from the L3 header', async () => {
    // The L3a is signed by an attacker key that it also puts in its header: rejected on both counts.
    const attacker = generateOtherAgent();
    const b = autonomousBundle(
      { l3aSignWith: attacker, l3aHeader: (h) => (h.jwk = attacker.publicJwk) },
      'network',
    );
    const r = await verifyPresentation(b);
    expect(r.valid).toBe(false);
    expect(r.errors.map((e) => e.code)).toContain('L3_HEADER_JWK_FORBIDDEN');
  });
});
