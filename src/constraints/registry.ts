/**
 * The constraint registries (constraints.md §6.2), one per wire profile, and
 * the validation loop of §5.3: every constraint is evaluated, all violations
 * collected. An unknown type in an open mandate fails closed whatever the
 * strictness (§5.4); elsewhere the global strictness decides, and a
 * per-type policy (April constraints §5.4, "Per-Constraint Policy Overrides")
 * replaces it for the types it names. Policy never touches registered types.
 */
import {
  DEFAULT_PROFILE,
  type MandateKind,
  PROFILES,
  profileOf,
  type WireProfile,
} from '../profiles/profile.js';
import { agentRecurrence } from './agent-recurrence.js';
import { allowedMerchant } from './allowed-merchant.js';
import { allowedPayee } from './allowed-payee.js';
import { amount } from './amount.js';
import { budget } from './budget.js';
import { lineItems } from './line-items.js';
import { recurrence } from './recurrence.js';
import { reference } from './reference.js';
import type {
  ConstraintContext,
  ConstraintOutcome,
  ConstraintType,
  Fulfillment,
  Strictness,
  Violation,
} from './types.js';
import { isRecord } from './values.js';

/** The eight registered modules, built for one profile's names and semantics. */
const MODULES: readonly ((p: WireProfile) => ConstraintType)[] = [
  allowedMerchant,
  lineItems,
  allowedPayee,
  amount,
  budget,
  recurrence,
  agentRecurrence,
  reference,
];

const build = (p: WireProfile): ReadonlyMap<string, ConstraintType> =>
  new Map(MODULES.map((make) => make(p)).map((t) => [t.type, t]));
const REGISTRIES = new Map<WireProfile, ReadonlyMap<string, ConstraintType>>(
  PROFILES.map((p) => [p, build(p)]),
);

/** type name → module, for one profile (default: the default profile); a table not in PROFILES gets its own, built once. */
export function constraintRegistryFor(
  profile?: WireProfile | string,
): ReadonlyMap<string, ConstraintType> {
  const p = profileOf(profile);
  let r = REGISTRIES.get(p);
  if (!r) REGISTRIES.set(p, (r = build(p)));
  return r;
}

/**
 * The February registry.
 * @deprecated use {@link constraintRegistryFor} with the chain's profile
 */
export const constraintRegistry: ReadonlyMap<string, ConstraintType> =
  constraintRegistryFor('vi-2026-02');

export interface ConstraintReport {
  type: string;
  index: number;
  outcome: ConstraintOutcome;
}

/** Per-type strictness overrides for unknown constraint types. */
export type ConstraintPolicy = Readonly<Record<string, Strictness>>;

/** L2-level validation of a mandate's constraints array: known types, right mandate, well-formed. */
export function constraintShapeViolations(
  constraints: unknown,
  kind: MandateKind,
  profile: WireProfile | string = DEFAULT_PROFILE,
): Violation[] {
  if (!Array.isArray(constraints))
    return [
      { code: 'MANDATE_CONSTRAINTS_MISSING', message: 'open mandate needs a constraints array' },
    ];
  if (constraints.length === 0)
    return [
      {
        code: 'MANDATE_CONSTRAINTS_MISSING',
        message: 'open mandate needs at least one constraint',
      },
    ];
  const registry = constraintRegistryFor(profile);
  const out: Violation[] = [];
  for (const c of constraints) {
    if (!isRecord(c) || typeof c.type !== 'string') {
      out.push({
        code: 'CONSTRAINT_MALFORMED',
        message: 'constraint must be an object with a string type',
      });
      continue;
    }
    const t = registry.get(c.type);
    if (!t) {
      out.push({
        code: 'CONSTRAINT_UNKNOWN_TYPE',
        message: `unknown constraint type in open mandate: ${c.type}`,
      });
      continue;
    }
    if (t.mandate !== kind) {
      out.push({
        code: 'CONSTRAINT_MALFORMED',
        message: `${c.type} belongs in a ${t.mandate} mandate, found in a ${kind} mandate`,
      });
      continue;
    }
    out.push(...t.shape(c));
  }
  return out;
}

export interface CheckOptions extends Omit<ConstraintContext, 'siblings'> {
  /** Names and semantics to check by (default: {@link DEFAULT_PROFILE}). */
  profile?: WireProfile | string;
  /** Constraints of an open (Autonomous) mandate: unknown types always fail. Default true. */
  openMandate?: boolean;
  policy?: ConstraintPolicy;
}

/** The outcome for a type the registry does not know (constraints.md §5.4). */
function unknownOutcome(type: string, opts: CheckOptions): ConstraintOutcome {
  if (opts.openMandate !== false) {
    return {
      status: 'failed',
      violations: [
        {
          code: 'CONSTRAINT_UNKNOWN_TYPE',
          message: `unknown constraint type in an open mandate: ${type}`,
        },
      ],
    };
  }
  // An own property only: `toString` or `__proto__` as a type must not find Object.prototype's members.
  const mode =
    (opts.policy && Object.hasOwn(opts.policy, type) ? opts.policy[type] : undefined) ??
    opts.strictness;
  return mode === 'STRICT'
    ? {
        status: 'failed',
        violations: [
          { code: 'CONSTRAINT_UNKNOWN_TYPE', message: `unknown constraint type ${type} (STRICT)` },
        ],
      }
    : { status: 'skipped', reason: `unknown constraint type ${type} skipped (PERMISSIVE)` };
}

/** Check constraints (well-formed ones, see {@link constraintShapeViolations}) against a fulfillment.
 *
 * @example
 * const reports = checkConstraints(mandate.constraints, { payment: { amount: 27999, currency: 'USD', payee } }, { at: now, strictness: 'STRICT', profile: 'vi-2026-04' });
 * const failed = reports.filter((r) => r.outcome.status === 'failed');
 */
export function checkConstraints(
  constraints: readonly Record<string, unknown>[],
  f: Fulfillment,
  opts: CheckOptions,
): ConstraintReport[] {
  const registry = constraintRegistryFor(opts.profile ?? DEFAULT_PROFILE);
  const full: ConstraintContext = {
    at: opts.at,
    strictness: opts.strictness,
    siblings: constraints,
  };
  return constraints.map((c, index) => {
    const type = String(c.type);
    const t = registry.get(type);
    const outcome: ConstraintOutcome = t ? t.check(c, f, full) : unknownOutcome(type, opts);
    return { type, index, outcome };
  });
}

/** Counts in the shape the upstream conformance cases state them. */
export interface ConstraintSummary {
  satisfied: boolean;
  violations: number;
  /** Constraints a registered module evaluated. */
  checked: number;
  /** Unknown constraints skipped under PERMISSIVE. */
  skipped: number;
  reports: ConstraintReport[];
}

/** Check and summarize; `satisfied` means no violation at all. */
export function summarizeConstraints(
  constraints: readonly Record<string, unknown>[],
  f: Fulfillment,
  opts: CheckOptions,
): ConstraintSummary {
  const registry = constraintRegistryFor(opts.profile ?? DEFAULT_PROFILE);
  const reports = checkConstraints(constraints, f, opts);
  let violations = 0;
  let checked = 0;
  let skipped = 0;
  for (const r of reports) {
    const known = registry.has(r.type);
    if (known) checked++;
    if (r.outcome.status === 'failed') violations += r.outcome.violations.length;
    else if (r.outcome.status === 'skipped' && !known) skipped++;
  }
  return { satisfied: violations === 0, violations, checked, skipped, reports };
}
