/**
 * The constraint registry (constraints.md §6.2) and the validation loop of §5.3:
 * every constraint is evaluated, all violations collected; an unknown type in
 * an open mandate fails closed whatever the strictness (§5.4).
 */
import type { MandateKind } from '../spec/profile.js';
import { agentRecurrence } from './agent-recurrence.js';
import { allowedMerchant } from './allowed-merchant.js';
import { allowedPayee } from './allowed-payee.js';
import { amount } from './amount.js';
import { budget } from './budget.js';
import { lineItems } from './line-items.js';
import { recurrence } from './recurrence.js';
import { reference } from './reference.js';
import type { ConstraintContext, ConstraintOutcome, ConstraintType, Fulfillment, Violation } from './types.js';
import { isRecord } from './values.js';

const REGISTERED: readonly ConstraintType[] = [allowedMerchant, lineItems, allowedPayee, amount, budget, recurrence, agentRecurrence, reference];

export const constraintRegistry: ReadonlyMap<string, ConstraintType> = new Map(REGISTERED.map((t) => [t.type, t]));

export interface ConstraintReport {
  type: string;
  index: number;
  outcome: ConstraintOutcome;
}

/** L2-level validation of a mandate's constraints array: known types, right mandate, well-formed. */
export function constraintShapeViolations(constraints: unknown, kind: MandateKind): Violation[] {
  if (!Array.isArray(constraints)) return [{ code: 'MANDATE_CONSTRAINTS_MISSING', message: 'open mandate needs a constraints array' }];
  if (constraints.length === 0) return [{ code: 'MANDATE_CONSTRAINTS_MISSING', message: 'open mandate needs at least one constraint' }];
  const out: Violation[] = [];
  for (const c of constraints) {
    if (!isRecord(c) || typeof c.type !== 'string') {
      out.push({ code: 'CONSTRAINT_MALFORMED', message: 'constraint must be an object with a string type' });
      continue;
    }
    const t = constraintRegistry.get(c.type);
    if (!t) {
      out.push({ code: 'CONSTRAINT_UNKNOWN_TYPE', message: `unknown constraint type in open mandate: ${c.type}` });
      continue;
    }
    if (t.mandate !== kind) {
      out.push({ code: 'CONSTRAINT_MALFORMED', message: `${c.type} belongs in a ${t.mandate} mandate, found in a ${kind} mandate` });
      continue;
    }
    out.push(...t.shape(c));
  }
  return out;
}

/** Check well-formed constraints (see {@link constraintShapeViolations}) against a fulfillment. */
export function checkConstraints(constraints: readonly Record<string, unknown>[], f: Fulfillment, ctx: Omit<ConstraintContext, 'siblings'>): ConstraintReport[] {
  const full: ConstraintContext = { ...ctx, siblings: constraints };
  return constraints.map((c, index) => {
    const t = constraintRegistry.get(c.type as string);
    const outcome: ConstraintOutcome = t
      ? t.check(c, f, full)
      : { status: 'failed', violations: [{ code: 'CONSTRAINT_UNKNOWN_TYPE', message: `unknown constraint type: ${String(c.type)}` }] };
    return { type: String(c.type), index, outcome };
  });
}
