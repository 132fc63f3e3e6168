/** Each mandate check (src/verify/steps/mandates.ts), broken on its own. */
import { describe, expect, it } from 'vitest';
import { PROFILE } from '../../../src/profiles/profile.js';
import { serializeSdJwt } from '../../../src/sdjwt/build.js';
import { expectBrokenCheck } from '../../fixtures/expect.js';
import { verifyPresentation } from '../../fixtures/vector-verify.js';
import { autonomousBundle, generateOtherAgent, immediateBundle } from './helpers.js';

type P = Record<string, unknown>;
const constraintsOf = (m: P) => m.constraints as P[];

describe('mandate steps (Immediate)', () => {
  const cases = [
    {
      name: 'checkout mandate with cnf',
      hooks: { checkoutMandate: (m: P) => (m.cnf = { kid: 'k' }) },
      check: 'mandates.shape',
      code: 'MANDATE_CNF_FORBIDDEN',
    },
    {
      name: 'payment mandate with constraints',
      hooks: { paymentMandate: (m: P) => (m.constraints = []) },
      check: 'mandates.shape',
      code: 'MANDATE_CONSTRAINTS_FORBIDDEN',
    },
    {
      name: 'payment mandate without payee',
      hooks: { paymentMandate: (m: P) => delete m.payee },
      check: 'mandates.shape',
      code: 'MANDATE_MALFORMED',
    },
    {
      name: 'amount as a string',
      hooks: { paymentMandate: (m: P) => ((m.payment_amount as P).amount = '27999') },
      check: ['mandates.shape', 'bindings.amount_matches_cart'],
      code: 'CONSTRAINT_AMOUNT_INVALID',
    },
    {
      name: 'unknown mandate vct',
      hooks: { paymentMandate: (m: P) => (m.vct = 'mandate.refund') },
      check: 'mandates.disclosed',
      code: 'MANDATE_VCT_UNKNOWN',
    },
    {
      name: 'checkout_hash not the hash of checkout_jwt',
      hooks: {
        checkoutMandate: (m: P) => (m.checkout_hash = 'AAAA'),
        paymentMandate: (m: P) => (m.transaction_id = 'AAAA'),
      },
      check: 'mandates.checkout_hash',
      code: 'CHECKOUT_HASH_MISMATCH',
    },
    {
      name: 'transaction_id not the checkout hash (orphans)',
      hooks: { paymentMandate: (m: P) => (m.transaction_id = 'BBBB') },
      check: 'mandates.pairing',
      code: 'MANDATE_ORPHAN',
    },
    {
      name: 'payment amount differs from the signed cart',
      hooks: { paymentMandate: (m: P) => ((m.payment_amount as P).amount = 1) },
      check: 'bindings.amount_matches_cart',
      code: 'PAYMENT_CART_MISMATCH',
    },
    {
      name: 'typ of the other mode',
      hooks: { l2Header: (h: P) => (h.typ = PROFILE.typ.l2Autonomous) },
      check: 'mandates.mode',
      code: 'TYP_MISMATCH',
    },
  ] as const;
  for (const c of cases) {
    it(`${c.name} → ${c.code}`, async () => {
      // Without a role: this judges the mandate step alone, not what a dispute must be shown (role.view).
      const { role: _role, ...bundle } = immediateBundle(c.hooks as never);
      expectBrokenCheck(await verifyPresentation(bundle), c.check as never, c.code);
    });
  }

  it('two payment mandates with one pair identifier → MANDATE_DUPLICATE_PAIR', async () => {
    // A second payment mandate (its own disclosure, same transaction_id) smuggled into a signed L2.
    const b = immediateBundle({
      l2ExtraMandates: ({ payment }) => [
        { ...payment, payment_amount: { currency: 'USD', amount: 1 } },
      ],
    });
    const r = await verifyPresentation(b);
    expect(r.errors.map((e) => e.code)).toContain('MANDATE_DUPLICATE_PAIR');
  });

  it('no mandate disclosed at all → MANDATE_NONE_DISCLOSED', async () => {
    const b = immediateBundle({}, 'dispute');
    b.l2 = `${b.l2.split('~')[0]}~`;
    expectBrokenCheck(await verifyPresentation(b), 'mandates.disclosed', 'MANDATE_NONE_DISCLOSED');
  });
});

