/**
 * `payment.agent_recurrence` (DIFF 5.6): fewer earlier uses than
 * `max_occurrences`, and at least one `frequency` period since the last use
 * (the AP2 text; the SDK ignores the frequency). Needs the verifier's state.
 */
import { AP2_V0_2 } from '../../profiles/ap2.js';
import { type Ap2ConstraintType, constraintError } from './types.js';
import { isCount } from './values.js';

export const agentRecurrence: Ap2ConstraintType = {
  type: 'payment.agent_recurrence',
  kind: 'payment',
  evaluate(c, { context, at }) {
    const period = typeof c.frequency === 'string' ? AP2_V0_2.frequencies[c.frequency] : undefined;
    if (period === undefined || !Object.hasOwn(AP2_V0_2.frequencies, c.frequency as string))
      throw constraintError(
        'AP2_MANDATE_SCHEMA',
        this.type,
        `frequency must be one of ${Object.keys(AP2_V0_2.frequencies).join(', ')}`,
      );
    if (c.max_occurrences !== undefined && (!isCount(c.max_occurrences) || c.max_occurrences < 1))
      throw constraintError(
        'AP2_MANDATE_SCHEMA',
        this.type,
        'max_occurrences must be a positive integer',
      );
    if (!context || !isCount(context.total_uses))
      throw constraintError(
        'AP2_CONSTRAINT_UNRESOLVED',
        this.type,
        'no usage state (mandate_context.total_uses) for this open mandate',
      );
    if (c.max_occurrences !== undefined && context.total_uses >= (c.max_occurrences as number))
      throw constraintError(
        'AP2_CONSTRAINT_VIOLATED',
        this.type,
        `${context.total_uses} uses of at most ${String(c.max_occurrences)}`,
        {
          expected: { max_occurrences: c.max_occurrences },
          actual: context.total_uses,
        },
      );
    const last = context.last_used_date;
    if (period > 0 && last !== undefined) {
      if (!isCount(last))
        throw constraintError(
          'AP2_CONSTRAINT_UNRESOLVED',
          this.type,
          'last_used_date is not Unix seconds',
        );
      if (at < last + period)
        throw constraintError(
          'AP2_CONSTRAINT_VIOLATED',
          this.type,
          `next ${String(c.frequency)} payment not before ${last + period}`,
          {
            expected: { not_before: last + period },
            actual: at,
          },
        );
    }
  },
};
