/**
 * The AP2 v0.2 vocabulary (`ap2-0.2`): Google's Agent Payments Protocol at
 * google-agentic-commerce/AP2@e1ea56d, as ../shared/ap2-v0.2/DIFF.md lays it
 * against VI April 2026. Everything the AP2 verifier and issuer read by name
 * is here: VCTs, hop types, constraint type names, the recurrence enum, the
 * bundle's roles, and the mapping of our codes onto AP2's error codes.
 * spec/ap2.md says what vintent does with each, section by section.
 */
import type { ErrorCode } from '../errors.js';
import type { MandateKind } from './profile.js';

/** The four AP2 error codes (docs/agent_authorization.md, Errors) and the two receipt codes of the SDK. */
export type Ap2ErrorCode =
  | 'invalid_credential'
  | 'unresolved_constraint'
  | 'invalid_mandate'
  | 'mandates_not_supported'
  | 'verification_failed'
  | 'receipt_reference_not_found_in_store';

/** Roles of an AP2 bundle (BUNDLE-AP2.md) and the chains each must be shown. */
export type Ap2Role =
  | 'merchant'
  | 'credential_provider'
  | 'network'
  | 'merchant_payment_processor'
  | 'dispute';

/** The AP2 v0.2 vocabulary: every VCT, typ, constraint name and structural rule vintent reads AP2 through. */
export const AP2_V0_2 = {
  name: 'ap2-0.2',
  title: 'AP2 v0.2 (2026-04-28): delegate SD-JWT mandate chains joined by ~~, any depth',
  specText: 'ap2-v0.2',
  /** Exact VCTs (DIFF 4.1): the same strings as VI April, matched exactly. */
  vct: {
    checkout: { open: 'mandate.checkout.open.1', closed: 'mandate.checkout.1' },
    payment: { open: 'mandate.payment.open.1', closed: 'mandate.payment.1' },
  } satisfies Record<MandateKind, { open: string; closed: string }>,
  /** Hop `typ` values (DIFF 2.1): the draft's spelling first, the hyphen one also accepted. */
  typ: {
    terminal: ['kb+sd-jwt', 'kb-sd-jwt'],
    intermediate: ['kb+sd-jwt+kb', 'kb-sd-jwt+kb'],
    /** What vintent emits. */
    emitTerminal: 'kb+sd-jwt',
    emitIntermediate: 'kb+sd-jwt+kb',
    /** The SDK's root `typ` (unchecked on verify). */
    emitRoot: 'example+sd-jwt',
  },
  chainSeparator: '~~',
  alg: 'ES256',
  sdAlg: 'sha-256',
  skewSeconds: 300,
  /** Bounds on what one chain may cost (spec/limits.md): hops, chains per bundle. */
  maxHops: 16,
  delegateClaim: 'delegate_payload',
  /** Constraint type names per mandate kind (DIFF §5); any other type is unknown there. */
  constraint: {
    checkout: ['checkout.allowed_merchants', 'checkout.line_items'],
    payment: [
      'payment.allowed_payees',
      'payment.amount_range',
      'payment.budget',
      'payment.agent_recurrence',
      'payment.reference',
      'payment.allowed_payment_instruments',
      'payment.allowed_pisps',
      'payment.execution_date',
    ],
  } satisfies Record<MandateKind, readonly string[]>,
  /** The constraint an open mandate of each kind must contain (schemas' `contains`, DIFF 4.5). */
  requiredConstraint: {
    checkout: 'checkout.line_items',
    payment: 'payment.reference',
  } satisfies Record<MandateKind, string>,
  /** Claims an open payment mandate may pre-set, which the closed one must repeat unchanged (DIFF 4.5). */
  paymentPresets: ['payee', 'payment_amount', 'payment_instrument', 'pisp', 'execution_date'],
  /** `payment.agent_recurrence.frequency` (DIFF 5.6): the minimum spacing between two payments, in seconds (ON_DEMAND: none). */
  frequencies: {
    ON_DEMAND: 0,
    DAILY: 86_400,
    WEEKLY: 7 * 86_400,
    BIWEEKLY: 14 * 86_400,
    MONTHLY: 28 * 86_400,
    QUARTERLY: 89 * 86_400,
    ANNUALLY: 365 * 86_400,
  } as Readonly<Record<string, number>>,
  /** Which chains each role must be shown. */
  roleChains: {
    merchant: ['checkout'],
    credential_provider: ['payment'],
    network: ['payment'],
    merchant_payment_processor: ['payment'],
    dispute: ['checkout', 'payment'],
  } satisfies Record<Ap2Role, readonly MandateKind[]>,
} as const;

/**
 * The AP2 error code for one of ours (DIFF 7.4): unknown constraints and
 * missing state are `unresolved_constraint`; a constraint, pre-set or
 * expected value not met is `invalid_mandate`; receipts use the SDK's codes;
 * everything else (the chain, a signature, a binding, a time, a shape) is
 * `invalid_credential`.
 */
export function ap2ErrorOf(code: ErrorCode): Ap2ErrorCode {
  switch (code) {
    case 'AP2_CONSTRAINT_UNKNOWN':
    case 'AP2_CONSTRAINT_UNRESOLVED':
      return 'unresolved_constraint';
    case 'AP2_CONSTRAINT_VIOLATED':
    case 'AP2_PRESET_CHANGED':
    // The network's state refuses what the mandate's constraints allow no more.
    case 'LEDGER_BUDGET_EXCEEDED':
    case 'LEDGER_OCCURRENCES_EXCEEDED':
    case 'LEDGER_RECURRENCE_OUT_OF_WINDOW':
    case 'LEDGER_PAIR_ALREADY_FULFILLED':
    case 'AP2_CHECKOUT_JWT_MISMATCH':
    case 'AP2_TRANSACTION_ID_MISMATCH':
      return 'invalid_mandate';
    case 'AP2_RECEIPT_INVALID':
      return 'verification_failed';
    case 'AP2_RECEIPT_REFERENCE_UNKNOWN':
      return 'receipt_reference_not_found_in_store';
    case 'AP2_MIXED_VOCABULARY':
      return 'mandates_not_supported';
    default:
      return 'invalid_credential';
  }
}
