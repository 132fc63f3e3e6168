/**
 * `payment.execution_date` (DIFF 5.11): the closed `execution_date` within
 * `not_before` … `not_after`, inclusive, compared as ISO 8601 instants; an
 * absent `execution_date` means now (the SDK compares strings and skips it).
 */
import { type Ap2ConstraintType, constraintError } from './types.js';
import { instantOf } from './values.js';

export const executionDate: Ap2ConstraintType = {
  type: 'payment.execution_date',
  kind: 'payment',
  evaluate(c, { closed, at }) {
    const notBefore = c.not_before === undefined ? undefined : instantOf(c.not_before);
    const notAfter = c.not_after === undefined ? undefined : instantOf(c.not_after);
    if (
      (c.not_before !== undefined && notBefore === undefined) ||
      (c.not_after !== undefined && notAfter === undefined)
    )
      throw constraintError('AP2_MANDATE_SCHEMA', this.type, 'bounds must be ISO 8601 instants');
    const when = closed.execution_date === undefined ? at * 1000 : instantOf(closed.execution_date);
    if (when === undefined)
      throw constraintError(
        'AP2_CONSTRAINT_VIOLATED',
        this.type,
        'execution_date is not an ISO 8601 instant',
      );
    if (
      (notBefore !== undefined && when < notBefore) ||
      (notAfter !== undefined && when > notAfter)
    )
      throw constraintError(
        'AP2_CONSTRAINT_VIOLATED',
        this.type,
        'execution date outside the allowed window',
        {
          expected: { not_before: c.not_before, not_after: c.not_after },
          actual: closed.execution_date ?? 'now',
        },
      );
  },
};
