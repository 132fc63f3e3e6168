/**
 * The AP2 constraint evaluators on their own (src/constraints/ap2/): each is
 * judged through the registry with the verifier's default limits, and every
 * row asserts the code it throws, or that it passes.
 */
import { describe, expect, it } from 'vitest';
import { type Ap2ConstraintInput, ap2ConstraintType } from '../../../src/constraints/ap2/index.js';
import { VIError } from '../../../src/errors.js';
import { DEFAULT_LIMITS } from '../../../src/verify/context.js';

type Obj = Record<string, unknown>;
const AT = Date.parse('2027-04-03T12:00:00Z') / 1000;

function judge(kind: 'checkout' | 'payment', c: Obj, input: Partial<Ap2ConstraintInput>): string {
  const type = ap2ConstraintType(kind, c.type);
  if (!type) return 'UNKNOWN';
  try {
    type.evaluate(c, { closed: {}, at: AT, limits: DEFAULT_LIMITS, ...input });
    return 'passed';
  } catch (e) {
    if (e instanceof VIError) return e.code;
    throw e;
  }
}

const pay = (amount: number, currency: string) => ({ payment_amount: { amount, currency } });
const ctx = (total_amount: number, total_uses = 0, last_used_date?: number) => ({
  total_amount,
  total_uses,
  ...(last_used_date === undefined ? {} : { last_used_date }),
});

describe('payment.budget: max in major units, per ISO 4217 exponent', () => {
  const budget = (max: unknown, currency: string) => ({ type: 'payment.budget', max, currency });
  it.each([
    [
      'JPY (exponent 0): 1000 yen cap, 400 spent, 600 more',
      budget(1000, 'JPY'),
      pay(600, 'JPY'),
      ctx(400),
      'passed',
    ],
    [
      'JPY: one yen over',
      budget(1000, 'JPY'),
      pay(601, 'JPY'),
      ctx(400),
      'AP2_CONSTRAINT_VIOLATED',
    ],
    [
      'KWD (exponent 3): 1.5 dinar is 1500 fils',
      budget(1.5, 'KWD'),
      pay(1500, 'KWD'),
      ctx(0),
      'passed',
    ],
    [
      'KWD: 1501 fils over 1.5',
      budget(1.5, 'KWD'),
      pay(1501, 'KWD'),
      ctx(0),
      'AP2_CONSTRAINT_VIOLATED',
    ],
    ['EUR 100.50 is 10050 cents', budget(100.5, 'EUR'), pay(50, 'EUR'), ctx(10_000), 'passed'],
    [
      'EUR: a cap finer than a cent',
      budget(100.505, 'EUR'),
      pay(1, 'EUR'),
      ctx(0),
      'AP2_MANDATE_SCHEMA',
    ],
    ['JPY: a fractional yen cap', budget(10.5, 'JPY'), pay(1, 'JPY'), ctx(0), 'AP2_MANDATE_SCHEMA'],
    [
      'a currency that is not ISO 4217',
      budget(10, 'EURO'),
      pay(1, 'EURO'),
      ctx(0),
      'AP2_MANDATE_SCHEMA',
    ],
    [
      'a payment in another currency',
      budget(100, 'EUR'),
      pay(1, 'USD'),
      ctx(0),
      'AP2_CONSTRAINT_VIOLATED',
    ],
  ])('%s', (_, c, closed, context, code) => {
    expect(judge('payment', c, { closed, context })).toBe(code);
  });
  it('without spend state it is unresolved, never assumed zero', () => {
    expect(judge('payment', budget(100, 'EUR'), { closed: pay(1, 'EUR') })).toBe(
      'AP2_CONSTRAINT_UNRESOLVED',
    );
  });
});

