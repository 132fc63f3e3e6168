/**
 * The network's capture decision, one function for `POST /v1/network/capture`
 * and `vintent network capture`: settle a held authorization after checking
 * again that the authority behind it still stands. The ledger re-checks the
 * user's revocation atomically; this module re-checks the L1's status (the
 * one input that needs the network) and hands the ledger its verdict.
 */
import type { ErrorCode } from '../errors.js';
import type { Ledger } from '../ledger/types.js';
import type { StatusResolver } from '../sdjwt/status-list.js';
import { lookUpStatus, statusRefusal } from '../verify/steps/l1-status.js';

/** How long an uncaptured authorization is held by default: 7 days, as card holds commonly are. */
export const DEFAULT_HOLD_SECONDS = 7 * 24 * 3600;

/** What a capture is decided with: the ledger, the network's clock and the L1 status resolver. */
export interface CaptureOptions {
  ledger: Ledger;
  /** Unix seconds: the network's clock, never the request's. */
  now: number;
  /**
   * Looks the L1's status up again (the reference recorded at authorization).
   * Without one, status is not re-checked: configure the same resolver the
   * network authorizes with.
   */
  statusResolver?: StatusResolver;
  /** A status list that cannot be fetched: `'reject'` (default, L1_STATUS_UNAVAILABLE) or `'accept'`. */
  statusUnavailable?: 'reject' | 'accept';
}

/** What a capture asks: the authorization and, for a partial capture, the amount in minor units. */
export interface CaptureInput {
  authorization_id: string;
  /** Integer minor units, at most the authorized amount; default the authorized amount. */
  amount?: number;
}

/** What a capture answers (the HTTP body and the CLI's `--json` line). */
export type CaptureAnswer =
  | {
      captured: true;
      authorization_id: string;
      amount: number;
      currency: string;
      captured_at: number;
      replayed: boolean;
    }
  | { captured: false; authorization_id: string; error: { code: ErrorCode; message: string } };

/**
 * Capture (settle) a held authorization. Refused when it is unknown,
 * reversed, expired, captured before for another amount, when the user
 * revoked its mandate since, or when its L1 no longer stands (revoked,
 * suspended, or its status list unavailable). Throws only what the ledger
 * throws (`LEDGER_UNAVAILABLE`).
 *
 * @example
 * const answer = await captureAuthorization({ authorization_id: 'auth_…' }, { ledger, now: Math.floor(Date.now() / 1000), statusResolver });
 * if (!answer.captured) console.error(answer.error.code);
 */
export async function captureAuthorization(
  input: CaptureInput,
  options: CaptureOptions,
): Promise<CaptureAnswer> {
  const refusal = await l1Standing(input.authorization_id, options);
  const r = await options.ledger.capture({
    authorizationId: input.authorization_id,
    at: options.now,
    ...(input.amount === undefined ? {} : { amount: input.amount }),
    ...(refusal ? { refusal } : {}),
  });
  if (!r.ok)
    return {
      captured: false,
      authorization_id: r.authorizationId,
      error: { code: r.code, message: r.message },
    };
  return {
    captured: true,
    authorization_id: r.authorizationId,
    amount: r.amount,
    currency: r.currency,
    captured_at: r.capturedAt,
    replayed: r.replayed,
  };
}

/** The L1 status refusal, if the recorded reference no longer says VALID; null when it does or nothing is to be checked. */
async function l1Standing(
  authorizationId: string,
  options: CaptureOptions,
): Promise<{ code: ErrorCode; message: string } | null> {
  if (!options.statusResolver) return null;
  const record = await options.ledger.authorization(authorizationId);
  // Only a held authorization is captured; the ledger refuses the others with their own codes.
  if (record?.state !== 'held' || record.l1Status === undefined) return null;
  const lookup = await lookUpStatus(options.statusResolver, record.l1Status);
  if (!lookup.ok && options.statusUnavailable === 'accept') return null;
  return statusRefusal(lookup);
}
