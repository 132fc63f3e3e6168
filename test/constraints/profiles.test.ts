/**
 * The constraint registries per wire profile: April names and semantics
 * (match_mode, budget.min, ISO 20022 frequencies, per-type policy), and that
 * each profile refuses the other's type names.
 */
import { describe, expect, it } from 'vitest';
import {
  checkConstraints,
  constraintRegistryFor,
  constraintShapeViolations,
  summarizeConstraints,
} from '../../src/constraints/registry.js';
import { riskDataMisplaced, riskDataProblem } from '../../src/constraints/risk-data.js';
import type { Fulfillment } from '../../src/constraints/types.js';
import { PROFILES, VI_2026_02, VI_2026_04 } from '../../src/profiles/profile.js';

const AT = Date.UTC(2027, 2, 15) / 1000;
const april = { at: AT, strictness: 'PERMISSIVE' as const, profile: VI_2026_04 };
const shop = { id: 'm-1', name: 'Shop', website: 'https://shop.example' };
const pay = (amount: unknown, currency = 'USD'): Fulfillment => ({
  payment: { amount, currency, payee: shop },
});
const cart = (lines: { sku: string; quantity: number }[]): Fulfillment => ({
  checkout: { merchant: shop, lineLists: [{ source: 'L3b', lines }] },
});
const codes = (c: Record<string, unknown>, f: Fulfillment, opts = april) =>
  checkConstraints([c], f, opts).flatMap((r) =>
    r.outcome.status === 'failed' ? r.outcome.violations.map((v) => v.code) : [r.outcome.status],
  );

