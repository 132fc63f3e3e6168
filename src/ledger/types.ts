/**
 * The network ledger: the state a payment network keeps to enforce what a
 * stateless verifier cannot (credential-format §5.7 items 8–9, constraints.md
 * §4.5–§4.7, security-model.md §4.2).
 *
 * The verifier produces an {@link AuthorizationRequest} from a verified network
 * view; the ledger decides atomically and records every decision.
 */
import type { ErrorCode } from '../errors.js';
import type { StatusListReference } from '../sdjwt/status-list.js';

/** A mandate's budget as the ledger enforces it: currency and cumulative maximum in minor units. */
export interface BudgetTerms {
  currency: string;
  /** Cap on cumulative approved spend, integer minor units. */
  max: number;
}

/** An agent recurrence mandate's terms as the ledger enforces them. */
export interface AgentRecurrenceTerms {
  frequency: string;
  /** ISO 8601 dates (YYYY-MM-DD), inclusive. */
  startDate: string;
  endDate: string;
  maxOccurrences?: number;
}

/**
 * AP2 `payment.agent_recurrence` (DIFF 5.6) as the ledger enforces it: an
 * open payment mandate reused at most `maxOccurrences` times, each use at
 * least `minSpacingSeconds` after the previous approved one.
 */
export interface AgentReuseTerms {
  maxOccurrences?: number;
  /** One `frequency` period (0 for ON_DEMAND). */
  minSpacingSeconds: number;
}

/** A one-time recurrence setup's terms as the ledger enforces them. */
export interface RecurrenceTerms {
  frequency: string;
  startDate: string;
  endDate?: string;
  number?: number;
}

/** What the ledger decides on, derived from a verified presentation by `authorizationRequestFrom`. */
export interface AuthorizationRequest {
  /** Identifies the L2: B64U(SHA-256(L2 header.payload)): signature-independent, as ECDSA signatures are malleable, stable across views. */
  l2Id: string;
  /** Identifies the mandate pair inside the L2 (Autonomous: checkout mandate disclosure digest; Immediate: checkout_hash). */
  pairId: string;
  /** Identifies this exact presentation: B64U(SHA-256(L3a JWT)) or, in Immediate mode, of the L2 JWT + pair. Idempotency key. */
  presentationId: string;
  /** JWK thumbprint of the key that signed the presentation (agent key; user key in Immediate mode). */
  signerThumbprint: string;
  /** The presentation's nonce (L3a nonce, or L2 nonce in Immediate mode). */
  nonce: string;
  /** Integer minor units. */
  amount: number;
  currency: string;
  /** `transaction_id` = checkout hash, for the audit trail. */
  transactionId: string;
  mode: 'immediate' | 'autonomous';
  budget?: BudgetTerms[];
  recurrence?: RecurrenceTerms;
  agentRecurrence?: AgentRecurrenceTerms;
  /** AP2: the open payment mandate may be reused under these terms; absent, it is used once. */
  reuse?: AgentReuseTerms;
  /** Decision time, Unix seconds. */
  at: number;
  /**
   * Unix seconds from which an approval not yet captured expires and releases
   * its budget and occurrence. Absent: it is held until captured or reversed.
   */
  holdUntil?: number;
  /** The L1's status reference, kept so that capture can check the L1 again. */
  l1Status?: StatusListReference;
}

/** Where an approved authorization stands: held (authorized, not settled), captured, reversed, or expired uncaptured. */
export type AuthorizationState = 'held' | 'captured' | 'reversed' | 'expired';

/** One approved authorization as the ledger holds it. */
export interface AuthorizationRecord {
  authorizationId: string;
  state: AuthorizationState;
  l2Id: string;
  pairId: string;
  transactionId: string;
  /** Authorized amount, integer minor units. */
  amount: number;
  currency: string;
  authorizedAt: number;
  /** When an uncaptured hold expires; absent: never. */
  holdUntil?: number;
  capturedAt?: number;
  /** The amount settled (at most the authorized amount); counts against the budget instead of `amount`. */
  capturedAmount?: number;
  /** When it was reversed or expired. */
  releasedAt?: number;
  /** The L1 status reference recorded at authorization. */
  l1Status?: StatusListReference;
}

/** What a capture asks: settle an approved authorization, in full or for less. */
export interface CaptureRequest {
  authorizationId: string;
  /** Capture time, Unix seconds (the network's clock). */
  at: number;
  /** Integer minor units, at most the authorized amount; default: the authorized amount. */
  amount?: number;
  /**
   * A standing check the caller made before, outside the ledger (the L1's
   * status), that refuses the capture: recorded in the audit trail with its
   * code; the authorization stays held.
   */
  refusal?: { code: ErrorCode; message: string };
}

/** The outcome of a capture: settled (`replayed` when it had been, for the same amount), or refused with a code. */
export type CaptureResult =
  | {
      ok: true;
      authorizationId: string;
      amount: number;
      currency: string;
      capturedAt: number;
      replayed: boolean;
    }
  | { ok: false; code: ErrorCode; message: string; authorizationId: string };

/** The ledger's answer: approved with an authorization id, or declined with a code. */
export type Decision =
  | { decision: 'approved'; authorizationId: string; replayed: boolean }
  | {
      decision: 'declined';
      code: ErrorCode;
      message: string;
      authorizationId?: undefined;
      replayed: boolean;
    };

/** The outcome of reversing an authorization. */
export interface ReversalResult {
  ok: boolean;
  code?: ErrorCode;
  message?: string;
  authorizationId: string;
}

