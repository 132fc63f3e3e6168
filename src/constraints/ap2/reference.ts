/** `payment.reference` (DIFF 3.4): `conditional_transaction_id` names the open checkout mandate the verifier holds. */
import { type Ap2ConstraintType, constraintError } from './types.js';

export const reference: Ap2ConstraintType = {
  type: 'payment.reference',
  kind: 'payment',
  evaluate(c, { openCheckoutHash }) {
    if (typeof c.conditional_transaction_id !== 'string')
      throw constraintError('AP2_MANDATE_SCHEMA', this.type, 'needs conditional_transaction_id');
    if (openCheckoutHash === undefined)
      throw constraintError(
        'AP2_CONSTRAINT_UNRESOLVED',
        this.type,
        'no open checkout mandate digest to compare with (expect.payment.open_checkout_hash or an open checkout root)',
      );
    if (c.conditional_transaction_id !== openCheckoutHash)
      throw constraintError(
        'AP2_CONSTRAINT_VIOLATED',
        this.type,
        'names another open checkout mandate',
        {
          expected: openCheckoutHash,
          actual: c.conditional_transaction_id,
        },
      );
  },
};
