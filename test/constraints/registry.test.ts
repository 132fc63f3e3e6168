/** The constraint registry on its own: every registered type, shapes and outcomes (src/constraints/). */
import { describe, expect, it } from 'vitest';
import {
  checkConstraints,
  constraintRegistry,
  constraintRegistryFor,
  constraintShapeViolations,
} from '../../src/constraints/registry.js';
import type { Fulfillment } from '../../src/constraints/types.js';
import { DEFAULT_PROFILE, VI_2026_02, VI_2026_04 } from '../../src/profiles/profile.js';

const AT = Date.UTC(2027, 2, 15) / 1000;
const ctx = { at: AT, strictness: 'PERMISSIVE' as const, profile: VI_2026_02 };
const shop = { id: 'm-1', name: 'Shop', website: 'https://shop.example' };
const pay = (amount: unknown, currency = 'USD', payee: unknown = shop): Fulfillment => ({
  payment: { amount, currency, payee },
});
const codes = (c: Record<string, unknown>, f: Fulfillment) =>
  checkConstraints([c], f, ctx).flatMap((r) =>
    r.outcome.status === 'failed' ? r.outcome.violations.map((v) => v.code) : [r.outcome.status],
  );

describe('constraint registry', () => {
  it('registers exactly the eight types of constraints.md §4 (February names)', () => {
    expect([...constraintRegistry.keys()].sort()).toEqual(
      Object.values(VI_2026_02.constraint).sort(),
    );
    expect(constraintRegistry.size).toBe(8);
  });

  it('follows the default profile when none is named', () => {
    const april = { type: VI_2026_04.constraint.amount, currency: 'USD', min: 0, max: 10 };
    const [report] = checkConstraints([april], pay(11), { at: AT, strictness: 'PERMISSIVE' });
    expect(report?.outcome).toMatchObject({
      status: 'failed',
      violations: [{ code: 'CONSTRAINT_AMOUNT_ABOVE_MAX' }],
    });
    expect(DEFAULT_PROFILE).toBe(VI_2026_04.name);
    expect([...constraintRegistryFor().keys()].sort()).toEqual(
      Object.values(VI_2026_04.constraint).sort(),
    );
  });

  it('payment.amount compares integers only', () => {
    const c = { type: 'payment.amount', currency: 'USD', min: 100, max: 200 };
    expect(codes(c, pay(150))).toEqual(['passed']);
    expect(codes(c, pay(200))).toEqual(['passed']);
    expect(codes(c, pay(201))).toEqual(['CONSTRAINT_AMOUNT_ABOVE_MAX']);
    expect(codes(c, pay(99))).toEqual(['CONSTRAINT_AMOUNT_BELOW_MIN']);
    expect(codes(c, pay('150'))).toEqual(['CONSTRAINT_AMOUNT_INVALID']);
    expect(codes(c, pay(150.5))).toEqual(['CONSTRAINT_AMOUNT_INVALID']);
    expect(codes(c, pay(-1))).toEqual(['CONSTRAINT_AMOUNT_INVALID']);
    expect(codes(c, pay(150, 'EUR'))).toEqual(['CONSTRAINT_CURRENCY_MISMATCH']);
  });

  it('allowlists: empty is unsatisfiable; withheld entries skip; id-first exact match', () => {
    expect(
      constraintShapeViolations(
        [
          { type: 'payment.allowed_payee', allowed_payees: [] },
          { type: 'payment.reference', conditional_transaction_id: 'x' },
        ],
        'payment',
        VI_2026_02,
      ).map((v) => v.code),
    ).toEqual(['CONSTRAINT_ALLOWLIST_EMPTY']);
    expect(
      codes({ type: 'payment.allowed_payee', allowed_payees: [{ '...': 'digest' }] }, pay(1)),
    ).toEqual(['skipped']);
    expect(codes({ type: 'payment.allowed_payee', allowed_payees: [shop] }, pay(1))).toEqual([
      'passed',
    ]);
    expect(
      codes(
        { type: 'payment.allowed_payee', allowed_payees: [shop] },
        pay(1, 'USD', { ...shop, name: 'SHOP' }),
      ),
    ).toEqual(['passed']);
    expect(
      codes(
        { type: 'payment.allowed_payee', allowed_payees: [shop] },
        pay(1, 'USD', { ...shop, id: 'm-2' }),
      ),
    ).toEqual(['CONSTRAINT_PAYEE_NOT_ALLOWED']);
    const noIds = { name: 'Shop', website: 'https://shop.example' };
    expect(
      codes(
        { type: 'payment.allowed_payee', allowed_payees: [noIds] },
        pay(1, 'USD', { name: 'Shop', website: 'https://shop.example/' }),
      ),
    ).toEqual(['CONSTRAINT_PAYEE_NOT_ALLOWED']);
  });

  it('line items: wildcard entry, per-SKU and total limits', () => {
    const f = (lines: { sku: string; quantity: number }[]): Fulfillment => ({
      checkout: { merchant: shop, lineLists: [{ source: 'L3b', lines }] },
    });
    const c = {
      type: 'mandate.checkout.line_items',
      items: [
        { id: 'a', acceptable_items: [{ id: 'S1', title: 'one' }], quantity: 1 },
        { id: 'b', acceptable_items: [], quantity: 2 },
      ],
    };
    expect(
      codes(
        c,
        f([
          { sku: 'S1', quantity: 1 },
          { sku: 'ANY', quantity: 2 },
        ]),
      ),
    ).toEqual(['passed']);
    expect(codes(c, f([{ sku: 'S1', quantity: 4 }]))).toContain('CONSTRAINT_QUANTITY_EXCEEDED');
    const strictItems = {
      type: 'mandate.checkout.line_items',
      items: [{ id: 'a', acceptable_items: [{ id: 'S1', title: 'one' }], quantity: 3 }],
    };
    expect(codes(strictItems, f([{ sku: 'S2', quantity: 1 }]))).toEqual([
      'CONSTRAINT_LINE_ITEM_NOT_ACCEPTABLE',
    ]);
    expect(codes(strictItems, f([]))).toEqual(['CONSTRAINT_CART_EMPTY']);
  });

  it('budget, recurrence and agent_recurrence stateless parts', () => {
    expect(codes({ type: 'payment.budget', currency: 'USD', max: 100 }, pay(101))).toEqual([
      'CONSTRAINT_AMOUNT_ABOVE_MAX',
    ]);
    expect(
      codes(
        {
          type: 'payment.recurrence',
          frequency: 'MONTHLY',
          start_date: '2027-01-01',
          end_date: '2027-02-01',
        },
        pay(1),
      ),
    ).toEqual(['CONSTRAINT_RECURRENCE_OUT_OF_WINDOW']);
    const ar = {
      type: 'payment.agent_recurrence',
      frequency: 'ON_DEMAND',
      start_date: '2027-03-01',
      end_date: '2027-03-31',
    };
    const withCompanions = checkConstraints(
      [
        ar,
        { type: 'payment.amount', currency: 'USD', max: 10 },
        { type: 'payment.budget', currency: 'USD', max: 10 },
      ],
      pay(5),
      ctx,
    );
    expect(withCompanions.map((r) => r.outcome.status)).toEqual(['passed', 'passed', 'passed']);
    expect(codes(ar, pay(5))).toEqual([
      'CONSTRAINT_RECURRENCE_COMPANION_MISSING',
      'CONSTRAINT_RECURRENCE_COMPANION_MISSING',
    ]);
    expect(
      constraintShapeViolations([{ ...ar, end_date: undefined }], 'payment', VI_2026_02).map(
        (v) => v.code,
      ),
    ).toEqual(['CONSTRAINT_MALFORMED']);
    expect(
      constraintShapeViolations([{ ...ar, start_date: '2027-02-30' }], 'payment', VI_2026_02).map(
        (v) => v.code,
      ),
    ).toEqual(['CONSTRAINT_MALFORMED']);
  });

  it('a verification time past what a Date holds is outside every recurrence window, not an exception', () => {
    const far = {
      at: Number.MAX_SAFE_INTEGER,
      strictness: 'PERMISSIVE' as const,
      profile: VI_2026_02,
    };
    const rec = {
      type: 'payment.recurrence',
      frequency: 'MONTHLY',
      start_date: '2027-01-01',
      end_date: '2027-12-31',
    };
    const ar = {
      type: 'payment.agent_recurrence',
      frequency: 'ON_DEMAND',
      start_date: '2027-03-01',
      end_date: '2027-03-31',
    };
    const companions = [
      { type: 'payment.amount', currency: 'USD', max: 10 },
      { type: 'payment.budget', currency: 'USD', max: 10 },
    ];
    const outcomes = checkConstraints([rec, ar, ...companions], pay(5), far)
      .slice(0, 2)
      .map((r) => r.outcome);
    expect(
      outcomes.map((o) => (o.status === 'failed' ? o.violations.map((v) => v.code) : o.status)),
    ).toEqual([['CONSTRAINT_RECURRENCE_OUT_OF_WINDOW'], ['CONSTRAINT_RECURRENCE_OUT_OF_WINDOW']]);
  });

  it('unknown types fail closed and misplaced types are malformed', () => {
    expect(
      constraintShapeViolations([{ type: 'urn:example:loyalty' }], 'payment', VI_2026_02).map(
        (v) => v.code,
      ),
    ).toEqual(['CONSTRAINT_UNKNOWN_TYPE']);
    expect(
      constraintShapeViolations(
        [{ type: 'payment.amount', currency: 'USD' }],
        'checkout',
        VI_2026_02,
      ).map((v) => v.code),
    ).toEqual(['CONSTRAINT_MALFORMED']);
    expect(constraintShapeViolations([], 'payment', VI_2026_02).map((v) => v.code)).toEqual([
      'MANDATE_CONSTRAINTS_MISSING',
    ]);
  });
});
