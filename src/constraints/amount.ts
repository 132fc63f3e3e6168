/** constraints.md §4.4 `payment.amount` / April `mandate.payment.amount_range`: per-transaction range, integers in minor units. */
import type { WireProfile } from '../profiles/profile.js';
import { type ConstraintType, failed, passed, type Violation } from './types.js';
import { isCurrencyCode, isMinorUnits, moneyText, paymentToCheck } from './values.js';

export function amount(profile: WireProfile): ConstraintType {
  const type = profile.constraint.amount;
  return {
    type,
    mandate: 'payment',
    needs: 'payment',
    shape(c) {
      const out: Violation[] = [];
      if (!isCurrencyCode(c.currency))
        out.push({
          code: 'CONSTRAINT_MALFORMED',
          message: `${type} currency must be an ISO 4217 code`,
        });
      for (const k of ['min', 'max'] as const) {
        if (c[k] !== undefined && !isMinorUnits(c[k]))
          out.push({
            code: 'CONSTRAINT_MALFORMED',
            message: `${type} ${k} must be a non-negative integer`,
          });
      }
      if (isMinorUnits(c.min) && isMinorUnits(c.max) && c.min > c.max) {
        out.push({ code: 'CONSTRAINT_MALFORMED', message: `${type} min exceeds max` });
      }
      return out;
    },
    check(c, f) {
      const payment = paymentToCheck(f);
      if ('status' in payment) return payment;
      const { amount: value, currency } = payment;
      const v: Violation[] = [];
      if (isMinorUnits(c.max) && value > c.max)
        v.push({
          code: 'CONSTRAINT_AMOUNT_ABOVE_MAX',
          message: `amount ${moneyText(value, currency)} exceeds maximum ${moneyText(c.max, c.currency)}`,
          expected: { max: c.max },
          actual: value,
        });
      if (isMinorUnits(c.min) && value < c.min)
        v.push({
          code: 'CONSTRAINT_AMOUNT_BELOW_MIN',
          message: `amount ${moneyText(value, currency)} below minimum ${moneyText(c.min, c.currency)}`,
          expected: { min: c.min },
          actual: value,
        });
      if (currency !== c.currency)
        v.push({
          code: 'CONSTRAINT_CURRENCY_MISMATCH',
          message: `currency mismatch: expected ${String(c.currency)}, got ${String(currency)}`,
          expected: c.currency,
          actual: currency,
        });
      return v.length ? failed(...v) : passed();
    },
  };
}
