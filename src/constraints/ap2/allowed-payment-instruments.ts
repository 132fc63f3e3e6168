/** `payment.allowed_payment_instruments` (DIFF 5.9): the instrument is a revealed element (same `id` and `type`). */
import { type Ap2ConstraintType, constraintError } from './types.js';
import { isRecord, revealed } from './values.js';

export const allowedPaymentInstruments: Ap2ConstraintType = {
  type: 'payment.allowed_payment_instruments',
  kind: 'payment',
  evaluate(c, { closed }) {
    if (!Array.isArray(c.allowed))
      throw constraintError('AP2_MANDATE_SCHEMA', this.type, '`allowed` must be an array');
    const pi = closed.payment_instrument;
    if (
      !isRecord(pi) ||
      !revealed(c.allowed).some(
        (a) => typeof a.id === 'string' && a.id === pi.id && a.type === pi.type,
      )
    )
      throw constraintError(
        'AP2_CONSTRAINT_VIOLATED',
        this.type,
        'the payment instrument is no revealed allowed instrument',
        {
          actual: isRecord(pi) ? pi.id : undefined,
        },
      );
  },
};
