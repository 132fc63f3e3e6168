/** L3 values against disclosed L2 constraints (src/verify/steps/constraints.ts + src/constraints/). */
import { describe, expect, it } from 'vitest';
import { PROFILE } from '../../../src/profiles/profile.js';
import { expectBrokenCheck } from '../../fixtures/expect.js';
import { autonomousBundle, type Hooks, MERCHANTS, type Role } from '../../fixtures/raw-chain.js';
import { verifyPresentation } from '../../fixtures/vector-verify.js';

type P = Record<string, unknown>;
const constraint = (m: P, type: string) => (m.constraints as P[]).find((c) => c.type === type)!;
const rogue = { id: 'm-rogue', name: 'Rogue Rackets', website: 'https://rogue.example' };

describe('constraints against L3 values', () => {
  const cases: { name: string; role: Role; hooks: Hooks; check: string; code: string }[] = [
    {
      name: 'amount above max',
      role: 'network',
      hooks: {
        cart: [{ id: 'SKU-1', title: 'Pro Racket', quantity: 1, unit_price: 50001 }],
        l3bLines: [],
      },
      check: 'constraints.payment',
      code: 'CONSTRAINT_AMOUNT_ABOVE_MAX',
    },
    {
      name: 'amount below min',
      role: 'network',
      hooks: { l3aMandate: (m) => ((m.payment_amount as P).amount = 999) },
      check: 'constraints.payment',
      code: 'CONSTRAINT_AMOUNT_BELOW_MIN',
    },
    {
      name: 'currency differs',
      role: 'network',
      hooks: { l3aMandate: (m) => ((m.payment_amount as P).currency = 'EUR') },
      check: 'constraints.payment',
      code: 'CONSTRAINT_CURRENCY_MISMATCH',
    },
    {
      name: 'payee not allowed',
      role: 'network',
      hooks: { selectedMerchant: null, l3aMandate: (m) => (m.payee = rogue) },
      check: 'constraints.payment',
      code: 'CONSTRAINT_PAYEE_NOT_ALLOWED',
    },
    {
      name: 'payee matched by id first (same name, other id)',
      role: 'network',
      hooks: {
        selectedMerchant: null,
        l3aMandate: (m) => (m.payee = { ...MERCHANTS[0], id: 'm-9' }),
      },
      check: 'constraints.payment',
      code: 'CONSTRAINT_PAYEE_NOT_ALLOWED',
    },
    {
      name: 'budget smaller than this one payment',
      role: 'network',
      hooks: { paymentMandate: (m) => (constraint(m, PROFILE.constraint.budget).max = 100) },
      check: 'constraints.payment',
      code: 'CONSTRAINT_AMOUNT_ABOVE_MAX',
    },
    {
      name: 'agent_recurrence without payment.budget',
      role: 'network',
      hooks: {
        paymentMandate: (m) => {
          m.constraints = (m.constraints as P[]).filter(
            (c) => c.type !== PROFILE.constraint.budget,
          );
          (m.constraints as P[]).push({
            type: PROFILE.constraint.agentRecurrence,
            frequency: 'ON_DEMAND',
            start_date: '2027-01-01',
            end_date: '2027-12-31',
          });
        },
      },
      check: 'constraints.payment',
      code: 'CONSTRAINT_RECURRENCE_COMPANION_MISSING',
    },
    {
      name: 'agent_recurrence window over',
      role: 'network',
      hooks: {
        paymentMandate: (m) =>
          (m.constraints as P[]).push({
            type: PROFILE.constraint.agentRecurrence,
            frequency: 'WEEKLY',
            start_date: '2020-01-01',
            end_date: '2020-12-31',
          }),
      },
      check: 'constraints.payment',
      code: 'CONSTRAINT_RECURRENCE_OUT_OF_WINDOW',
    },
    // allowed_merchant is judged only where the L3b's own view discloses the merchant entries.
    {
      name: 'merchant not allowed',
      role: 'merchant',
      hooks: { checkoutViewMerchants: true, checkoutJwtPayload: (p) => (p.merchant = rogue) },
      check: 'constraints.checkout',
      code: 'CONSTRAINT_MERCHANT_NOT_ALLOWED',
    },
    {
      name: 'checkout_jwt without merchant id',
      role: 'dispute',
      hooks: {
        checkoutViewMerchants: true,
        checkoutJwtPayload: (p) =>
          (p.merchant = { name: 'Racket House', website: 'https://racket.example' }),
      },
      check: 'constraints.checkout',
      code: 'CONSTRAINT_MERCHANT_UNKNOWN',
    },
    {
      name: 'item not acceptable',
      role: 'merchant',
      hooks: { cart: [{ id: 'SKU-9', title: 'Other', quantity: 1, unit_price: 2000 }] },
      check: 'constraints.checkout',
      code: 'CONSTRAINT_LINE_ITEM_NOT_ACCEPTABLE',
    },
    {
      name: 'total quantity over the limit',
      role: 'merchant',
      hooks: { cart: [{ id: 'SKU-1', title: 'Pro Racket', quantity: 3, unit_price: 2000 }] },
      check: 'constraints.checkout',
      code: 'CONSTRAINT_QUANTITY_EXCEEDED',
    },
    {
      name: 'L3b lines differ from the signed cart',
      role: 'merchant',
      hooks: { l3bLines: [{ id: 'SKU-1', quantity: 5 }] },
      check: 'constraints.checkout',
      code: 'CONSTRAINT_QUANTITY_EXCEEDED',
    },
    {
      name: 'empty cart',
      role: 'merchant',
      hooks: { cart: [], l3bLines: [] },
      check: 'constraints.checkout',
      code: 'CONSTRAINT_CART_EMPTY',
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

  it('every violation is reported, not only the first (constraints.md §5.3)', async () => {
    const r = await verifyPresentation(
      autonomousBundle(
        {
          l3aMandate: (m) => {
            m.payment_amount = { currency: 'EUR', amount: 999 };
            m.payee = rogue;
          },
        },
        'network',
      ),
    );
    // The selected merchant may differ from the payee (credential-format §5.6): only the constraints fail.
    expect(new Set(r.errors.map((e) => e.code))).toEqual(
      new Set([
        'CONSTRAINT_AMOUNT_BELOW_MIN',
        'CONSTRAINT_CURRENCY_MISMATCH',
        'CONSTRAINT_PAYEE_NOT_ALLOWED',
      ]),
    );
    expect(r.pairs[0]?.valid).toBe(false);
  });

  it('allowlists withheld from this verifier are skipped, not failed', async () => {
    // The merchant view of the checkout mandate discloses no merchant: allowed_merchant cannot be checked.
    const r = await verifyPresentation(autonomousBundle({}, 'merchant'));
    expect(r.valid).toBe(true);
    const merchant = r.pairs[0]!.constraints.find(
      (c) => c.type === PROFILE.constraint.allowedMerchant,
    );
    expect(merchant?.outcome.status).toBe('skipped');
  });

  it('open-ended payment.recurrence passes PERMISSIVE and fails STRICT', async () => {
    const b = autonomousBundle(
      {
        paymentMandate: (m) =>
          (m.constraints as P[]).push({
            type: PROFILE.constraint.recurrence,
            frequency: 'MONTHLY',
            start_date: '2027-01-01',
          }),
      },
      'network',
    );
    expect((await verifyPresentation(b)).valid).toBe(true);
    expectBrokenCheck(
      await verifyPresentation(b, { strictness: 'STRICT' }),
      'constraints.payment',
      'CONSTRAINT_MALFORMED',
    );
  });

  it('a dispute view checks both mandates and reports per-pair results', async () => {
    const r = await verifyPresentation(autonomousBundle({}, 'dispute'));
    expect(r.valid).toBe(true);
    expect(r.pairs).toHaveLength(1);
    expect(r.pairs[0]).toMatchObject({
      l3a: 'verified',
      l3b: 'verified',
      valid: true,
      payment_values: { amount: 27999, currency: 'USD' },
    });
    expect(r.pairs[0]!.constraints.map((c) => c.outcome.status)).not.toContain('failed');
  });
});