describe('payment.agent_recurrence: occurrences and spacing', () => {
  const rec = (frequency: string, max_occurrences?: number) => ({
    type: 'payment.agent_recurrence',
    frequency,
    ...(max_occurrences === undefined ? {} : { max_occurrences }),
  });
  const day = 86_400;
  it.each([
    ['weekly, last use 8 days ago', rec('WEEKLY', 4), ctx(0, 1, AT - 8 * day), 'passed'],
    [
      'weekly, last use 6 days ago',
      rec('WEEKLY', 4),
      ctx(0, 1, AT - 6 * day),
      'AP2_CONSTRAINT_VIOLATED',
    ],
    ['weekly, exactly one week', rec('WEEKLY'), ctx(0, 1, AT - 7 * day), 'passed'],
    [
      'the fourth use of four done',
      rec('WEEKLY', 4),
      ctx(0, 4, AT - 30 * day),
      'AP2_CONSTRAINT_VIOLATED',
    ],
    ['first use has no spacing to keep', rec('MONTHLY', 1), ctx(0, 0), 'passed'],
    ['an unknown frequency', rec('FORTNIGHTLY'), ctx(0, 0), 'AP2_MANDATE_SCHEMA'],
    [
      'a frequency named like an Object member',
      rec('constructor'),
      ctx(0, 0),
      'AP2_MANDATE_SCHEMA',
    ],
    ['max_occurrences zero', rec('WEEKLY', 0), ctx(0, 0), 'AP2_MANDATE_SCHEMA'],
    [
      'last_used_date not Unix seconds',
      rec('WEEKLY'),
      { total_amount: 0, total_uses: 1, last_used_date: 'x' as never },
      'AP2_CONSTRAINT_UNRESOLVED',
    ],
  ])('%s', (_, c, context, code) => {
    expect(judge('payment', c, { context })).toBe(code);
  });
  it('without usage state it is unresolved', () => {
    expect(judge('payment', rec('WEEKLY', 2), {})).toBe('AP2_CONSTRAINT_UNRESOLVED');
  });
});

describe('payment.execution_date: an instant window; absent means now', () => {
  const window = {
    type: 'payment.execution_date',
    not_before: '2027-04-01T00:00:00Z',
    not_after: '2027-04-05T00:00:00Z',
  };
  it.each([
    ['inside', { execution_date: '2027-04-03T13:53:54Z' }, AT, 'passed'],
    ['inside, with an offset', { execution_date: '2027-04-05T01:30:00+02:00' }, AT, 'passed'],
    ['after', { execution_date: '2027-04-05T00:00:01Z' }, AT, 'AP2_CONSTRAINT_VIOLATED'],
    ['before', { execution_date: '2027-03-31T23:59:59Z' }, AT, 'AP2_CONSTRAINT_VIOLATED'],
    ['absent, now inside', {}, AT, 'passed'],
    ['absent, now after the window', {}, AT + 10 * 86_400, 'AP2_CONSTRAINT_VIOLATED'],
    [
      'a date without time or zone',
      { execution_date: '2027-04-03' },
      AT,
      'AP2_CONSTRAINT_VIOLATED',
    ],
  ])('%s', (_, closed, at, code) => {
    expect(judge('payment', window, { closed, at })).toBe(code);
  });
  it('malformed bounds are a schema error', () => {
    expect(judge('payment', { ...window, not_after: 'next week' }, {})).toBe('AP2_MANDATE_SCHEMA');
  });
});

