/** constraints.md §4.1 `mandate.checkout.allowed_merchant`. */
import { disclosedElements } from '../sdjwt/resolve.js';
import { PROFILE } from '../spec/profile.js';
import { failed, passed, skipped, type ConstraintType, type Violation } from './types.js';
import { describeParty, disclosedParties, isRecord, sameParty } from './values.js';

export const allowedMerchant: ConstraintType = {
  type: PROFILE.constraint.allowedMerchant,
  mandate: 'checkout',
  needs: 'checkout',
  shape(c) {
    const list = c.allowed_merchants;
    if (!Array.isArray(list)) return [{ code: 'CONSTRAINT_MALFORMED', message: 'allowed_merchants must be an array' }];
    const out: Violation[] = [];
    if (list.length === 0) out.push({ code: 'CONSTRAINT_ALLOWLIST_EMPTY', message: 'empty merchant allowlist is unsatisfiable' });
    for (const m of disclosedParties(list)) {
      if (typeof m.name !== 'string' || typeof m.website !== 'string') {
        out.push({ code: 'CONSTRAINT_MALFORMED', message: `merchant ${describeParty(m)} needs name and website` });
      }
    }
    if (disclosedElements(list).some((e) => !isRecord(e))) {
      out.push({ code: 'CONSTRAINT_MALFORMED', message: 'allowed_merchants entries must be objects' });
    }
    return out;
  },
  check(c, f) {
    const allowed = disclosedParties(c.allowed_merchants as unknown[]);
    if (allowed.length === 0) return skipped('no allowed merchant disclosed to this verifier');
    const checkout = f.checkout;
    if (!checkout) return skipped('no L3b checkout to check');
    const merchant = checkout.merchant;
    if (!merchant || typeof merchant.id !== 'string') {
      return failed({ code: 'CONSTRAINT_MERCHANT_UNKNOWN', message: 'checkout_jwt names no merchant id; allowed_merchant cannot be enforced' });
    }
    if (allowed.some((a) => sameParty(a, merchant))) return passed();
    return failed({ code: 'CONSTRAINT_MERCHANT_NOT_ALLOWED', message: `merchant ${describeParty(merchant)} not in allowed list` });
  },
};
