/** constraints.md §4.1 `mandate.checkout.allowed_merchant`: the merchant named in the signed checkout_jwt. */
import { PROFILE } from '../spec/profile.js';
import { partyAllowlist } from './party-allowlist.js';

export const allowedMerchant = partyAllowlist({
  type: PROFILE.constraint.allowedMerchant,
  mandate: 'checkout',
  field: 'allowed_merchants',
  noun: 'merchant',
  partyOf: (f) => {
    if (!f.checkout) return { skip: 'no L3b checkout to check' };
    // CF §6.3: enforcing the allowlist needs a machine-readable merchant id.
    const m = f.checkout.merchant;
    return { party: m && typeof m.id === 'string' ? m : undefined };
  },
  notAllowed: 'CONSTRAINT_MERCHANT_NOT_ALLOWED',
  unknown: 'CONSTRAINT_MERCHANT_UNKNOWN',
});
