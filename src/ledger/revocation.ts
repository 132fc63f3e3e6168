/**
 * Checking a user's revocation of an L2 before the ledger records it.
 *
 * Keys come from configuration and the chain, never from the revocation: the
 * L1 must verify under a configured issuer key; its `cnf.jwk` is the user's
 * key; the L2 must verify under that key (so it is this user's mandate); the
 * revocation must verify under the same key and name exactly that L2's
 * content id. Anything else is REVOCATION_INVALID (or the L1/L2 signature code).
 */
import { type ErrorCode, VIError } from '../errors.js';
import { l2ContentId, REVOCATION_TYP } from '../issue/revocation.js';
import { sha256b64u } from '../sdjwt/digest.js';
import { type PublicJwk, sharedKeyCache, verifyEs256 } from '../sdjwt/keys.js';
import { type ParsedJwt, parseJwt, parseSdJwt, signedContentOf } from '../sdjwt/parse.js';
import type { KeyResolver } from '../verify/types.js';
import type { RevocationRecord } from './types.js';

/** What {@link checkRevocation} judges: the signed revocation and the L1 and L2 it must come from. */
export interface RevocationInput {
  /** The compact revocation JWS ({@link issueRevocation}). */
  revocation: unknown;
  /** The L1 whose `cnf` key signed the L2 (any presentation of it). */
  l1: unknown;
  /** The L2 being revoked (any view of it). */
  l2: unknown;
}

/** The checker's configuration: issuer keys, its clock and the allowed skew. */
export interface RevocationCheckOptions {
  issuerKeys: KeyResolver;
  /** Unix seconds. */
  now: number;
  /** Tolerance for a revocation `iat` slightly in the future. Default 300. */
  skewSeconds?: number;
}

function refuse(code: ErrorCode, message: string, claim?: string): VIError {
  return new VIError({ code, layer: 'ledger', message, claim });
}

async function issuerKey(resolver: KeyResolver, kid: string): Promise<PublicJwk | undefined> {
  try {
    const found =
      typeof resolver === 'function'
        ? await resolver(kid)
        : resolver.keys.find((k) => k.kid === kid);
    return found as PublicJwk | undefined;
  } catch {
    return undefined;
  }
}

function signedBy(jwt: ParsedJwt, jwk: unknown): boolean {
  if (jwt.header.alg !== 'ES256') return false;
  try {
    return verifyEs256(jwt.signingInput, jwt.signature, sharedKeyCache.import(jwk));
  } catch {
    return false;
  }
}

/**
 * Check a revocation; returns the record to store, or the reason it is refused.
 * Never throws.
 */
export async function checkRevocation(
  input: RevocationInput,
  options: RevocationCheckOptions,
): Promise<RevocationRecord | VIError> {
  try {
    if (
      typeof input.revocation !== 'string' ||
      typeof input.l1 !== 'string' ||
      typeof input.l2 !== 'string'
    ) {
      return refuse(
        'BUNDLE_MALFORMED',
        'a revocation request needs the revocation JWS, the L1 and the L2 as strings',
      );
    }
    const revocation = parseJwt(input.revocation, 'ledger');
    if (revocation.header.typ !== REVOCATION_TYP)
      return refuse('REVOCATION_INVALID', `revocation typ must be ${REVOCATION_TYP}`, 'typ');
    const l1 = parseSdJwt(input.l1, 'l1').jwt;
    const l2 = parseSdJwt(input.l2, 'l2').jwt;

    const kid = l1.header.kid;
    const trusted = typeof kid === 'string' ? await issuerKey(options.issuerKeys, kid) : undefined;
    if (!trusted)
      return refuse(
        'L1_ISSUER_KEY_UNKNOWN',
        'the L1 is not signed by a configured issuer key',
        'kid',
      );
    if (!signedBy(l1, trusted))
      return refuse('L1_SIGNATURE_INVALID', 'L1 signature does not verify under the issuer key');
    const cnf = l1.payload.cnf as { jwk?: unknown } | undefined;
    const userJwk = cnf?.jwk;
    if (userJwk === undefined) return refuse('L1_CNF_INVALID', 'L1 carries no cnf.jwk', 'cnf');
    if (!signedBy(l2, userJwk))
      return refuse('L2_SIGNATURE_INVALID', 'the L2 is not signed by the L1 cnf key');
    if (!signedBy(revocation, userJwk))
      return refuse(
        'REVOCATION_INVALID',
        'revocation signature does not verify under the key that signed the L2',
      );

    const l2Id = l2ContentId(input.l2);
    if (revocation.payload.l2_id !== l2Id)
      return refuse('REVOCATION_INVALID', 'revocation names another L2', 'l2_id');
    const iat = revocation.payload.iat;
    if (typeof iat !== 'number' || !Number.isSafeInteger(iat) || iat < 0)
      return refuse('REVOCATION_INVALID', 'revocation needs an integer iat', 'iat');
    if (iat - (options.skewSeconds ?? 300) > options.now)
      return refuse('REVOCATION_INVALID', `revocation iat ${iat} is in the future`, 'iat');
    return {
      l2Id,
      signerThumbprint: sharedKeyCache.thumbprint(userJwk),
      issuedAt: iat,
      revocationId: sha256b64u(signedContentOf(input.revocation)),
      at: options.now,
    };
  } catch (error) {
    if (error instanceof VIError)
      return refuse(
        error.code === 'KEY_INVALID' ? 'REVOCATION_INVALID' : error.code,
        error.message,
      );
    return refuse('REVOCATION_INVALID', 'revocation could not be read');
  }
}
