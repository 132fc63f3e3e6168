/** `payment.allowed_payees` (DIFF 5.3): the closed mandate's payee is a revealed element of `allowed`. */
import { type Ap2ConstraintType, constraintError } from './types.js';
import { isRecord, revealed, sameMerchant } from './values.js';

export const allowedPayees: Ap2ConstraintType = {
  type: 'payment.allowed_payees',
  kind: 'payment',
  evaluate(c, { closed }) {
    if (!Array.isArray(c.allowed))
      throw constraintError('AP2_MANDATE_SCHEMA', this.type, '`allowed` must be an array');
    const payee = closed.payee;
    if (!isRecord(payee) || !revealed(c.allowed).some((m) => sameMerchant(m, payee)))
      throw constraintError(
        'AP2_CONSTRAINT_VIOLATED',
        this.type,
        'the payee is no revealed allowed payee',
        {
          actual: isRecord(payee) ? (payee.id ?? payee.name) : undefined,
        },
      );
  },
};
