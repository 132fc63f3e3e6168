/** Small value guards shared by the constraint modules. */
import { Decimal } from 'decimal.js';
import { isRecord } from '../internal/guards.js';
import { CURRENCY_EXPONENT, isIsoCurrency } from '../profiles/profile.js';
import { disclosedElements } from '../sdjwt/resolve.js';
import { type ConstraintOutcome, type Fulfillment, failed, type Party, skipped } from './types.js';

export { isRecord };

/** A non-negative safe integer: the only shape money and counts take in VI. */
export const isMinorUnits = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** An ISO 4217 code of the currency table (`ZZZ` is not one). */
export const isCurrencyCode = isIsoCurrency;

/**
 * A major-unit amount (`279.99` USD, as a JSON number or a decimal string)
 * in integer minor units by the currency's ISO 4217 exponent, through
 * decimal.js; undefined when the currency is unknown or a digit would be lost.
 * A JSON number is read by its shortest round-trip text, which is the
 * literal the sender wrote for any amount of up to 15 significant digits.
 */
export function majorToMinorUnits(value: unknown, currency: unknown): number | undefined {
  if (!isIsoCurrency(currency)) return undefined;
  // A budget recurs with every payment under its mandate: remember the few conversions seen.
  const key =
    typeof value === 'number' || (typeof value === 'string' && value.length <= 32)
      ? `${currency}|${typeof value}|${value}`
      : undefined;
  if (key !== undefined && MINOR_MEMO.has(key)) return MINOR_MEMO.get(key);
  const minor = convertToMinor(value, currency);
  if (key !== undefined) {
    if (MINOR_MEMO.size >= MINOR_MEMO_SIZE) MINOR_MEMO.clear();
    MINOR_MEMO.set(key, minor);
  }
  return minor;
}

const MINOR_MEMO_SIZE = 256;
const MINOR_MEMO = new Map<string, number | undefined>();

function convertToMinor(value: unknown, currency: string): number | undefined {
  const text =
    typeof value === 'number' && Number.isFinite(value)
      ? String(value)
      : typeof value === 'string'
        ? value
        : undefined;
  if (text === undefined || text.length > 32 || !/^(0|[1-9]\d*)(\.\d+)?(e[+-]?\d+)?$/i.test(text))
    return undefined;
  const minor = new Decimal(text).times(new Decimal(10).pow(CURRENCY_EXPONENT[currency]!));
  if (!minor.isInteger() || minor.isNegative() || minor.greaterThan(Number.MAX_SAFE_INTEGER))
    return undefined;
  return minor.toNumber();
}

/**
 * Money for a message a person reads: integer minor units in major units with
 * the currency (`27999, USD` → `279.99 USD`, `2500, JPY` → `2500 JPY`,
 * `1250, KWD` → `1.250 KWD`), through decimal.js. A value that is no amount of
 * a known currency is shown as it came. Codes and `expected`/`actual` keep the
 * integers.
 */
export function moneyText(minor: unknown, currency: unknown): string {
  const code = String(currency);
  const isAmount =
    (typeof minor === 'number' && Number.isSafeInteger(minor) && minor >= 0) ||
    (typeof minor === 'bigint' && minor >= 0n);
  if (!isAmount || !isIsoCurrency(currency)) return `${String(minor)} ${code}`;
  const exponent = CURRENCY_EXPONENT[currency]!;
  return `${new Decimal(String(minor)).dividedBy(new Decimal(10).pow(exponent)).toFixed(exponent)} ${code}`;
}

/** Strict YYYY-MM-DD that names a real day, so string comparison orders dates correctly. */
export function isIsoDate(v: unknown): v is string {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** UTC calendar date (YYYY-MM-DD) of Unix seconds; null when `at` is past what a Date holds. */
export function utcDate(at: number): string | null {
  const d = new Date(at * 1000);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().slice(0, 10);
}

/** Disclosed entries of an allowlist that may hold withheld `{"...": digest}` references. */
export function disclosedParties(list: readonly unknown[]): Party[] {
  return disclosedElements(list).filter(isRecord) as Party[];
}

/** constraints.md §4.1/§4.3/§7.3: `id` is the key when both sides have one; else exact name and website. */
export function sameParty(a: Party, b: Party): boolean {
  if (typeof a.id === 'string' && typeof b.id === 'string') return a.id === b.id;
  return (
    typeof a.name === 'string' &&
    a.name === b.name &&
    typeof a.website === 'string' &&
    a.website === b.website
  );
}

export function describeParty(p: unknown): string {
  if (!isRecord(p)) return String(p);
  const name = typeof p.name === 'string' ? p.name : '?';
  return typeof p.id === 'string' ? `${name} (id=${p.id})` : name;
}

/**
 * The L3a amount and currency a payment constraint checks, or the outcome
 * when there is none to check (no L3a) or it is not integer minor units.
 */
export function paymentToCheck(
  f: Fulfillment,
): { amount: number; currency: unknown } | ConstraintOutcome {
  if (!f.payment) return skipped('no L3a payment to check');
  const { amount, currency } = f.payment;
  if (!isMinorUnits(amount))
    return failed({
      code: 'CONSTRAINT_AMOUNT_INVALID',
      message: 'L3a amount is not a non-negative integer in minor units',
    });
  return { amount, currency };
}
