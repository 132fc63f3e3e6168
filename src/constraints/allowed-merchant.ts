/** constraints.md §4.1 merchant allowlist: the merchant named in the signed checkout_jwt. */
import type { WireProfile } from '../profiles/profile.js';
import { partyAllowlist } from './party-allowlist.js';

export function allowedMerchant(profile: WireProfile) {
  return partyAllowlist({
    type: profile.constraint.allowedMerchant,
    mandate: 'checkout',
    field: profile.allowlistField.allowedMerchant,
    noun: 'merchant',
    partyOf: (f) => {
      if (!f.checkout) return { skip: 'no L3b checkout to check' };
      // CF §6.3: enforcing the allowlist needs a machine-readable merchant id.
      const m = f.checkout.merchant;
      if (m === undefined && f.checkout.signerWebsite !== undefined)
        return { website: f.checkout.signerWebsite };
      return { party: m && typeof m.id === 'string' ? m : undefined };
    },
    notAllowed: 'CONSTRAINT_MERCHANT_NOT_ALLOWED',
    unknown: 'CONSTRAINT_MERCHANT_UNKNOWN',
  });
}
