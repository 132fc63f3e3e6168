import { describe, expect, it } from 'vitest';
import { fromMinorUnits, toMinorUnits } from '../../src/issue/money.js';
import { codeOf } from './fixtures.js';

describe('toMinorUnits', () => {
  it('converts by ISO 4217 exponent', () => {
    expect(toMinorUnits('279.99', 'USD')).toBe(27999);
    expect(toMinorUnits('279.9', 'USD')).toBe(27990);
    expect(toMinorUnits('279', 'USD')).toBe(27900);
    expect(toMinorUnits('1500', 'JPY')).toBe(1500);
    expect(toMinorUnits('1.234', 'KWD')).toBe(1234);
    expect(toMinorUnits('0.1', 'USD')).toBe(10); // the float trap: 0.1 * 100 must be exactly 10
    expect(toMinorUnits('0.07', 'USD')).toBe(7);
    expect(toMinorUnits('1.10', 'USD')).toBe(110);
    expect(toMinorUnits('2.000', 'JPY')).toBe(2); // trailing zeros are exact
    expect(toMinorUnits('1.2345', 'CLF')).toBe(12345);
  });
  it('refuses a code the ISO 4217 table does not list (ZZZ, XYZ, XAU, constructor)', () => {
    for (const code of ['ZZZ', 'XYZ', 'XAU', 'constructor', 'usd']) {
      expect(() => toMinorUnits('12.5', code)).toThrowError(
        expect.objectContaining({ code: 'MONEY_INVALID' }),
      );
    }
  });

  it('takes numbers and bigints as minor units already', () => {
    expect(toMinorUnits(27999, 'USD')).toBe(27999);
    expect(toMinorUnits(1500, 'JPY')).toBe(1500);
    expect(toMinorUnits(27999n, 'USD')).toBe(27999);
    expect(toMinorUnits(0, 'USD')).toBe(0);
  });

  it.each([
    ['1.999', 'USD'],
    ['1.5', 'JPY'],
    ['1.2345', 'KWD'],
    ['-1', 'USD'],
    ['-0.01', 'USD'],
    ['NaN', 'USD'],
    ['Infinity', 'USD'],
    ['1e3', 'USD'],
    ['', 'USD'],
    [' 1', 'USD'],
    ['1.', 'USD'],
    ['.5', 'USD'],
    ['01', 'USD'],
    ['1,00', 'USD'],
    ['0x10', 'USD'],
    ['99999999999999999', 'USD'],
    ['1', 'usd'],
    ['1', 'US'],
  ])('refuses %j %s', async (value, currency) => {
    expect(await codeOf(() => toMinorUnits(value, currency))).toBe('MONEY_INVALID');
  });

  it.each([NaN, Infinity, -1, 279.99, 2 ** 53, 0.5])('refuses the number %s', async (n) => {
    expect(await codeOf(() => toMinorUnits(n, 'USD'))).toBe('MONEY_INVALID');
  });

  it('refuses negative and unsafe bigints', async () => {
    expect(await codeOf(() => toMinorUnits(-1n, 'USD'))).toBe('MONEY_INVALID');
    expect(await codeOf(() => toMinorUnits(2n ** 53n, 'USD'))).toBe('MONEY_INVALID');
  });
});

describe('fromMinorUnits', () => {
  it('formats for display', () => {
    expect(fromMinorUnits(27999, 'USD')).toBe('279.99');
    expect(fromMinorUnits(5, 'USD')).toBe('0.05');
    expect(fromMinorUnits(1500, 'JPY')).toBe('1500');
    expect(fromMinorUnits(1234, 'KWD')).toBe('1.234');
    expect(fromMinorUnits(Number.MAX_SAFE_INTEGER, 'USD')).toBe('90071992547409.91');
  });

  it('round-trips', () => {
    for (const [s, c] of [
      ['279.99', 'USD'],
      ['1500', 'JPY'],
      ['1.234', 'KWD'],
      ['0.00', 'USD'],
    ] as const) {
      expect(fromMinorUnits(toMinorUnits(s, c), c)).toBe(s);
    }
  });

  it('refuses non-integers and negatives', async () => {
    expect(await codeOf(() => fromMinorUnits(1.5, 'USD'))).toBe('MONEY_INVALID');
    expect(await codeOf(() => fromMinorUnits(-1, 'USD'))).toBe('MONEY_INVALID');
    expect(await codeOf(() => fromMinorUnits(-1n, 'USD'))).toBe('MONEY_INVALID');
  });
});
