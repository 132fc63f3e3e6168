/**
 * AP2 v0.2 constraints (DIFF §5): one module per type behind a registry
 * (index.ts). An evaluator judges one constraint of an open mandate against
 * the chain's closed mandate and returns nothing, or throws a VIError:
 * AP2_CONSTRAINT_VIOLATED (not met), AP2_CONSTRAINT_UNRESOLVED (state or an
 * input it needs is missing) or AP2_MANDATE_SCHEMA (the constraint is
 * malformed). A withheld element of an allow-list is never a wildcard.
 */
import { type ErrorCode, VIError } from '../../errors.js';
import type { MandateKind } from '../../profiles/profile.js';

/** What the network holds for an open payment mandate (BUNDLE-AP2.md `mandate_context`). */
export interface Ap2MandateContext {
  /** Minor units approved so far under this open mandate. */
  total_amount: number;
  /** Payments approved so far. */
  total_uses: number;
  /** Unix seconds of the last one. */
  last_used_date?: number;
  /** A ledger's spend per currency (minor units); when given, a budget reads its own currency here instead of `total_amount`. */
  spent_by_currency?: Record<string, number>;
}

export interface Ap2ConstraintInput {
  /** The closed mandate, resolved (withheld elements stay `{"...": digest}`). */
  closed: Record<string, unknown>;
  /** Checkout chains: the `checkout_jwt` payload (a UCP Checkout). */
  checkout?: Record<string, unknown>;
  /** Verification time, Unix seconds. */
  at: number;
  /** Payment chains: the state the verifier holds, when it holds any. */
  context?: Ap2MandateContext;
  /** Payment chains: the digest of the open checkout mandate a `payment.reference` must name. */
  openCheckoutHash?: string;
  /** Size bounds (the verifier's limits): an evaluator's cost stays bounded by them. */
  limits: Ap2ConstraintLimits;
}

/** The subset of the verifier's limits the AP2 evaluators read. */
export interface Ap2ConstraintLimits {
  maxCartLines: number;
  maxLineItemEntries: number;
  maxAcceptableItems: number;
}

export interface Ap2ConstraintType {
  readonly type: string;
  readonly kind: MandateKind;
  evaluate(constraint: Record<string, unknown>, input: Ap2ConstraintInput): void;
}

export function constraintError(
  code: Extract<
    ErrorCode,
    | 'AP2_CONSTRAINT_VIOLATED'
    | 'AP2_CONSTRAINT_UNRESOLVED'
    | 'AP2_MANDATE_SCHEMA'
    | 'LIMIT_EXCEEDED'
  >,
  type: string,
  message: string,
  found?: { expected?: unknown; actual?: unknown },
): VIError {
  return new VIError({ code, claim: type, message: `${type}: ${message}`, ...found });
}
