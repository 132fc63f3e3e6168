/**
 * IETF Token Status List (draft-ietf-oauth-status-list) through
 * @sd-jwt/jwt-status-list: the bit packing and zlib compression of `lst`.
 * This module is the only one that touches that package (the project keeps
 * every @sd-jwt import in src/sdjwt/); it signs and parses with our own ES256
 * code like every other JWT here.
 */
import { type BitsPerStatus, StatusList } from '@sd-jwt/jwt-status-list';
import { encodeJwtHeader } from './build.js';
import type { PublicJwk } from './keys.js';
import {
  runSealing,
  runSealingAsync,
  type Sealing,
  type Signer,
  type SyncSigner,
  seal,
} from './signer.js';

export type { BitsPerStatus };

/** `typ` of a Status List Token (draft §5.1). */
export const STATUS_LIST_TYP = 'statuslist+jwt';

/** Status values the draft registers (§7.1); 0x03 and up are application-specific. */
export const TOKEN_STATUS = { valid: 0, invalid: 1, suspended: 2 } as const;

/** The reference a Referenced Token carries: `status.status_list`. */
export interface StatusListReference {
  idx: number;
  uri: string;
  /**
   * The L1 that carries the reference: its issuer and the key that signed it.
   * A status list answers for its own issuer's credentials only, so its token
   * must verify under this key.
   */
  issuer?: { iss: string | undefined; kid: string | undefined; jwk: PublicJwk };
}

/** What a status lookup found: the status value, or why there is none (fetch failed, bad signature, index outside the list). */
export type StatusLookup = { ok: true; status: number } | { ok: false; reason: string };

/** Looks up the status a reference points to; a verifier given one checks every L1 that carries a reference. */
export type StatusResolver = (
  reference: StatusListReference,
) => StatusLookup | Promise<StatusLookup>;

export function isBitsPerStatus(bits: unknown): bits is BitsPerStatus {
  return bits === 1 || bits === 2 || bits === 4 || bits === 8;
}

/** `lst`: the statuses packed `bits` per entry and zlib-compressed, base64url. */
export function compressStatuses(statuses: readonly number[], bits: BitsPerStatus): string {
  return new StatusList([...statuses], bits).compressStatusList();
}

/** Unpack a `lst`; throws on a list that is not valid zlib or base64url (callers verify the token's signature first). */
export function decompressStatuses(
  lst: string,
  bits: BitsPerStatus,
): { size: number; statusAt(idx: number): number | undefined } {
  const list = StatusList.decompressStatusList(lst, bits);
  const size = list.statusList.length;
  return {
    size,
    statusAt: (idx) =>
      Number.isSafeInteger(idx) && idx >= 0 && idx < size ? list.getStatus(idx) : undefined,
  };
}

export interface StatusListTokenInput<S extends Signer = SyncSigner> {
  /** The L1 issuer's signer (a status list answers for its own issuer's credentials). */
  issuerKey: S;
  /** The list's URI: the token's `sub`, and what Referenced Tokens name in `status_list.uri`. */
  uri: string;
  statuses: readonly number[];
  bits: BitsPerStatus;
  /** Unix seconds. */
  iat: number;
  /** Seconds a relying party may cache the token (draft `ttl`). */
  ttl?: number;
  /** Unix seconds after which the token must not be used. */
  exp?: number;
}

/** Lifetime of a published token when no `exp` is given: relying parties refuse a token without `exp` or `ttl`. */
export const DEFAULT_STATUS_TOKEN_LIFETIME_SECONDS = 24 * 3600;

/**
 * Sign a Status List Token: header `{alg: ES256, typ: statuslist+jwt, kid}`,
 * payload `{sub, iat, exp, ttl?, status_list: {bits, lst}}`. `exp` defaults to
 * `iat` + 24 h (always written), so an old token cannot answer for the list forever.
 */
export function signStatusListToken(input: StatusListTokenInput): string {
  return runSealing(statusListSealing(input), input.issuerKey);
}

/** {@link signStatusListToken} with any {@link Signer} (the issuer's HSM or KMS). */
export function signStatusListTokenAsync(input: StatusListTokenInput<Signer>): Promise<string> {
  return runSealingAsync(statusListSealing(input), input.issuerKey);
}

function* statusListSealing(input: StatusListTokenInput<Signer>): Sealing<string> {
  const payload: Record<string, unknown> = { sub: input.uri, iat: input.iat };
  payload.exp = input.exp ?? input.iat + DEFAULT_STATUS_TOKEN_LIFETIME_SECONDS;
  if (input.ttl !== undefined) payload.ttl = input.ttl;
  payload.status_list = { bits: input.bits, lst: compressStatuses(input.statuses, input.bits) };
  return yield* seal(
    encodeJwtHeader({ alg: 'ES256', typ: STATUS_LIST_TYP, kid: input.issuerKey.kid }),
    payload,
  );
}
