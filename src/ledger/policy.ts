/**
 * The ledger's decision rules, free of storage: both backends load the same
 * state inside their transaction, ask {@link planAuthorization}, and write what
 * it says. Keeping this pure is what lets one unit-test suite cover the rules
 * (constraints.md §4.5–§4.7, security-model.md §4.1–§4.2).
 *
 * Documented choices:
 * - A presentationId seen before gets its first decision back (`replayed: true`).
 *   If that approval was reversed since, the answer is a decline,
 *   LEDGER_AUTHORIZATION_REVERSED: a voided authorization is never handed out again.
 * - A nonce is consumed by the first presentation that uses it, approved or not.
 *   The pairs of one Immediate L2 all carry that L2's nonce, so there the nonce
 *   belongs to the L2 (each pair is its own presentation); any other L2 or L3a
 *   from the same signer reusing it is LEDGER_NONCE_REPLAY.
 * - AP2 (`reuse`): an open payment mandate with `payment.agent_recurrence`
 *   is reused up to its occurrences, one period apart (the latest live
 *   approval counts); without it, it is used once, like a VI pair.
 * - Budgets are per mandate pair and per currency (constraints.md §4.5: spend
 *   "under this mandate pair"); one pair's purchases never use another's budget.
 * - A revoked L2 declines every new presentation (LEDGER_MANDATE_REVOKED);
 *   decisions made before the revocation stay, and replays of them still
 *   answer as then.
 * - Reversing an already reversed authorization is refused (ok: false,
 *   LEDGER_AUTHORIZATION_REVERSED), never a silent success; an id never
 *   approved is LEDGER_AUTHORIZATION_UNKNOWN.
 * - Amounts that are not non-negative safe integers are declined with
 *   LEDGER_BUDGET_EXCEEDED: they could corrupt the running totals.
 * - An approval is held until captured, reversed, or its `holdUntil` passes.
 *   Expiry releases it like a reversal (budget and occurrence) and is
 *   recorded as such; a presentation whose approval expired is declined
 *   LEDGER_AUTHORIZATION_EXPIRED when presented again.
 * - A captured authorization counts its captured amount against the budget;
 *   it cannot be reversed (a refund is another flow) nor expire.
 * - Capture re-checks the mandate's standing: an L2 revoked after the
 *   authorization cannot be captured (LEDGER_MANDATE_REVOKED). The refused
 *   hold stays until it expires or is reversed.
 */
import { randomBytes } from 'node:crypto';
import { isIsoDate, moneyText, utcDate } from '../constraints/values.js';
import type { ErrorCode } from '../errors.js';
import type {
  AuthorizationRecord,
  AuthorizationRequest,
  CaptureRequest,
  CaptureResult,
  Decision,
  MandateUsage,
} from './types.js';

/** A decision already stored for a presentationId (the idempotency record). */
export interface RecordedDecision {
  decision: 'approved' | 'declined';
  code: ErrorCode | null;
  message: string;
  authorizationId: string | null;
  /** The approval was released since: reversed or expired. */
  reversed: boolean;
  /** Which release it was (null for older rows, which knew reversals only). */
  releasedBy?: ReleaseKind | null;
}

/** How a held approval was released: an operator's reversal, or its hold time passing. */
export type ReleaseKind = 'reversal' | 'expiry';

/** What a backend reads, inside its transaction, before deciding. */
export interface LedgerState {
  /** Decision stored earlier for the same presentationId, if any. */
  prior: RecordedDecision | null;
  /** Owner ({@link nonceOwnerOf}) that first used (signerThumbprint, nonce), if any. */
  nonceOwner: string | null;
  /** Approved, non-reversed authorizations for (l2Id, pairId). */
  pairActiveCount: number;
  /** Decision time of the latest approved, non-reversed authorization of (l2Id, pairId), if any. */
  lastApprovedAt: number | null;
  /** Approved, non-reversed spend of this mandate pair, per currency, minor units. */
  pairSpentByCurrency: ReadonlyMap<string, bigint>;
  /** The L2 was revoked by its user (Unix seconds the revocation was recorded), if so. */
  revokedAt: number | null;
}

