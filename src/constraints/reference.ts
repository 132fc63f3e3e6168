/**
 * constraints.md §4.8 `payment.reference`. Its binding is a chain property
 * (the checkout mandate disclosure digest), checked by the mandates step; here
 * only its shape.
 */
import { PROFILE } from '../spec/profile.js';
import { passed, type ConstraintType } from './types.js';

export const reference: ConstraintType = {
  type: PROFILE.constraint.reference,
  mandate: 'payment',
  needs: undefined,
  shape(c) {
    return typeof c.conditional_transaction_id === 'string' && c.conditional_transaction_id.length > 0
      ? []
      : [{ code: 'PAYMENT_REFERENCE_MISSING', message: 'payment.reference needs conditional_transaction_id' }];
  },
  check() {
    return passed('binding verified by the mandate pairing check');
  },
};
