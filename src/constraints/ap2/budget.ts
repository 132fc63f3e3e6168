/**
 * `payment.budget` (DIFF 5.5): spent + this payment ≤ `max`, where `max` is
 * a JSON number in major units, converted exactly with the currency's ISO
 * 4217 exponent (JPY 0, USD 2, KWD 3; the SDK multiplies by 100 for all).
 * What was spent comes from the verifier's state, never from the request.
 */
import { majorToMinorUnits, moneyText } from '../values.js';
import { type Ap2ConstraintType, constraintError } from './types.js';
import { isCount, isRecord } from './values.js';

export const budget: Ap2ConstraintType = {
  type: 'payment.budget',
  kind: 'payment',
  evaluate(c, { closed, context }) {
    const cap = typeof c.max === 'number' ? majorToMinorUnits(c.max, c.currency) : undefined;
    if (cap === undefined || (c.max as number) < 0)
      throw constraintError(
        'AP2_MANDATE_SCHEMA',
        this.type,
        'needs an ISO 4217 currency and a major-unit max exact in its minor units',
      );
    const amount = isRecord(closed.payment_amount) ? closed.payment_amount : undefined;
    if (amount?.currency !== c.currency)
      throw constraintError(
        'AP2_CONSTRAINT_VIOLATED',
        this.type,
        `currency is not ${String(c.currency)}`,
      );
    const spent = context?.spent_by_currency
      ? (context.spent_by_currency[c.currency as string] ?? 0)
      : context?.total_amount;
    if (!context || !isCount(spent))
      throw constraintError(
        'AP2_CONSTRAINT_UNRESOLVED',
        this.type,
        'no spend state (mandate_context.total_amount) for this open mandate',
      );
    const total = spent + (amount?.amount as number);
    if (total > cap)
      throw constraintError(
        'AP2_CONSTRAINT_VIOLATED',
        this.type,
        `spent ${moneyText(spent, c.currency)} + ${moneyText(amount?.amount, c.currency)} exceeds ${moneyText(cap, c.currency)}`,
        {
          expected: { max: cap },
          actual: total,
        },
      );
  },
};
