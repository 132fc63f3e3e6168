/** `checkout.allowed_merchants` (DIFF 5.1): the checkout's merchant is a revealed element of `allowed`. */
import { type Ap2ConstraintType, constraintError } from './types.js';
import { isRecord, revealed, sameMerchant } from './values.js';

export const allowedMerchants: Ap2ConstraintType = {
  type: 'checkout.allowed_merchants',
  kind: 'checkout',
  evaluate(c, { checkout }) {
    if (!Array.isArray(c.allowed))
      throw constraintError('AP2_MANDATE_SCHEMA', this.type, '`allowed` must be an array');
    const merchant = checkout?.merchant;
    if (!isRecord(merchant))
      throw constraintError('AP2_CONSTRAINT_VIOLATED', this.type, 'the checkout names no merchant');
    if (!revealed(c.allowed).some((m) => sameMerchant(m, merchant)))
      throw constraintError(
        'AP2_CONSTRAINT_VIOLATED',
        this.type,
        'the checkout merchant is no revealed allowed merchant',
        {
          actual: merchant.id ?? merchant.name,
        },
      );
  },
};
