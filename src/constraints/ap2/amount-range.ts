/** `payment.amount_range` (DIFF 5.4): same currency, `min` ≤ amount ≤ `max`, integer minor units, `max` required. */
import { type Ap2ConstraintType, constraintError } from './types.js';
import { isCount, isRecord } from './values.js';

export const amountRange: Ap2ConstraintType = {
  type: 'payment.amount_range',
  kind: 'payment',
  evaluate(c, { closed }) {
    if (
      typeof c.currency !== 'string' ||
      !isCount(c.max) ||
      (c.min !== undefined && !isCount(c.min))
    )
      throw constraintError(
        'AP2_MANDATE_SCHEMA',
        this.type,
        'needs a currency and integer minor-unit max (and min)',
      );
    const amount = isRecord(closed.payment_amount) ? closed.payment_amount : undefined;
    if (amount?.currency !== c.currency)
      throw constraintError('AP2_CONSTRAINT_VIOLATED', this.type, `currency is not ${c.currency}`, {
        expected: c.currency,
        actual: amount?.currency,
      });
    const value = amount.amount;
    if (!isCount(value))
      throw constraintError(
        'AP2_CONSTRAINT_VIOLATED',
        this.type,
        'amount is not integer minor units',
      );
    const min = (c.min as number | undefined) ?? 0;
    if (value > c.max || value < min)
      throw constraintError(
        'AP2_CONSTRAINT_VIOLATED',
        this.type,
        `amount ${value} outside [${min}, ${c.max}]`,
        {
          expected: { min, max: c.max },
          actual: value,
        },
      );
  },
};