/**
 * Who a nonce belongs to once used. Immediate: the L2 (its pairs share the L2
 * nonce and are separate presentations). Autonomous: the L3a presentation.
 */
export function nonceOwnerOf(
  req: Pick<AuthorizationRequest, 'mode' | 'l2Id' | 'presentationId'>,
): string {
  return req.mode === 'immediate' ? `l2:${req.l2Id}` : req.presentationId;
}

export type Verdict =
  | { decision: 'approved' }
  | { decision: 'declined'; code: ErrorCode; message: string };

export type Plan =
  /** Same presentation seen before: answer as then, write nothing but an audit note. */
  | { kind: 'replay'; decision: Decision }
  /** New presentation: record the verdict; claimNonce says whether to store the nonce as used by it. */
  | { kind: 'record'; verdict: Verdict; claimNonce: boolean };

export function planAuthorization(req: AuthorizationRequest, state: LedgerState): Plan {
  if (state.prior) return { kind: 'replay', decision: replayOf(state.prior) };
  const owner = nonceOwnerOf(req);
  const claimNonce = state.nonceOwner === null;
  if (state.revokedAt !== null) {
    return {
      kind: 'record',
      claimNonce,
      verdict: decline(
        'LEDGER_MANDATE_REVOKED',
        `the user revoked this mandate (recorded at ${state.revokedAt})`,
      ),
    };
  }
  if (state.nonceOwner !== null && state.nonceOwner !== owner) {
    return {
      kind: 'record',
      claimNonce: false,
      verdict: decline(
        'LEDGER_NONCE_REPLAY',
        'nonce already used by another presentation from the same signer',
      ),
    };
  }
  return { kind: 'record', claimNonce, verdict: judge(req, state) };
}

/** The rules for a presentation seen for the first time, in a fixed order so a decline's code is predictable. */
function judge(req: AuthorizationRequest, state: LedgerState): Verdict {
  const amountProblem = amountDefect(req.amount);
  if (amountProblem) return decline('LEDGER_BUDGET_EXCEEDED', amountProblem);

  const day = utcDate(req.at);
  if (req.reuse) {
    const { maxOccurrences, minSpacingSeconds } = req.reuse;
    if (
      maxOccurrences !== undefined &&
      (!Number.isSafeInteger(maxOccurrences) || state.pairActiveCount >= maxOccurrences)
    )
      return decline(
        'LEDGER_OCCURRENCES_EXCEEDED',
        `maximum occurrences exceeded: ${state.pairActiveCount} >= ${String(maxOccurrences)}`,
      );
    if (
      !Number.isSafeInteger(minSpacingSeconds) ||
      (state.lastApprovedAt !== null && req.at < state.lastApprovedAt + minSpacingSeconds)
    )
      return decline(
        'LEDGER_RECURRENCE_OUT_OF_WINDOW',
        `next use not before ${(state.lastApprovedAt ?? 0) + minSpacingSeconds} (one period after the last)`,
      );
  } else if (req.agentRecurrence) {
    const { startDate, endDate, maxOccurrences } = req.agentRecurrence;
    if (
      day === null ||
      !isIsoDate(startDate) ||
      !isIsoDate(endDate) ||
      day < startDate ||
      day > endDate
    ) {
      return decline(
        'LEDGER_RECURRENCE_OUT_OF_WINDOW',
        `agent recurrence period is ${startDate}..${endDate}; request date ${day ?? 'invalid'}`,
      );
    }
    if (maxOccurrences !== undefined) {
      if (!Number.isSafeInteger(maxOccurrences) || maxOccurrences < 0) {
        return decline(
          'LEDGER_OCCURRENCES_EXCEEDED',
          `max_occurrences ${String(maxOccurrences)} is not a usable count`,
        );
      }
      if (state.pairActiveCount >= maxOccurrences) {
        return decline(
          'LEDGER_OCCURRENCES_EXCEEDED',
          `maximum occurrences exceeded: ${state.pairActiveCount} >= ${maxOccurrences}`,
        );
      }
    }
  } else {
    // Base model, subscription setup included: one L3 pair per mandate pair.
    if (req.recurrence?.endDate !== undefined) {
      const end = req.recurrence.endDate;
      if (day === null || !isIsoDate(end) || day > end) {
        return decline(
          'LEDGER_RECURRENCE_OUT_OF_WINDOW',
          `recurrence ended ${end}; request date ${day ?? 'invalid'}`,
        );
      }
    }
    if (state.pairActiveCount > 0) {
      return decline(
        'LEDGER_PAIR_ALREADY_FULFILLED',
        'mandate pair already has an approved authorization',
      );
    }
  }

  for (const term of req.budget ?? []) {
    const problem = budgetProblem(term.currency, term.max, req, state);
    if (problem) return decline('LEDGER_BUDGET_EXCEEDED', problem);
  }
  return { decision: 'approved' };
}

