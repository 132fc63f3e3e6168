/** constraints.md §4.3 `payment.allowed_payee`. */
import { PROFILE } from '../spec/profile.js';
import { failed, passed, skipped, type ConstraintType, type Violation } from './types.js';
import { describeParty, disclosedParties, isRecord, sameParty } from './values.js';

export const allowedPayee: ConstraintType = {
  type: PROFILE.constraint.allowedPayee,
  mandate: 'payment',
  needs: 'payment',
  shape(c) {
    const list = c.allowed_payees;
    if (!Array.isArray(list)) return [{ code: 'CONSTRAINT_MALFORMED', message: 'allowed_payees must be an array' }];
    const out: Violation[] = [];
    if (list.length === 0) out.push({ code: 'CONSTRAINT_ALLOWLIST_EMPTY', message: 'empty payee allowlist is unsatisfiable' });
    for (const p of disclosedParties(list)) {
      if (typeof p.name !== 'string' || typeof p.website !== 'string') {
        out.push({ code: 'CONSTRAINT_MALFORMED', message: `payee ${describeParty(p)} needs name and website` });
      }
    }
    return out;
  },
  check(c, f) {
    const allowed = disclosedParties(c.allowed_payees as unknown[]);
    if (allowed.length === 0) return skipped('no allowed payee disclosed to this verifier');
    if (!f.payment) return skipped('no L3a payment to check');
    const payee = f.payment.payee;
    if (!isRecord(payee)) return failed({ code: 'CONSTRAINT_PAYEE_NOT_ALLOWED', message: 'L3a payment mandate has no payee object' });
    if (allowed.some((a) => sameParty(a, payee))) return passed();
    return failed({ code: 'CONSTRAINT_PAYEE_NOT_ALLOWED', message: `payee ${describeParty(payee)} not in allowed payees` });
  },
};
