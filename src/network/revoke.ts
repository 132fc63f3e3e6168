/**
 * The network's revocation decision, one function for `POST /v1/network/revoke`
 * and `vintent network revoke`: check the user's signed revocation against the
 * L2's signer under the network's own trust and clock, then record it once.
 */
import { VIError } from '../errors.js';
import { checkRevocation, type RevocationInput } from '../ledger/revocation.js';
import type { Ledger, RevocationRecord } from '../ledger/types.js';
import { PROFILE } from '../profiles/profile.js';
import type { KeyResolver } from '../verify/types.js';

/** Where a revocation is recorded and what it is checked with: the network's ledger, trust and clock. */
export interface RevokeOptions {
  ledger: Ledger;
  issuerKeys: KeyResolver;
  /** Unix seconds: the network's clock, never the request's. */
  now: number;
  /** Tolerance for a revocation `iat` slightly ahead of `now`. Default the profile's 300 s. */
  skewSeconds?: number;
}

/** What a recorded revocation answers (the HTTP body and the CLI's `--json` line). */
export interface RevokeAnswer {
  revoked: true;
  l2_id: string;
  /** False when the L2 was revoked before: nothing changed. */
  newly_revoked: boolean;
  revoked_at: number;
  /** Earlier approved authorizations under this L2: they stay. */
  authorizations_kept: number;
}

/**
 * Check and record a revocation. Returns the refusal as a {@link VIError}
 * (`BUNDLE_MALFORMED`, `LIMIT_EXCEEDED`, `REVOCATION_INVALID`, …); throws only
 * what the ledger throws (`LEDGER_UNAVAILABLE`).
 *
 * @example
 * const answer = await revokeMandate({ revocation, l1, l2 }, { ledger, issuerKeys, now: Math.floor(Date.now() / 1000) });
 * if (answer instanceof VIError) console.error(answer.code);
 */
export async function revokeMandate(
  input: RevocationInput,
  options: RevokeOptions,
): Promise<RevokeAnswer | VIError> {
  const record = await checkRevocationRequest(input, options);
  return record instanceof VIError ? record : recordRevocation(options.ledger, record);
}

/** The check alone, as {@link revokeMandate} makes it (the CLI checks before it opens a ledger). */
export async function checkRevocationRequest(
  input: RevocationInput,
  options: Omit<RevokeOptions, 'ledger'>,
): Promise<RevocationRecord | VIError> {
  const record = await checkRevocation(input, {
    issuerKeys: options.issuerKeys,
    now: options.now,
    skewSeconds: options.skewSeconds ?? PROFILE.defaultSkewSeconds,
  });
  return record;
}

/** Record a checked revocation once (idempotent). */
export async function recordRevocation(
  ledger: Ledger,
  record: RevocationRecord,
): Promise<RevokeAnswer> {
  const r = await ledger.revoke(record);
  return {
    revoked: true,
    l2_id: r.l2Id,
    newly_revoked: r.newlyRevoked,
    revoked_at: r.revokedAt,
    authorizations_kept: r.authorizationsKept,
  };
}