/** A user's revocation of an L2, already checked (signature, signer) by the caller. */
export interface RevocationRecord {
  /** Content id of the revoked L2 (see {@link AuthorizationRequest.l2Id}). */
  l2Id: string;
  /** JWK thumbprint of the key that signed the L2 and the revocation (the L1 `cnf` key). */
  signerThumbprint: string;
  /** The revocation's own `iat`, Unix seconds. */
  issuedAt: number;
  /** B64U(SHA-256(revocation header.payload)): which revocation was recorded. */
  revocationId: string;
  /** Recording time, Unix seconds. */
  at: number;
}

/** The outcome of revoking a mandate. */
export interface RevocationResult {
  /** False when the L2 was revoked before: nothing changed (idempotent). */
  newlyRevoked: boolean;
  l2Id: string;
  /** When the first revocation was recorded, Unix seconds. */
  revokedAt: number;
  /** Approved, non-reversed authorizations made under this L2 before the revocation: they stay. */
  authorizationsKept: number;
}

/** An L3b a merchant accepted, remembered until it could no longer verify anyway. */
export interface MerchantPresentation {
  /** B64U(SHA-256(L3b header.payload)): signature-independent. */
  contentId: string;
  /** JWK thumbprint of the agent key that signed the L3b. */
  signerThumbprint: string;
  nonce: string;
  /** Unix seconds. */
  at: number;
  /** Unix seconds after which the memory may be dropped: the L3b's `exp` plus the verifier's skew. */
  forgetAfter: number;
}

/** Whether a merchant has seen an L3b before (replay memory). */
export type MerchantMemoryResult =
  | { firstSeen: true }
  | { firstSeen: false; matched: 'content' | 'nonce'; firstSeenAt: number };

/** One audit-trail row: a decision or reversal, with its reason code, amount and time. */
export interface AuditEvent {
  seq: number;
  at: number;
  kind: 'authorize' | 'reverse' | 'revoke' | 'capture' | 'expire';
  decision: 'approved' | 'declined' | 'reversed' | 'rejected' | 'revoked' | 'captured' | 'expired';
  code: ErrorCode | null;
  l2Id: string | null;
  pairId: string | null;
  presentationId: string | null;
  authorizationId: string | null;
  amount: number | null;
  currency: string | null;
  detail: string;
}

/** What a mandate pair has used so far (live approvals: held or captured). */
export interface MandateUsage {
  uses: number;
  /** Decision time of the latest live approval, Unix seconds; null when none. */
  lastApprovedAt: number | null;
  /** Spend per currency, integer minor units (captured amounts where captured). */
  spentByCurrency: Record<string, number>;
  /** Unix seconds the mandate was revoked, if it was. */
  revokedAt: number | null;
}

/** The network ledger: atomic authorization decisions, reversals, revocations and the audit trail. */
export interface Ledger {
  /** Atomically decide and record. Never throws for a business decline; throws VIError('LEDGER_UNAVAILABLE') on storage failure. */
  authorize(req: AuthorizationRequest): Promise<Decision>;
  /**
   * Settle a held authorization (audited). Refused, with nothing changed but
   * the audit trail: unknown, reversed, expired (its hold time passed: the
   * hold is released then), captured before for another amount, an amount
   * above the authorized one, a mandate revoked since authorization
   * (LEDGER_MANDATE_REVOKED), or the caller's own `refusal`.
   */
  capture(req: CaptureRequest): Promise<CaptureResult>;
  /**
   * What (l2Id, pairId) has used as of `at` (holds past their time released
   * first, as `authorize` does): a read for verifiers that need
   * the state (AP2 `mandate_context`); `authorize` re-checks it atomically.
   * `excluding` leaves out one presentation's own decision, so a replay is
   * judged against the state it was first judged against.
   */
  usage(l2Id: string, pairId: string, at: number, excluding?: string): Promise<MandateUsage>;
  /** One approved authorization, or null when no approval has this id. */
  authorization(authorizationId: string): Promise<AuthorizationRecord | null>;
  /**
   * Release every hold whose hold time passed by `at` (audited as `expire`),
   * at most `limit` of them (default 1000); returns how many. Holds are also
   * released on the way, when their mandate pair is decided again or the
   * authorization is captured, so this sweep only tidies.
   */
  expireHolds(at: number, limit?: number): Promise<number>;
  /** Reverse (void) a held authorization: releases its budget and occurrence, recorded, not deleted. A captured one is refused. */
  reverse(authorizationId: string, at: number, reason?: string): Promise<ReversalResult>;
  /** Record a user's revocation of an L2 (idempotent, audited); every later authorization under it is declined LEDGER_MANDATE_REVOKED. */
  revoke(record: RevocationRecord): Promise<RevocationResult>;
  /**
   * Merchant replay memory: remember an accepted L3b by content and by
   * (signer, nonce); say whether either was seen before. Entries past their
   * `forgetAfter` are purged as new ones arrive.
   */
  rememberMerchantPresentation(presentation: MerchantPresentation): Promise<MerchantMemoryResult>;
  /** Resolves when storage answers a trivial query; throws VIError('LEDGER_UNAVAILABLE') otherwise (readiness checks). */
  ping(): Promise<void>;
  /** The audit trail, oldest first. */
  audit(opts?: { l2Id?: string; limit?: number }): Promise<AuditEvent[]>;
  close(): Promise<void>;
}
