/**
 * constraints.md §4.7 `payment.agent_recurrence` / `mandate.payment.agent_recurrence`:
 * several L3 pairs within a date window. Stateless part: window and companion
 * constraints (the profile's amount and budget types); occurrence count and
 * cumulative budget are the ledger's.
 */
import type { WireProfile } from '../profiles/profile.js';
import { type ConstraintType, failed, passed, type Violation } from './types.js';
import { isIsoDate, isMinorUnits, utcDate } from './values.js';

export function agentRecurrence(profile: WireProfile): ConstraintType {
  const type = profile.constraint.agentRecurrence;
  const frequencies = profile.frequencies.agentRecurrence;
  return {
    type,
    mandate: 'payment',
    needs: undefined,
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
      if (!isIsoDate(c.end_date))
        out.push({
          code: 'CONSTRAINT_MALFORMED',
          message: `${type} end_date is required (ISO 8601 date)`,
        });
      if (
        c.max_occurrences !== undefined &&
        (!isMinorUnits(c.max_occurrences) || c.max_occurrences < 1)
      ) {
        out.push({
          code: 'CONSTRAINT_MALFORMED',
          message: `${type} max_occurrences must be a positive integer`,
        });
      }
      return out;
    },
    check(c, _f, ctx) {
      const v: Violation[] = [];
      const has = (t: string) => ctx.siblings.some((s) => s.type === t);
      for (const companion of [profile.constraint.amount, profile.constraint.budget]) {
        if (!has(companion))
          v.push({
            code: 'CONSTRAINT_RECURRENCE_COMPANION_MISSING',
            message: `${type} requires a ${companion} constraint`,
          });
      }
      const today = utcDate(ctx.at);
      if (today === null || today < (c.start_date as string) || today > (c.end_date as string)) {
        v.push({
          code: 'CONSTRAINT_RECURRENCE_OUT_OF_WINDOW',
          message: `${today ?? 'the verification time'} is outside ${String(c.start_date)}..${String(c.end_date)}`,
        });
      }
      return v.length
        ? failed(...v)
        : passed('occurrence count and cumulative budget are enforced by the network ledger');
    },
  };
}
