/**
 * constraints.md §4.8 `payment.reference` / `mandate.payment.reference`. Its
 * binding is a chain property (the checkout mandate disclosure digest),
 * checked by the mandates step; here only its shape.
 */
import type { WireProfile } from '../profiles/profile.js';
import { type ConstraintType, passed } from './types.js';

export function reference(profile: WireProfile): ConstraintType {
  const type = profile.constraint.reference;
  return {
    type,
    mandate: 'payment',
    needs: undefined,
    shape(c) {
      return typeof c.conditional_transaction_id === 'string' &&
        c.conditional_transaction_id.length > 0
        ? []
        : [
            {
              code: 'PAYMENT_REFERENCE_MISSING',
              message: `${type} needs conditional_transaction_id`,
            },
          ];
    },
    check() {
      return passed('binding verified by the mandate pairing check');
    },
  };
}
