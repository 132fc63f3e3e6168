/**
 * The network ledger: the state a payment network keeps to enforce what a
 * stateless verifier cannot (credential-format §5.7 items 8–9, constraints.md
 * §4.5–§4.7, security-model.md §4.2).
 *
 * The verifier produces an {@link AuthorizationRequest} from a verified network
 * view; the ledger decides atomically and records every decision.
 */
import type { ErrorCode } from '../errors.js';

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
  /** Decision time, Unix seconds. */
  at: number;
}

/** The ledger's answer: approved with an authorization id, or declined with a code. */
export type Decision =
  | { decision: 'approved'; authorizationId: string; replayed: boolean }
  | { decision: 'declined'; code: ErrorCode; message: string; authorizationId?: undefined; replayed: boolean };

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
export type MerchantMemoryResult = { firstSeen: true } | { firstSeen: false; matched: 'content' | 'nonce'; firstSeenAt: number };

/** One audit-trail row: a decision or reversal, with its reason code, amount and time. */
export interface AuditEvent {
  seq: number;
  at: number;
  kind: 'authorize' | 'reverse' | 'revoke';
  decision: 'approved' | 'declined' | 'reversed' | 'rejected' | 'revoked';
  code: ErrorCode | null;
  l2Id: string | null;
  pairId: string | null;
  presentationId: string | null;
  authorizationId: string | null;
  amount: number | null;
  currency: string | null;
  detail: string;
}

/** The network ledger: atomic authorization decisions, reversals, revocations and the audit trail. */
export interface Ledger {
  /** Atomically decide and record. Never throws for a business decline; throws VIError('LEDGER_UNAVAILABLE') on storage failure. */
  authorize(req: AuthorizationRequest): Promise<Decision>;
  /** Reverse (void) an approved authorization: releases its budget and occurrence, recorded, not deleted. */
  reverse(authorizationId: string, at: number, reason?: string): Promise<ReversalResult>;
  /** Record a user's revocation of an L2 (idempotent, audited); every later authorization under it is declined LEDGER_MANDATE_REVOKED. */
  revoke(record: RevocationRecord): Promise<RevocationResult>;
  /**
   * Merchant replay memory: remember an accepted L3b by content and by
   * (signer, nonce); say whether either was seen before. Entries past their
   * `forgetAfter` are purged as new ones arrive.
   */
  rememberMerchantPresentation(presentation: MerchantPresentation): Promise<MerchantMemoryResult>;
  /** The audit trail, oldest first. */
  audit(opts?: { l2Id?: string; limit?: number }): Promise<AuditEvent[]>;
  close(): Promise<void>;
}