function budgetProblem(
  currency: string,
  max: number,
  req: AuthorizationRequest,
  state: LedgerState,
): string | null {
  if (currency !== req.currency)
    return `currency mismatch: budget is in ${currency}, request in ${req.currency}`;
  if (!Number.isSafeInteger(max) || max < 0)
    return `budget max ${String(max)} is not a usable integer amount`;
  const spent = state.pairSpentByCurrency.get(currency) ?? 0n;
  const next = spent + BigInt(req.amount);
  if (next > BigInt(max))
    return `budget of this mandate pair exceeded: ${moneyText(next, currency)} > ${moneyText(max, currency)}`;
  return null;
}

/** Amounts must be non-negative safe integers: a float or a negative amount would corrupt the running totals. */
function amountDefect(amount: number): string | null {
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) {
    return `amount ${String(amount)} is not a safe integer number of minor units`;
  }
  if (amount < 0) return `amount ${amount} is negative`;
  return null;
}

function decline(code: ErrorCode, message: string): Verdict {
  return { decision: 'declined', code, message };
}

export function replayOf(prior: RecordedDecision): Decision {
  if (prior.decision === 'approved' && prior.reversed) {
    if (prior.releasedBy === 'expiry') {
      return {
        decision: 'declined',
        code: 'LEDGER_AUTHORIZATION_EXPIRED',
        message: CAPTURE_MESSAGES.presentedAgain,
        replayed: true,
      };
    }
    return {
      decision: 'declined',
      code: 'LEDGER_AUTHORIZATION_REVERSED',
      message: REVERSAL_MESSAGES.presentedAgain,
      replayed: true,
    };
  }
  if (prior.decision === 'approved' && prior.authorizationId) {
    return { decision: 'approved', authorizationId: prior.authorizationId, replayed: true };
  }
  return {
    decision: 'declined',
    code: prior.code ?? 'INTERNAL',
    message: prior.message,
    replayed: true,
  };
}

/** Unguessable id for an approved authorization: `auth_` + 128 random bits, base64url. */
export function newAuthorizationId(): string {
  return `auth_${randomBytes(16).toString('base64url')}`;
}

/** The decision a first-time verdict becomes: an approval gets a new authorization id. */
export function decisionOf(verdict: Verdict): Decision {
  return verdict.decision === 'approved'
    ? { decision: 'approved', authorizationId: newAuthorizationId(), replayed: false }
    : { ...verdict, replayed: false };
}

/** Audit detail of a replayed presentation. */
export const REPLAY_DETAIL = 'replay of an earlier decision for this presentation';

/** The amount to store in integer columns: null when it is not a safe integer (such requests are declined). */
export function storableAmount(amount: number): number | null {
  return Number.isSafeInteger(amount) ? amount : null;
}

/** Decision time for integer columns (Unix seconds). */
export function storableTime(at: number): number {
  return Number.isFinite(at) ? Math.trunc(at) : 0;
}

/** Fields of a request every backend needs to be present as strings; a caller bug otherwise. */
export function requestShapeProblem(req: AuthorizationRequest): string | null {
  for (const key of [
    'l2Id',
    'pairId',
    'presentationId',
    'signerThumbprint',
    'nonce',
    'currency',
    'transactionId',
  ] as const) {
    if (typeof req[key] !== 'string' || req[key].length === 0)
      return `authorization request needs a non-empty ${key}`;
  }
  return null;
}

