/**
 * Money in VI travels as integers in ISO 4217 minor units (27999 = USD 279.99).
 *
 * Decimal strings are converted with decimal.js so that no binary float ever
 * touches an amount; a conversion that would lose a digit is refused rather
 * than rounded, because a rounded price is a different price.
 */
import { Decimal } from 'decimal.js';
import { VIError } from '../errors.js';
import { CURRENCY_EXPONENT, isIsoCurrency } from '../profiles/profile.js';

// Enough precision that any accepted input multiplies exactly (inputs are capped below).
const Exact = Decimal.clone({ precision: 64, rounding: Decimal.ROUND_DOWN });

/** Plain non-negative decimal: digits, optionally a dot and more digits. No sign, exponent or spaces. */
const DECIMAL_STRING = /^(0|[1-9]\d*)(\.\d+)?$/;
const MAX_INPUT_LENGTH = 40;

function moneyError(message: string, claim = 'amount'): VIError {
  return new VIError({ code: 'MONEY_INVALID', layer: 'issue', message, claim });
}

/** The ISO 4217 exponent of a currency. Throws MONEY_INVALID for a code the ISO 4217 table does not list. */
export function currencyExponent(currency: string): number {
  if (!isIsoCurrency(currency))
    throw moneyError(
      `currency must be an ISO 4217 code, got ${String(currency).slice(0, 16)}`,
      'currency',
    );
  return CURRENCY_EXPONENT[currency]!;
}

function checkedMinorUnits(n: number, what: string): number {
  if (!Number.isSafeInteger(n))
    throw moneyError(`${what} is not a safe integer number of minor units`);
  if (n < 0) throw moneyError(`${what} is negative`);
  return n;
}

/**
 * Convert an amount to integer minor units of `currency`.
 *
 * - `string`: a decimal amount in major units ("279.99" USD → 27999, "1500" JPY → 1500,
 *   "1.234" KWD → 1234). Refused unless the conversion is exact ("1.999" USD).
 * - `number` / `bigint`: taken as **already in minor units**, so it must be a
 *   non-negative safe integer (27999 means USD 279.99). A fractional number is
 *   refused rather than guessed at.
 *
 * @throws VIError `MONEY_INVALID` for malformed, negative, inexact or unsafe amounts.
 *
 * @example
 * toMinorUnits('279.99', 'USD');   // 27999
 * toMinorUnits('1000', 'JPY');     // 1000
 */
export function toMinorUnits(value: string | number | bigint, currency: string): number {
  const exponent = currencyExponent(currency);
  if (typeof value === 'number') return checkedMinorUnits(value, `amount ${value}`);
  if (typeof value === 'bigint') {
    if (value < 0n) throw moneyError('amount is negative');
    if (value > BigInt(Number.MAX_SAFE_INTEGER))
      throw moneyError('amount exceeds the safe integer range');
    return Number(value);
  }
  if (typeof value !== 'string')
    throw moneyError('amount must be a decimal string, or an integer in minor units');
  if (value.length > MAX_INPUT_LENGTH || !DECIMAL_STRING.test(value)) {
    throw moneyError(
      `amount "${value.slice(0, MAX_INPUT_LENGTH)}" is not a plain non-negative decimal`,
    );
  }
  const minor = new Exact(value).times(new Exact(10).pow(exponent));
  if (!minor.isInteger()) {
    throw moneyError(`amount ${value} has more than ${exponent} decimal places for ${currency}`);
  }
  if (minor.greaterThan(Number.MAX_SAFE_INTEGER))
    throw moneyError(`amount ${value} exceeds the safe integer range`);
  return minor.toNumber();
}

/**
 * Format integer minor units for display in major units ("27999", USD → "279.99").
 * @throws VIError `MONEY_INVALID` when `minor` is not a non-negative safe integer.
 *
 * @example
 * fromMinorUnits(27999, 'USD');   // '279.99'
 */
export function fromMinorUnits(minor: number | bigint, currency: string): string {
  const exponent = currencyExponent(currency);
  const n =
    typeof minor === 'bigint'
      ? minor.toString()
      : checkedMinorUnits(minor, `amount ${minor}`).toString();
  if (typeof minor === 'bigint' && minor < 0n) throw moneyError('amount is negative');
  return new Exact(n).dividedBy(new Exact(10).pow(exponent)).toFixed(exponent);
}

/**
 * The amount a final payment mandate may carry for a signed cart: the cart's
 * total in the cart's currency. A caller's own `amount` or `currency` must
 * equal them (a verifier refuses any other: PAYMENT_CART_MISMATCH), so a
 * difference is refused here, before anything is signed.
 */
export function amountMatchingCart(
  requested: { amount?: string | number; currency?: string },
  cart: { currency: string; total: number },
  pair: number,
): { amount: number; currency: string } {
  const currency = requested.currency ?? cart.currency;
  if (currency !== cart.currency) {
    throw new VIError({
      code: 'CONSTRAINT_CURRENCY_MISMATCH',
      layer: 'issue',
      pair,
      message: `currency ${currency} differs from the cart's ${cart.currency}`,
      claim: 'payment_amount.currency',
      expected: cart.currency,
      actual: currency,
    });
  }
  const amount =
    requested.amount === undefined ? cart.total : toMinorUnits(requested.amount, currency);
  if (amount !== cart.total) {
    throw new VIError({
      code: 'ISSUE_INVALID_INPUT',
      layer: 'issue',
      pair,
      message: `amount ${amount} differs from the cart total ${cart.total}`,
      claim: 'payment_amount.amount',
      expected: cart.total,
      actual: amount,
    });
  }
  return { amount, currency };
}
