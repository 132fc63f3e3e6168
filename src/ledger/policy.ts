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
 */
import { randomBytes } from 'node:crypto';
import { isIsoDate, utcDate } from '../constraints/values.js';
import type { ErrorCode } from '../errors.js';
import type { AuthorizationRequest, Decision } from './types.js';

/** A decision already stored for a presentationId (the idempotency record). */
export interface RecordedDecision {
  decision: 'approved' | 'declined';
  code: ErrorCode | null;
  message: string;
  authorizationId: string | null;
  /** The approval was reversed since. */
  reversed: boolean;
}

/** What a backend reads, inside its transaction, before deciding. */
export interface LedgerState {
  /** Decision stored earlier for the same presentationId, if any. */
  prior: RecordedDecision | null;
  /** Owner ({@link nonceOwnerOf}) that first used (signerThumbprint, nonce), if any. */
  nonceOwner: string | null;
  /** Approved, non-reversed authorizations for (l2Id, pairId). */
  pairActiveCount: number;
  /** Approved, non-reversed spend of this mandate pair, per currency, minor units. */
  pairSpentByCurrency: ReadonlyMap<string, bigint>;
  /** The L2 was revoked by its user (Unix seconds the revocation was recorded), if so. */
  revokedAt: number | null;
}

/**
 * Who a nonce belongs to once used. Immediate: the L2 (its pairs share the L2
 * nonce and are separate presentations). Autonomous: the L3a presentation.
 */
export function nonceOwnerOf(req: Pick<AuthorizationRequest, 'mode' | 'l2Id' | 'presentationId'>): string {
  return req.mode === 'immediate' ? `l2:${req.l2Id}` : req.presentationId;
}

export type Verdict = { decision: 'approved' } | { decision: 'declined'; code: ErrorCode; message: string };

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
      verdict: decline('LEDGER_MANDATE_REVOKED', `the user revoked this mandate (recorded at ${state.revokedAt})`),
    };
  }
  if (state.nonceOwner !== null && state.nonceOwner !== owner) {
    return {
      kind: 'record',
      claimNonce: false,
      verdict: decline('LEDGER_NONCE_REPLAY', 'nonce already used by another presentation from the same signer'),
    };
  }
  return { kind: 'record', claimNonce, verdict: judge(req, state) };
}

/** The rules for a presentation seen for the first time, in a fixed order so a decline's code is predictable. */
function judge(req: AuthorizationRequest, state: LedgerState): Verdict {
  const amountProblem = amountDefect(req.amount);
  if (amountProblem) return decline('LEDGER_BUDGET_EXCEEDED', amountProblem);

  const day = utcDate(req.at);
  if (req.agentRecurrence) {
    const { startDate, endDate, maxOccurrences } = req.agentRecurrence;
    if (day === null || !isIsoDate(startDate) || !isIsoDate(endDate) || day < startDate || day > endDate) {
      return decline('LEDGER_RECURRENCE_OUT_OF_WINDOW', `agent recurrence period is ${startDate}..${endDate}; request date ${day ?? 'invalid'}`);
    }
    if (maxOccurrences !== undefined) {
      if (!Number.isSafeInteger(maxOccurrences) || maxOccurrences < 0) {
        return decline('LEDGER_OCCURRENCES_EXCEEDED', `max_occurrences ${String(maxOccurrences)} is not a usable count`);
      }
      if (state.pairActiveCount >= maxOccurrences) {
        return decline('LEDGER_OCCURRENCES_EXCEEDED', `maximum occurrences exceeded: ${state.pairActiveCount} >= ${maxOccurrences}`);
      }
    }
  } else {
    // Base model, subscription setup included: one L3 pair per mandate pair.
    if (req.recurrence?.endDate !== undefined) {
      const end = req.recurrence.endDate;
      if (day === null || !isIsoDate(end) || day > end) {
        return decline('LEDGER_RECURRENCE_OUT_OF_WINDOW', `recurrence ended ${end}; request date ${day ?? 'invalid'}`);
      }
    }
    if (state.pairActiveCount > 0) {
      return decline('LEDGER_PAIR_ALREADY_FULFILLED', 'mandate pair already has an approved authorization');
    }
  }

  for (const term of req.budget ?? []) {
    const problem = budgetProblem(term.currency, term.max, req, state);
    if (problem) return decline('LEDGER_BUDGET_EXCEEDED', problem);
  }
  return { decision: 'approved' };
}

function budgetProblem(currency: string, max: number, req: AuthorizationRequest, state: LedgerState): string | null {
  if (currency !== req.currency) return `currency mismatch: budget is in ${currency}, request in ${req.currency}`;
  if (!Number.isSafeInteger(max) || max < 0) return `budget max ${String(max)} is not a usable integer amount`;
  const spent = state.pairSpentByCurrency.get(currency) ?? 0n;
  const next = spent + BigInt(req.amount);
  if (next > BigInt(max)) return `budget of this mandate pair exceeded: ${next} > ${max} ${currency}`;
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
    return { decision: 'declined', code: 'LEDGER_AUTHORIZATION_REVERSED', message: REVERSAL_MESSAGES.presentedAgain, replayed: true };
  }
  if (prior.decision === 'approved' && prior.authorizationId) {
    return { decision: 'approved', authorizationId: prior.authorizationId, replayed: true };
  }
  return { decision: 'declined', code: prior.code ?? 'INTERNAL', message: prior.message, replayed: true };
}

/** Unguessable id for an approved authorization: `auth_` + 128 random bits, base64url. */
export function newAuthorizationId(): string {
  return `auth_${randomBytes(16).toString('base64url')}`;
}

/** The decision a first-time verdict becomes: an approval gets a new authorization id. */
export function decisionOf(verdict: Verdict): Decision {
  return verdict.decision === 'approved' ? { decision: 'approved', authorizationId: newAuthorizationId(), replayed: false } : { ...verdict, replayed: false };
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
  for (const key of ['l2Id', 'pairId', 'presentationId', 'signerThumbprint', 'nonce', 'currency', 'transactionId'] as const) {
    if (typeof req[key] !== 'string' || req[key].length === 0) return `authorization request needs a non-empty ${key}`;
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
  presentedAgain: 'this presentation was approved once and that authorization was reversed; it is not approved again',
} as const;

/** The refusal of a reversal that cannot apply: its code and message agree. */
export function reversalRefusal(found: boolean): { code: ErrorCode; message: string } {
  return found
    ? { code: 'LEDGER_AUTHORIZATION_REVERSED', message: REVERSAL_MESSAGES.alreadyReversed }
    : { code: 'LEDGER_AUTHORIZATION_UNKNOWN', message: REVERSAL_MESSAGES.unknown };
}
