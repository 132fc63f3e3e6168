/**
 * The shape shared by `mandate.checkout.allowed_merchant` (§4.1) and
 * `payment.allowed_payee` (§4.3): an allowlist of parties, each entry inline or
 * a disclosure reference, matched exactly against one party of the fulfillment.
 */
import type { ErrorCode } from '../errors.js';
import type { MandateKind } from '../profiles/profile.js';
import { disclosedElements } from '../sdjwt/resolve.js';
import {
  type ConstraintType,
  type Fulfillment,
  failed,
  type Party,
  passed,
  skipped,
  type Violation,
} from './types.js';
import { describeParty, disclosedParties, isRecord, sameParty } from './values.js';

export interface PartyAllowlistSpec {
  type: string;
  mandate: MandateKind;
  /** The array claim holding the allowlist. */
  field: string;
  noun: 'merchant' | 'payee';
  /** The party the fulfillment names, or a reason it cannot be checked. */
  partyOf(f: Fulfillment): { party: Party | undefined } | { website: string } | { skip: string };
  notAllowed: ErrorCode;
  /** Code when the fulfillment names no usable party. */
  unknown: ErrorCode;
}

export function partyAllowlist(spec: PartyAllowlistSpec): ConstraintType {
  return {
    type: spec.type,
    mandate: spec.mandate,
    needs: spec.mandate,
    shape(c) {
      const list = c[spec.field];
      if (!Array.isArray(list))
        return [{ code: 'CONSTRAINT_MALFORMED', message: `${spec.field} must be an array` }];
      const out: Violation[] = [];
      if (list.length === 0)
        out.push({
          code: 'CONSTRAINT_ALLOWLIST_EMPTY',
          message: `empty ${spec.noun} allowlist is unsatisfiable`,
        });
      for (const p of disclosedElements(list)) {
        if (!isRecord(p) || typeof p.name !== 'string' || typeof p.website !== 'string') {
          out.push({
            code: 'CONSTRAINT_MALFORMED',
            message: `${spec.noun} ${describeParty(p)} needs name and website`,
          });
        }
      }
      return out;
    },
    check(c, f) {
      const allowed = disclosedParties(c[spec.field] as unknown[]);
      if (allowed.length === 0)
        return skipped(`no allowed ${spec.noun} disclosed to this verifier`);
      const found = spec.partyOf(f);
      if ('skip' in found) return skipped(found.skip);
      if ('website' in found) {
        // Only a website is known (the checkout signer's iss): it must be the website of an allowed entry.
        if (allowed.some((a) => a.website === found.website))
          return passed(`matched by checkout_jwt iss ${found.website}`);
        return failed({
          code: spec.notAllowed,
          message: `${spec.noun} ${found.website} (checkout_jwt iss) not in the allowed list`,
        });
      }
      const party = found.party;
      if (!party)
        return failed({
          code: spec.unknown,
          message: `no ${spec.noun} to check against ${spec.type}`,
        });
      if (allowed.some((a) => sameParty(a, party))) return passed();
      return failed({
        code: spec.notAllowed,
        message: `${spec.noun} ${describeParty(party)} not in the allowed list`,
      });
    },
  };
}
