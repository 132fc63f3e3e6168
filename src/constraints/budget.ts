/**
 * constraints.md §4.5 `payment.budget` / `mandate.payment.budget`. Statelessly,
 * one transaction must fit the cap in the cap's currency (and, where the
 * profile defines `min`, reach the per-transaction floor); the cumulative sum
 * is the network ledger's job.
 */
import type { WireProfile } from '../profiles/profile.js';
import { type ConstraintType, failed, passed, type Violation } from './types.js';
import { isCurrencyCode, isMinorUnits, moneyText, paymentToCheck } from './values.js';

export function budget(profile: WireProfile): ConstraintType {
  const type = profile.constraint.budget;
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
      if (!isMinorUnits(c.max))
        out.push({
          code: 'CONSTRAINT_MALFORMED',
          message: `${type} max must be a non-negative integer`,
        });
      if (profile.budgetMin && c.min !== undefined) {
        // April §4.5: min is a positive integer, and a floor above the cap is unsatisfiable.
        if (!isMinorUnits(c.min) || c.min < 1)
          out.push({
            code: 'CONSTRAINT_MALFORMED',
            message: `${type} min must be a positive integer`,
          });
        else if (isMinorUnits(c.max) && c.min > c.max)
          out.push({ code: 'CONSTRAINT_MALFORMED', message: `${type} min exceeds max` });
      }
      return out;
    },
    check(c, f) {
      const payment = paymentToCheck(f);
      if ('status' in payment) return payment;
      const { amount: value, currency } = payment;
      const v: Violation[] = [];
      if (currency !== c.currency)
        v.push({
          code: 'CONSTRAINT_CURRENCY_MISMATCH',
          message: `budget currency ${String(c.currency)}, payment in ${String(currency)}`,
          expected: c.currency,
          actual: currency,
        });
      if (profile.budgetMin && isMinorUnits(c.min) && value < c.min) {
        v.push({
          code: 'CONSTRAINT_AMOUNT_BELOW_MIN',
          message: `amount ${moneyText(value, currency)} below budget minimum ${moneyText(c.min, c.currency)}`,
        });
      }
      if (value > (c.max as number))
        v.push({
          code: 'CONSTRAINT_AMOUNT_ABOVE_MAX',
          message: `amount ${moneyText(value, currency)} alone exceeds budget ${moneyText(c.max, c.currency)}`,
          expected: { max: c.max },
          actual: value,
        });
      return v.length ? failed(...v) : passed('cumulative spend is enforced by the network ledger');
    },
  };
}
