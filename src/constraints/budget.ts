/**
 * constraints.md §4.5 `payment.budget`. Statelessly, one transaction must fit
 * the cap in the cap's currency; the cumulative sum is the network ledger's job.
 */
import { PROFILE } from '../spec/profile.js';
import { failed, passed, type ConstraintType, type Violation } from './types.js';
import { isCurrencyCode, isMinorUnits, paymentToCheck } from './values.js';

export const budget: ConstraintType = {
  type: PROFILE.constraint.budget,
  mandate: 'payment',
  needs: 'payment',
  shape(c) {
    const out: Violation[] = [];
    if (!isCurrencyCode(c.currency)) out.push({ code: 'CONSTRAINT_MALFORMED', message: 'payment.budget currency must be an ISO 4217 code' });
    if (!isMinorUnits(c.max)) out.push({ code: 'CONSTRAINT_MALFORMED', message: 'payment.budget max must be a non-negative integer' });
    return out;
  },
  check(c, f) {
    const payment = paymentToCheck(f);
    if ('status' in payment) return payment;
    const { amount: value, currency } = payment;
    const v: Violation[] = [];
    if (currency !== c.currency) v.push({ code: 'CONSTRAINT_CURRENCY_MISMATCH', message: `budget currency ${String(c.currency)}, payment in ${String(currency)}` });
    if (value > (c.max as number)) v.push({ code: 'CONSTRAINT_AMOUNT_ABOVE_MAX', message: `amount ${value} alone exceeds budget ${String(c.max)}` });
    return v.length ? failed(...v) : passed('cumulative spend is enforced by the network ledger');
  },
};
