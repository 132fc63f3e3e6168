/** Audit rows as both backends write and read them. */
import { type ErrorCode, isErrorCode } from '../errors.js';
import { type AuthorizationRow, storableAmount, storableTime } from './policy.js';
import type {
  AuditEvent,
  AuthorizationRequest,
  CaptureRequest,
  CaptureResult,
  Decision,
  RevocationRecord,
  RevocationResult,
} from './types.js';

/** Column values of one audit row, in schema order (seq is assigned by the database). */
export interface AuditRowValues {
  at: number;
  kind: AuditEvent['kind'];
  decision: AuditEvent['decision'];
  code: ErrorCode | null;
  l2_id: string | null;
  pair_id: string | null;
  presentation_id: string | null;
  authorization_id: string | null;
  amount: number | null;
  currency: string | null;
  detail: string;
}

export const AUDIT_COLUMNS = [
  'at',
  'kind',
  'decision',
  'code',
  'l2_id',
  'pair_id',
  'presentation_id',
  'authorization_id',
  'amount',
  'currency',
  'detail',
] as const satisfies readonly (keyof AuditRowValues)[];

export function auditValues(row: AuditRowValues): unknown[] {
  return AUDIT_COLUMNS.map((column) => row[column]);
}

export function authorizeAuditRow(
  req: AuthorizationRequest,
  decision: Decision,
  detail: string,
): AuditRowValues {
  return {
    at: storableTime(req.at),
    kind: 'authorize',
    decision: decision.decision,
    code: decision.decision === 'declined' ? decision.code : null,
    l2_id: req.l2Id,
    pair_id: req.pairId,
    presentation_id: req.presentationId,
    authorization_id: decision.authorizationId ?? null,
    amount: storableAmount(req.amount),
    currency: req.currency,
    detail,
  };
}

/** The decision row a reversal names, as a driver returns it (pg BIGINT amounts arrive as strings). */
export interface ReversalTarget {
  l2_id: string;
  pair_id: string;
  presentation_id: string;
  amount: number | string | bigint | null;
  currency: string;
}

/** Audit row of a reversal: applied (code null), or refused with the refusal's code. */
export function reversalAuditRow(
  target: ReversalTarget | undefined,
  authorizationId: string,
  at: number,
  refusal: ErrorCode | null,
  detail: string,
): AuditRowValues {
  return {
    at,
    kind: 'reverse',
    decision: refusal === null ? 'reversed' : 'rejected',
    code: refusal,
    l2_id: target?.l2_id ?? null,
    pair_id: target?.pair_id ?? null,
    presentation_id: target?.presentation_id ?? null,
    authorization_id: authorizationId,
    amount: target?.amount === null || target?.amount === undefined ? null : Number(target.amount),
    currency: target?.currency ?? null,
    detail,
  };
}

/** Audit row of a capture: applied (code null) for `amount`, or refused with the refusal's code. */
export function captureAuditRow(
  target: AuthorizationRow | undefined,
  authorizationId: string,
  at: number,
  refusal: ErrorCode | null,
  amount: number | null,
  detail: string,
): AuditRowValues {
  return {
    ...reversalAuditRow(target, authorizationId, at, refusal, detail),
    kind: 'capture',
    decision: refusal === null ? 'captured' : 'rejected',
    amount: amount !== null && Number.isSafeInteger(amount) ? amount : null,
  };
}

/**
 * What a capture that settles or refuses answers and records, alike on every
 * backend: `amount` settled (refusal null), or the refusal with the asked amount.
 */
export function captureOutcome(
  row: AuthorizationRow | undefined,
  req: CaptureRequest,
  at: number,
  settled: { amount: number } | { refusal: { code: ErrorCode; message: string } },
): { result: CaptureResult; audit: AuditRowValues } {
  if ('amount' in settled) {
    // A capture is only planned for a row that exists.
    const currency = row!.currency;
    return {
      result: {
        ok: true,
        authorizationId: req.authorizationId,
        amount: settled.amount,
        currency,
        capturedAt: at,
        replayed: false,
      },
      audit: captureAuditRow(
        row,
        req.authorizationId,
        at,
        null,
        settled.amount,
        `captured ${settled.amount} ${currency}`,
      ),
    };
  }
  const { code, message } = settled.refusal;
  return {
    result: { ok: false, code, message, authorizationId: req.authorizationId },
    audit: captureAuditRow(row, req.authorizationId, at, code, req.amount ?? null, message),
  };
}

/** Audit row of a hold released because its hold time passed uncaptured. */
export function expiryAuditRow(target: AuthorizationRow, at: number): AuditRowValues {
  const detail = `hold expired uncaptured (hold until ${String(target.hold_until)}); budget released`;
  return {
    ...reversalAuditRow(target, target.authorization_id, at, null, detail),
    kind: 'expire',
    decision: 'expired',
  };
}

/** Audit row of a revocation, first or repeated (the detail says which and how many approvals stay). */
export function revocationAuditRow(
  record: RevocationRecord,
  result: RevocationResult,
): AuditRowValues {
  const kept = `${result.authorizationsKept} earlier authorization(s) stay`;
  return {
    at: storableTime(record.at),
    kind: 'revoke',
    decision: 'revoked',
    code: null,
    l2_id: record.l2Id,
    pair_id: null,
    presentation_id: record.revocationId,
    authorization_id: null,
    amount: null,
    currency: null,
    detail: result.newlyRevoked
      ? `revoked by the user (iat ${record.issuedAt}); ${kept}`
      : `already revoked at ${result.revokedAt}; nothing changed; ${kept}`,
  };
}

/** Text recorded with a first-time decision: the decline reason, or the transaction id for approvals. */
export function decisionDetail(req: AuthorizationRequest, decision: Decision): string {
  if (decision.decision === 'declined') return decision.message;
  return `approved transaction ${req.transactionId} (${req.mode})`;
}

/** Row as returned by a driver: integers may arrive as bigint or string (pg BIGINT). */
export type StoredAuditRow = { [K in keyof AuditRowValues]: unknown } & { seq: unknown };

export function toAuditEvent(row: StoredAuditRow): AuditEvent {
  return {
    seq: Number(row.seq),
    at: Number(row.at),
    kind: row.kind as AuditEvent['kind'],
    decision: row.decision as AuditEvent['decision'],
    code: isErrorCode(row.code) ? row.code : null,
    l2Id: nullableString(row.l2_id),
    pairId: nullableString(row.pair_id),
    presentationId: nullableString(row.presentation_id),
    authorizationId: nullableString(row.authorization_id),
    amount: row.amount === null || row.amount === undefined ? null : Number(row.amount),
    currency: nullableString(row.currency),
    detail: String(row.detail),
  };
}

function nullableString(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}