/** Messages of reversal outcomes; each goes with one code. */
export const REVERSAL_MESSAGES = {
  /** LEDGER_AUTHORIZATION_UNKNOWN */
  unknown: 'no approved authorization with this id',
  /** LEDGER_AUTHORIZATION_REVERSED, on a second reversal */
  alreadyReversed: 'authorization was already reversed; nothing changed',
  /** LEDGER_AUTHORIZATION_REVERSED, on presenting a reversed authorization's presentation again */
  presentedAgain:
    'this presentation was approved once and that authorization was reversed; it is not approved again',
} as const;

/** A refusal: its code and message agree. */
export interface Refusal {
  code: ErrorCode;
  message: string;
}

/** What a reversal finds: the authorization's state, or undefined when no approval has the id. */
export function reversalRefusal(state: AuthorizationRecord['state'] | undefined): Refusal | null {
  if (state === undefined)
    return { code: 'LEDGER_AUTHORIZATION_UNKNOWN', message: REVERSAL_MESSAGES.unknown };
  if (state === 'reversed')
    return { code: 'LEDGER_AUTHORIZATION_REVERSED', message: REVERSAL_MESSAGES.alreadyReversed };
  if (state === 'expired')
    return { code: 'LEDGER_AUTHORIZATION_EXPIRED', message: CAPTURE_MESSAGES.expired };
  if (state === 'captured')
    return { code: 'LEDGER_AUTHORIZATION_CAPTURED', message: CAPTURE_MESSAGES.noReversal };
  return null;
}

/** Messages of capture outcomes. */
export const CAPTURE_MESSAGES = {
  expired: 'the hold time of this authorization passed before capture; its budget was released',
  presentedAgain:
    'this presentation was approved once and its hold expired uncaptured; it is not approved again',
  noReversal:
    'this authorization was captured; a captured authorization is not reversed (refund it instead)',
  otherAmount: 'this authorization was captured before for another amount',
  revoked: 'the user revoked this mandate after the authorization; it cannot be captured',
} as const;

/** Whether a held authorization's hold time has passed at `at`. */
export function holdPassed(
  record: Pick<AuthorizationRecord, 'state' | 'holdUntil'>,
  at: number,
): boolean {
  return record.state === 'held' && record.holdUntil !== undefined && at >= record.holdUntil;
}

export type CapturePlan =
  /** Settle it for this amount. */
  | { kind: 'capture'; amount: number }
  /** Captured before for the same amount: answer as then, change nothing. */
  | { kind: 'replay'; result: CaptureResult }
  /** Its hold time passed: release it (as an expiry) and refuse. */
  | { kind: 'expire'; refusal: Refusal }
  /** Refuse; change nothing but the audit trail. */
  | { kind: 'refuse'; refusal: Refusal };

/**
 * The capture rules, in a fixed order so a refusal's code is predictable:
 * the authorization's own state first, then the hold time, then the
 * mandate's standing (revocation, then the caller's L1 status refusal), then
 * the amount.
 */
export function planCapture(
  req: CaptureRequest,
  record: AuthorizationRecord | null,
  revokedAt: number | null,
): CapturePlan {
  if (record === null)
    return {
      kind: 'refuse',
      refusal: { code: 'LEDGER_AUTHORIZATION_UNKNOWN', message: REVERSAL_MESSAGES.unknown },
    };
  if (record.state === 'captured') {
    const amount = req.amount ?? record.amount;
    if (amount !== record.capturedAmount)
      return {
        kind: 'refuse',
        refusal: { code: 'LEDGER_AUTHORIZATION_CAPTURED', message: CAPTURE_MESSAGES.otherAmount },
      };
    return {
      kind: 'replay',
      result: {
        ok: true,
        authorizationId: record.authorizationId,
        amount,
        currency: record.currency,
        capturedAt: record.capturedAt ?? 0,
        replayed: true,
      },
    };
  }
  if (record.state === 'reversed')
    return {
      kind: 'refuse',
      refusal: {
        code: 'LEDGER_AUTHORIZATION_REVERSED',
        message: REVERSAL_MESSAGES.alreadyReversed,
      },
    };
  if (record.state === 'expired')
    return {
      kind: 'refuse',
      refusal: { code: 'LEDGER_AUTHORIZATION_EXPIRED', message: CAPTURE_MESSAGES.expired },
    };
  if (holdPassed(record, req.at))
    return {
      kind: 'expire',
      refusal: { code: 'LEDGER_AUTHORIZATION_EXPIRED', message: CAPTURE_MESSAGES.expired },
    };
  if (revokedAt !== null)
    return {
      kind: 'refuse',
      refusal: {
        code: 'LEDGER_MANDATE_REVOKED',
        message: `${CAPTURE_MESSAGES.revoked} (revoked at ${revokedAt})`,
      },
    };
  if (req.refusal) return { kind: 'refuse', refusal: req.refusal };
  const amount = req.amount ?? record.amount;
  if (!Number.isSafeInteger(amount) || amount < 0 || amount > record.amount) {
    return {
      kind: 'refuse',
      refusal: {
        code: 'LEDGER_CAPTURE_AMOUNT_INVALID',
        message: `capture amount ${String(amount)} is not an integer from 0 to the authorized ${record.amount}`,
      },
    };
  }
  return { kind: 'capture', amount };
}

