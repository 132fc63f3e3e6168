/**
 * constraints.md §4.6 `payment.recurrence` / `mandate.payment.recurrence`: a
 * subscription set up by one L3 pair. Merchant recurrence metadata has no v0.1
 * format, so the stateless check is structural; the ledger enforces one setup
 * and the end date. Frequencies are the profile's (April: ISO 20022 codes).
 */
import type { WireProfile } from '../profiles/profile.js';
import { type ConstraintType, failed, passed, type Violation } from './types.js';
import { isIsoDate, isMinorUnits, utcDate } from './values.js';

export function recurrence(profile: WireProfile): ConstraintType {
  const type = profile.constraint.recurrence;
  const frequencies = profile.frequencies.recurrence;
  return {
    type,
    mandate: 'payment',
    needs: 'payment',
    shape(c) {
      const out: Violation[] = [];
      if (!frequencies.includes(c.frequency as string))
        out.push({
          code: 'CONSTRAINT_MALFORMED',
          message: `${type} frequency ${String(c.frequency)} is not registered in ${profile.name}`,
        });
      if (!isIsoDate(c.start_date))
        out.push({
          code: 'CONSTRAINT_MALFORMED',
          message: `${type} start_date must be an ISO 8601 date`,
        });
      if (c.end_date !== undefined && !isIsoDate(c.end_date))
        out.push({
          code: 'CONSTRAINT_MALFORMED',
          message: `${type} end_date must be an ISO 8601 date`,
        });
      if (c.number !== undefined && (!isMinorUnits(c.number) || c.number < 1))
        out.push({
          code: 'CONSTRAINT_MALFORMED',
          message: `${type} number must be a positive integer`,
        });
      return out;
    },
    check(c, _f, ctx) {
      if (ctx.strictness === 'STRICT' && c.end_date === undefined && c.number === undefined) {
        return failed({
          code: 'CONSTRAINT_MALFORMED',
          message: `open-ended ${type} (no end_date, no number) refused in STRICT mode`,
        });
      }
      const today = utcDate(ctx.at);
      if (typeof c.end_date === 'string' && (today === null || today > c.end_date)) {
        return failed({
          code: 'CONSTRAINT_RECURRENCE_OUT_OF_WINDOW',
          message: `subscription setup after end_date ${c.end_date}`,
        });
      }
      return passed('one setup per mandate pair is enforced by the network ledger');
    },
  };
}