describe('constraint registries per profile', () => {
  it('each profile registers its own eight names, and only those', () => {
    for (const p of PROFILES) {
      expect([...constraintRegistryFor(p).keys()].sort()).toEqual(
        Object.values(p.constraint).sort(),
      );
    }
    expect(
      constraintShapeViolations(
        [{ type: 'payment.amount', currency: 'USD', max: 1 }],
        'payment',
        VI_2026_04,
      ).map((v) => v.code),
    ).toEqual(['CONSTRAINT_UNKNOWN_TYPE']);
    expect(
      constraintShapeViolations(
        [{ type: 'mandate.payment.amount_range', currency: 'USD', max: 1 }],
        'payment',
        VI_2026_02,
      ).map((v) => v.code),
    ).toEqual(['CONSTRAINT_UNKNOWN_TYPE']);
  });

  it('April allowlists live in `allowed`; the February member name is not read', () => {
    expect(codes({ type: 'mandate.payment.allowed_payees', allowed: [shop] }, pay(1))).toEqual([
      'passed',
    ]);
    expect(
      constraintShapeViolations(
        [{ type: 'mandate.payment.allowed_payees', allowed_payees: [shop] }],
        'payment',
        VI_2026_04,
      ).map((v) => v.code),
    ).toEqual(['CONSTRAINT_MALFORMED']);
    expect(
      constraintShapeViolations(
        [{ type: 'payment.allowed_payee', allowed: [shop] }],
        'payment',
        VI_2026_02,
      ).map((v) => v.code),
    ).toEqual(['CONSTRAINT_MALFORMED']);
  });

  it('line_items match_mode: minimum by default, exact needs every entry, unknown is a violation', () => {
    const items = [
      { id: 'a', acceptable_items: [{ id: 'S1', title: 'one' }], quantity: 2 },
      { id: 'b', acceptable_items: [{ id: 'S2', title: 'two' }], quantity: 2 },
    ];
    const base = { type: 'mandate.checkout.line_items', items };
    expect(codes(base, cart([{ sku: 'S1', quantity: 1 }]))).toEqual(['passed']);
    expect(codes({ ...base, match_mode: 'minimum' }, cart([{ sku: 'S1', quantity: 1 }]))).toEqual([
      'passed',
    ]);
    expect(codes({ ...base, match_mode: 'exact' }, cart([{ sku: 'S1', quantity: 1 }]))).toEqual([
      'CONSTRAINT_LINE_ITEM_MISSING',
    ]);
    expect(
      codes(
        { ...base, match_mode: 'exact' },
        cart([
          { sku: 'S1', quantity: 1 },
          { sku: 'S2', quantity: 1 },
        ]),
      ),
    ).toEqual(['passed']);
    // exact does not relax the subset or quantity rules
    expect(
      codes(
        { ...base, match_mode: 'exact' },
        cart([
          { sku: 'S1', quantity: 3 },
          { sku: 'S2', quantity: 1 },
        ]),
      ),
    ).toContain('CONSTRAINT_QUANTITY_EXCEEDED');
    expect(
      codes(
        { ...base, match_mode: 'exact' },
        cart([
          { sku: 'S1', quantity: 1 },
          { sku: 'S2', quantity: 1 },
          { sku: 'S3', quantity: 1 },
        ]),
      ),
    ).toContain('CONSTRAINT_LINE_ITEM_NOT_ACCEPTABLE');
    expect(codes({ ...base, match_mode: 'maximum' }, cart([{ sku: 'S1', quantity: 1 }]))).toEqual([
      'CONSTRAINT_MATCH_MODE_UNKNOWN',
    ]);
    // a withheld acceptable item cannot show the entry fulfilled: exact fails closed
    const withheld = {
      type: 'mandate.checkout.line_items',
      match_mode: 'exact',
      items: [{ id: 'a', acceptable_items: [{ '...': 'digest' }], quantity: 1 }],
    };
    expect(codes(withheld, cart([{ sku: 'S1', quantity: 1 }]))).toContain(
      'CONSTRAINT_LINE_ITEM_MISSING',
    );
    // February has no match_mode: the member is not read there
    expect(
      codes({ ...base, match_mode: 'maximum' }, cart([{ sku: 'S1', quantity: 1 }]), {
        ...april,
        profile: VI_2026_02,
      }),
    ).toEqual(['passed']);
  });

  it('budget.min is a per-transaction floor in April, positive and not above max', () => {
    const b = { type: 'mandate.payment.budget', currency: 'USD', max: 10000, min: 500 };
    expect(codes(b, pay(500))).toEqual(['passed']);
    expect(codes(b, pay(499))).toEqual(['CONSTRAINT_AMOUNT_BELOW_MIN']);
    expect(codes(b, pay(10001))).toEqual(['CONSTRAINT_AMOUNT_ABOVE_MAX']);
    for (const min of [0, -1, 1.5, '5', 20000]) {
      expect(
        constraintShapeViolations([{ ...b, min }], 'payment', VI_2026_04).map((v) => v.code),
      ).toContain('CONSTRAINT_MALFORMED');
    }
    // February defines no min: it is not read
    expect(
      codes({ type: 'payment.budget', currency: 'USD', max: 10000, min: 500 }, pay(1), {
        ...april,
        profile: VI_2026_02,
      }),
    ).toEqual(['passed']);
  });

  it('recurrence frequencies: ISO 20022 codes in April, the February words there', () => {
    const rec = (type: string, frequency: string) => ({
      type,
      frequency,
      start_date: '2027-01-01',
      end_date: '2027-12-31',
    });
    for (const f of [
      'INDA',
      'DAIL',
      'WEEK',
      'TOWK',
      'TWMN',
      'MNTH',
      'TOMN',
      'QUTR',
      'FOMN',
      'SEMI',
      'YEAR',
      'TYEA',
    ]) {
      expect(
        constraintShapeViolations([rec('mandate.payment.recurrence', f)], 'payment', VI_2026_04),
      ).toEqual([]);
      expect(
        constraintShapeViolations([rec('payment.recurrence', f)], 'payment', VI_2026_02).map(
          (v) => v.code,
        ),
      ).toEqual(['CONSTRAINT_MALFORMED']);
    }
    expect(
      constraintShapeViolations(
        [rec('mandate.payment.recurrence', 'MONTHLY')],
        'payment',
        VI_2026_04,
      ).map((v) => v.code),
    ).toEqual(['CONSTRAINT_MALFORMED']);
    expect(
      constraintShapeViolations(
        [rec('mandate.payment.agent_recurrence', 'ON_DEMAND')],
        'payment',
        VI_2026_04,
      ),
    ).toEqual([]);
    expect(
      constraintShapeViolations(
        [rec('mandate.payment.agent_recurrence', 'WEEK')],
        'payment',
        VI_2026_04,
      ),
    ).toEqual([]);
    // companions are the profile's own amount and budget types
    const ar = {
      type: 'mandate.payment.agent_recurrence',
      frequency: 'WEEK',
      start_date: '2027-03-01',
      end_date: '2027-03-31',
    };
    const feb = [
      { type: 'payment.amount', currency: 'USD', max: 10 },
      { type: 'payment.budget', currency: 'USD', max: 10 },
    ];
    const apr = [
      { type: 'mandate.payment.amount_range', currency: 'USD', max: 10 },
      { type: 'mandate.payment.budget', currency: 'USD', max: 10 },
    ];
    expect(checkConstraints([ar, ...apr], pay(5), april)[0]!.outcome.status).toBe('passed');
    expect(
      checkConstraints([ar, ...feb], pay(5), { ...april, openMandate: false })[0]!.outcome.status,
    ).toBe('failed');
  });

  it('unknown types: always a violation in open mandates; elsewhere strictness, overridden per type by policy', () => {
    const unknown = { type: 'urn:example:loyalty' };
    const other = { type: 'com.acme.points' };
    const run = (opts: Partial<Parameters<typeof summarizeConstraints>[2]>) =>
      summarizeConstraints([unknown, other], {}, { ...april, ...opts });
    expect(run({ openMandate: true })).toMatchObject({
      satisfied: false,
      violations: 2,
      skipped: 0,
    });
    expect(
      run({
        openMandate: true,
        policy: { 'urn:example:loyalty': 'PERMISSIVE', 'com.acme.points': 'PERMISSIVE' },
      }),
    ).toMatchObject({
      satisfied: false,
      violations: 2,
    });
    expect(run({ openMandate: false })).toMatchObject({
      satisfied: true,
      violations: 0,
      skipped: 2,
    });
    expect(run({ openMandate: false, policy: { 'urn:example:loyalty': 'STRICT' } })).toMatchObject({
      satisfied: false,
      violations: 1,
      skipped: 1,
    });
    expect(run({ openMandate: false, strictness: 'STRICT' })).toMatchObject({
      violations: 2,
      skipped: 0,
    });
    expect(
      run({
        openMandate: false,
        strictness: 'STRICT',
        policy: { 'com.acme.points': 'PERMISSIVE' },
      }),
    ).toMatchObject({ violations: 1, skipped: 1 });
    // policy does not change registered types
    const amount = { type: 'mandate.payment.amount_range', currency: 'USD', max: 10 };
    expect(
      summarizeConstraints([amount], pay(11), {
        ...april,
        openMandate: false,
        policy: { 'mandate.payment.amount_range': 'PERMISSIVE' },
      }),
    ).toMatchObject({
      violations: 1,
      checked: 1,
    });
  });

  it('risk_data: an object of string signals on the April L2 payment mandate, never in an L3', () => {
    expect(riskDataProblem(VI_2026_04, undefined)).toBeUndefined();
    expect(
      riskDataProblem(VI_2026_04, { device_id: 'd-1', ip_address: '198.51.100.7' }),
    ).toBeUndefined();
    expect(riskDataProblem(VI_2026_04, 'device')?.code).toBe('RISK_DATA_MALFORMED');
    expect(riskDataProblem(VI_2026_04, { ip_address: 7 })?.code).toBe('RISK_DATA_MALFORMED');
    expect(
      riskDataMisplaced(VI_2026_04, { vct: 'mandate.payment.1', risk_data: {} }, 'an L3 mandate')
        ?.code,
    ).toBe('RISK_DATA_FORBIDDEN');
    expect(
      riskDataMisplaced(VI_2026_04, { vct: 'mandate.payment.1' }, 'an L3 mandate'),
    ).toBeUndefined();
    // February does not define it
    expect(riskDataProblem(VI_2026_02, 'device')).toBeUndefined();
  });
});