/** The columns of an approved decision a capture, reversal or read needs, as a driver returns them. */
export interface AuthorizationRow {
  authorization_id: string;
  l2_id: string;
  pair_id: string;
  presentation_id: string;
  transaction_id: string;
  amount: number | string | bigint | null;
  currency: string;
  decided_at: number | string | bigint;
  hold_until: number | string | bigint | null;
  captured_at: number | string | bigint | null;
  captured_amount: number | string | bigint | null;
  reversed_at: number | string | bigint | null;
  released_by: string | null;
  l1_status: string | null;
}

/** The SELECT list of an {@link AuthorizationRow}. */
export const AUTHORIZATION_COLUMNS =
  'authorization_id, l2_id, pair_id, presentation_id, transaction_id, amount, currency, decided_at, hold_until, captured_at, captured_amount, reversed_at, released_by, l1_status';

const optionalNumber = (v: number | string | bigint | null): number | undefined =>
  v === null ? undefined : Number(v);

/** A stored row as the ledger reports it. */
export function authorizationRecordOf(row: AuthorizationRow): AuthorizationRecord {
  const released = row.reversed_at !== null;
  const state: AuthorizationRecord['state'] = released
    ? row.released_by === 'expiry'
      ? 'expired'
      : 'reversed'
    : row.captured_at !== null
      ? 'captured'
      : 'held';
  const record: AuthorizationRecord = {
    authorizationId: row.authorization_id,
    state,
    l2Id: row.l2_id,
    pairId: row.pair_id,
    transactionId: row.transaction_id,
    amount: Number(row.amount ?? 0),
    currency: row.currency,
    authorizedAt: Number(row.decided_at),
  };
  const holdUntil = optionalNumber(row.hold_until);
  if (holdUntil !== undefined) record.holdUntil = holdUntil;
  const capturedAt = optionalNumber(row.captured_at);
  if (capturedAt !== undefined) record.capturedAt = capturedAt;
  const capturedAmount = optionalNumber(row.captured_amount);
  if (capturedAmount !== undefined) record.capturedAmount = capturedAmount;
  const releasedAt = optionalNumber(row.reversed_at);
  if (releasedAt !== undefined) record.releasedAt = releasedAt;
  if (row.l1_status !== null) {
    try {
      record.l1Status = JSON.parse(row.l1_status);
    } catch {
      // Written by this code as JSON; an unreadable one is left out rather than guessed.
    }
  }
  return record;
}

/** The hold time to store: null when absent or not a usable time. */
export function storableHold(holdUntil: number | undefined): number | null {
  return holdUntil !== undefined && Number.isFinite(holdUntil) ? Math.trunc(holdUntil) : null;
}

/** Default number of holds one {@link Ledger.expireHolds} sweep releases. */
export const EXPIRY_SWEEP_LIMIT = 1000;

/** The usage a verifier may read ({@link Ledger.usage}) from the state a backend loaded. */
export function usageOf(state: LedgerState): MandateUsage {
  const spentByCurrency: Record<string, number> = {};
  for (const [currency, total] of state.pairSpentByCurrency)
    spentByCurrency[currency] = Number(total);
  return {
    uses: state.pairActiveCount,
    lastApprovedAt: state.lastApprovedAt,
    spentByCurrency,
    revokedAt: state.revokedAt,
  };
}