describe('checkout.line_items: exact fill from revealed acceptable items', () => {
  const withheld = { '...': 'x'.repeat(43) };
  const items = (...reqs: [unknown[], number][]) => ({
    type: 'checkout.line_items',
    items: reqs.map(([acceptable_items, quantity], i) => ({
      id: `r${i}`,
      acceptable_items,
      quantity,
    })),
  });
  const cart = (...lines: [string, number][]) => ({
    line_items: lines.map(([id, quantity]) => ({ item: { id }, quantity })),
  });
  it.each([
    ['one of two acceptable', items([[{ id: 'A' }, { id: 'B' }], 1]), cart(['B', 1]), 'passed'],
    [
      'split over two requirements',
      items([[{ id: 'A' }], 2], [[{ id: 'A' }, { id: 'B' }], 1]),
      cart(['A', 2], ['B', 1]),
      'passed',
    ],
    ['lines of one id merged', items([[{ id: 'A' }], 3]), cart(['A', 1], ['A', 2]), 'passed'],
    ['one too many', items([[{ id: 'A' }], 1]), cart(['A', 2]), 'AP2_CONSTRAINT_VIOLATED'],
    ['one too few', items([[{ id: 'A' }], 2]), cart(['A', 1]), 'AP2_CONSTRAINT_VIOLATED'],
    [
      'an item no requirement accepts',
      items([[{ id: 'A' }], 1]),
      cart(['A', 1], ['Z', 1]),
      'AP2_CONSTRAINT_VIOLATED',
    ],
    [
      'a withheld acceptable item is no wildcard',
      items([[withheld], 1]),
      cart(['A', 1]),
      'AP2_CONSTRAINT_VIOLATED',
    ],
    [
      'the matching needs a reassignment (augmenting path)',
      items([[{ id: 'A' }, { id: 'B' }], 1], [[{ id: 'A' }], 1]),
      cart(['A', 1], ['B', 1]),
      'passed',
    ],
    [
      'quantities that overflow exact sums',
      items([[{ id: 'A' }], Number.MAX_SAFE_INTEGER], [[{ id: 'A' }], 2]),
      cart(['A', 1]),
      'AP2_CONSTRAINT_VIOLATED',
    ],
  ])('%s', (_, c, checkout, code) => {
    expect(judge('checkout', c, { checkout })).toBe(code);
  });
  it('more requirements or cart lines than the limits is LIMIT_EXCEEDED, before any work', () => {
    const many = items(
      ...Array.from(
        { length: DEFAULT_LIMITS.maxLineItemEntries + 1 },
        () => [[{ id: 'A' }], 1] as [unknown[], number],
      ),
    );
    expect(judge('checkout', many, { checkout: cart(['A', 1]) })).toBe('LIMIT_EXCEEDED');
    const lines = Array.from(
      { length: DEFAULT_LIMITS.maxCartLines + 1 },
      (_, i) => [`I${i}`, 1] as [string, number],
    );
    expect(judge('checkout', items([[{ id: 'A' }], 1]), { checkout: cart(...lines) })).toBe(
      'LIMIT_EXCEEDED',
    );
  });
});

describe('allow-lists: withheld elements match nothing', () => {
  const withheld = { '...': 'x'.repeat(43) };
  it('allowed_payees with the payee withheld', () => {
    const c = { type: 'payment.allowed_payees', allowed: [withheld] };
    expect(judge('payment', c, { closed: { payee: { id: 'm-1', name: 'M' } } })).toBe(
      'AP2_CONSTRAINT_VIOLATED',
    );
  });
  it('allowed_merchants with the merchant revealed', () => {
    const c = { type: 'checkout.allowed_merchants', allowed: [withheld, { id: 'm-1', name: 'M' }] };
    expect(judge('checkout', c, { checkout: { merchant: { id: 'm-1', name: 'M' } } })).toBe(
      'passed',
    );
  });
});

describe('payment.amount_range', () => {
  const range = { type: 'payment.amount_range', currency: 'EUR', min: 100, max: 8000 };
  it.each([
    ['at max', pay(8000, 'EUR'), 'passed'],
    ['at min', pay(100, 'EUR'), 'passed'],
    ['below min', pay(99, 'EUR'), 'AP2_CONSTRAINT_VIOLATED'],
    ['a fractional amount', pay(29.98, 'EUR'), 'AP2_CONSTRAINT_VIOLATED'],
    ['other currency', pay(500, 'USD'), 'AP2_CONSTRAINT_VIOLATED'],
  ])('%s', (_, closed, code) => {
    expect(judge('payment', range, { closed })).toBe(code);
  });
});
