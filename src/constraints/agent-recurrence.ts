/**
 * constraints.md §4.7 `payment.agent_recurrence`: several L3 pairs within a
 * date window. Stateless part: window and companion constraints; occurrence
 * count and cumulative budget are the ledger's.
 */
import { PROFILE } from '../spec/profile.js';
import { RECURRENCE_FREQUENCIES } from './recurrence.js';
import { failed, passed, type ConstraintType, type Violation } from './types.js';
import { isIsoDate, isMinorUnits, utcDate } from './values.js';

const FREQUENCIES: readonly string[] = ['ON_DEMAND', ...RECURRENCE_FREQUENCIES];

export const agentRecurrence: ConstraintType = {
  type: PROFILE.constraint.agentRecurrence,
  mandate: 'payment',
  needs: undefined,
  shape(c) {
    const out: Violation[] = [];
    if (!FREQUENCIES.includes(c.frequency as string)) out.push({ code: 'CONSTRAINT_MALFORMED', message: `payment.agent_recurrence frequency ${String(c.frequency)} is not registered` });
    if (!isIsoDate(c.start_date)) out.push({ code: 'CONSTRAINT_MALFORMED', message: 'payment.agent_recurrence start_date must be an ISO 8601 date' });
    if (!isIsoDate(c.end_date)) out.push({ code: 'CONSTRAINT_MALFORMED', message: 'payment.agent_recurrence end_date is required (ISO 8601 date)' });
    if (c.max_occurrences !== undefined && (!isMinorUnits(c.max_occurrences) || c.max_occurrences < 1)) {
      out.push({ code: 'CONSTRAINT_MALFORMED', message: 'payment.agent_recurrence max_occurrences must be a positive integer' });
    }
    return out;
  },
  check(c, _f, ctx) {
    const v: Violation[] = [];
    const has = (t: string) => ctx.siblings.some((s) => s.type === t);
    if (!has(PROFILE.constraint.amount)) v.push({ code: 'CONSTRAINT_RECURRENCE_COMPANION_MISSING', message: 'payment.agent_recurrence requires a payment.amount constraint' });
    if (!has(PROFILE.constraint.budget)) v.push({ code: 'CONSTRAINT_RECURRENCE_COMPANION_MISSING', message: 'payment.agent_recurrence requires a payment.budget constraint' });
    const today = utcDate(ctx.at);
    if (today === null || today < (c.start_date as string) || today > (c.end_date as string)) {
      v.push({ code: 'CONSTRAINT_RECURRENCE_OUT_OF_WINDOW', message: `${today ?? 'the verification time'} is outside ${String(c.start_date)}..${String(c.end_date)}` });
    }
    return v.length ? failed(...v) : passed('occurrence count and cumulative budget are enforced by the network ledger');
  },
};
