import type { ErrorCode } from '../errors.js';
import type { MandateKind } from '../profiles/profile.js';

/** A merchant or payee object as VI carries it. */
export interface Party {
  id?: string;
  name?: string;
  website?: string;
}

/** A purchased line, normalized from L3b `line_items` or the checkout_jwt cart. */
export interface PurchasedLine {
  sku: string;
  quantity: number;
}

/**
 * The final values a constraint is checked against (constraints.md §2.4),
 * built by the verifier from signature-checked L3 claims only.
 */
export interface Fulfillment {
  payment?: {
    amount: unknown;
    currency: unknown;
    payee: unknown;
  };
  checkout?: {
    /** From the checkout_jwt payload; undefined when it names none. */
    merchant: Party | undefined;
    /**
     * When the checkout_jwt has no merchant object and the profile allows it:
     * its `iss`, the website of the merchant that signed it.
     */
    signerWebsite?: string;
    /** Each list is checked on its own: what L3b claims and what the merchant signed. */
    lineLists: { source: string; lines: PurchasedLine[] | undefined }[];
  };
}

/** How an unknown constraint type is treated: PERMISSIVE skips it, STRICT fails the mandate. */
export type Strictness = 'PERMISSIVE' | 'STRICT';

export interface ConstraintContext {
  /** Verification time, Unix seconds. */
  at: number;
  strictness: Strictness;
  /** Every constraint of the same mandate (for companion rules). */
  siblings: readonly Record<string, unknown>[];
}

/** One way a fulfillment breaks a constraint: its code and message, and the values compared where there is one. */
export interface Violation {
  code: ErrorCode;
  message: string;
  /** What the constraint required (JSON data), e.g. `{ max: 40000, currency: 'USD' }`. */
  expected?: unknown;
  /** What the presentation had (JSON data). */
  actual?: unknown;
}

/** What one constraint check concluded: satisfied, violated with a code, or not applicable to this view. */
export type ConstraintOutcome =
  | { status: 'passed'; note?: string }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; violations: Violation[]; omitted?: number };

/** One registered constraint type (constraints.md §4). */
export interface ConstraintType {
  readonly type: string;
  /** Which mandate kind may carry it. */
  readonly mandate: MandateKind;
  /** Which fulfillment it needs; undefined for ones checked without an L3. */
  readonly needs: 'payment' | 'checkout' | undefined;
  /** Structural problems of the L2 constraint itself, empty when well-formed. */
  shape(c: Record<string, unknown>): Violation[];
  /** Check a fulfillment against a well-formed constraint. */
  check(c: Record<string, unknown>, f: Fulfillment, ctx: ConstraintContext): ConstraintOutcome;
}

export const passed = (note?: string): ConstraintOutcome =>
  note ? { status: 'passed', note } : { status: 'passed' };
export const skipped = (reason: string): ConstraintOutcome => ({ status: 'skipped', reason });
export const failed = (...violations: Violation[]): ConstraintOutcome => ({
  status: 'failed',
  violations,
});