describe('mandate steps (Autonomous)', () => {
  const cases = [
    {
      name: 'checkout mandate without cnf',
      hooks: { checkoutMandate: (m: P) => delete m.cnf },
      check: 'mandates.shape',
      code: 'MANDATE_CNF_MISSING',
    },
    {
      name: 'payment mandate without cnf.kid',
      hooks: { paymentMandate: (m: P) => delete (m.cnf as P).kid },
      check: 'mandates.shape',
      code: 'MANDATE_CNF_MISSING',
    },
    {
      name: 'open mandate without constraints',
      hooks: { checkoutMandate: (m: P) => (m.constraints = []) },
      check: 'mandates.shape',
      code: 'MANDATE_CONSTRAINTS_MISSING',
    },
    {
      name: 'unknown constraint type in an open mandate',
      hooks: {
        paymentMandate: (m: P) =>
          constraintsOf(m).push({ type: 'payment.loyalty_tier', tier: 'gold' }),
      },
      check: 'mandates.shape',
      code: 'CONSTRAINT_UNKNOWN_TYPE',
    },
    {
      name: 'checkout constraint in a payment mandate',
      hooks: {
        paymentMandate: (m: P) =>
          constraintsOf(m).push({ type: PROFILE.constraint.lineItems, items: [] }),
      },
      check: 'mandates.shape',
      code: 'CONSTRAINT_MALFORMED',
    },
    {
      name: 'empty merchant allowlist',
      hooks: { checkoutMandate: (m: P) => (constraintsOf(m)[0]!.allowed_merchants = []) },
      check: 'mandates.shape',
      code: 'CONSTRAINT_ALLOWLIST_EMPTY',
    },
    {
      name: 'payment.amount max as a float',
      hooks: { paymentMandate: (m: P) => (constraintsOf(m)[0]!.max = 500.5) },
      check: 'mandates.shape',
      code: 'CONSTRAINT_MALFORMED',
    },
    {
      name: 'no payment.reference',
      hooks: {
        paymentMandate: (m: P) =>
          (m.constraints = constraintsOf(m).filter((c) => c.type !== PROFILE.constraint.reference)),
      },
      check: ['mandates.shape', 'mandates.pairing'],
      code: 'PAYMENT_REFERENCE_MISSING',
    },
    {
      name: 'payment.reference to no delegate entry',
      hooks: {
        paymentMandate: (m: P) =>
          (constraintsOf(m).find(
            (c) => c.type === PROFILE.constraint.reference,
          )!.conditional_transaction_id = 'AAAA'),
      },
      check: ['mandates.pairing', 'l3.entry'],
      code: 'MANDATE_ORPHAN',
    },
    {
      name: 'cnf differing within the pair',
      hooks: {
        paymentMandate: (m: P) =>
          (m.cnf = { jwk: generateOtherAgent().publicJwk, kid: 'agent-key-1' }),
      },
      check: ['mandates.cnf_pair', 'l3a.signature'],
      code: 'MANDATE_CNF_PAIR_MISMATCH',
    },
    {
      name: 'open and final mandates mixed',
      hooks: { paymentMandate: (m: P) => (m.vct = PROFILE.vct.payment) },
      check: 'mandates.mode',
      code: 'L2_MODE_MIXED',
    },
    {
      name: 'L2 that outlives its L1',
      hooks: { l2Payload: (p: P) => (p.exp = 1_900_000_000) },
      check: 'l2.lifetime',
      code: 'L2_OUTLIVES_L1',
    },
  ] as const;
  for (const c of cases) {
    it(`${c.name} → ${c.code}`, async () => {
      const { role: _role, ...bundle } = autonomousBundle(c.hooks as never);
      expectBrokenCheck(await verifyPresentation(bundle), c.check as never, c.code);
    });
  }

  it('payment.reference naming a withheld entry that is not the checkout → PAYMENT_REFERENCE_MISMATCH (network view)', async () => {
    const b = autonomousBundle(
      {
        paymentMandate: (m) =>
          (constraintsOf(m).find(
            (c) => c.type === PROFILE.constraint.reference,
          )!.conditional_transaction_id = 'not-a-digest'),
      },
      'network',
    );
    expectBrokenCheck(
      await verifyPresentation(b),
      'mandates.payment_reference',
      'PAYMENT_REFERENCE_MISMATCH',
    );
  });

  it('a view presenting the payment mandate disclosure twice → DISCLOSURE_DUPLICATE', async () => {
    const b = autonomousBundle({}, 'network');
    const parts = b.l2.split('~');
    b.l2 = serializeSdJwt(parts[0]!, [...parts.slice(1, -1), parts[1]!]);
    const r = await verifyPresentation(b);
    expect(r.errors.map((e) => e.code)).toContain('DISCLOSURE_DUPLICATE');
  });
});
