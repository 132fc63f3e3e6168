/** constraints.md §4.3 payee allowlist: the payee of the L3a payment mandate. */
import type { WireProfile } from '../profiles/profile.js';
import { partyAllowlist } from './party-allowlist.js';
import type { Party } from './types.js';
import { isRecord } from './values.js';

export function allowedPayee(profile: WireProfile) {
  return partyAllowlist({
    type: profile.constraint.allowedPayee,
    mandate: 'payment',
    field: profile.allowlistField.allowedPayee,
    noun: 'payee',
    partyOf: (f) => {
      if (!f.payment) return { skip: 'no L3a payment to check' };
      return { party: isRecord(f.payment.payee) ? (f.payment.payee as Party) : undefined };
    },
    notAllowed: 'CONSTRAINT_PAYEE_NOT_ALLOWED',
    unknown: 'CONSTRAINT_PAYEE_NOT_ALLOWED',
  });
}
