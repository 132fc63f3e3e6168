/**
 * Layer 1: the issuer's card credential binding the user's key (credential-format §3).
 * A plain RFC 9901 SD-JWT with `email` selectively disclosable.
 */
import { invalidInput, VIError } from '../errors.js';
import { PROFILE } from '../profiles/profile.js';
import { encodeEs256Header, type SaltSource, standardSdJwtSealing } from '../sdjwt/build.js';
import { bareJwk, type PublicJwk } from '../sdjwt/keys.js';
import { runSealingAsync, type Signer } from '../sdjwt/signer.js';
import { isRecord, issuedAt, lifetime, publicKey, requireString } from './common.js';
import { issuedL1s } from './issued.js';

/** Input of {@link issueL1}: the issuer's key, the user's public key to bind, card facts and the selectively disclosable email. */
export interface IssueL1Input {
  /** The issuer's signer: a local key, or one that may wait (HSM, KMS, WebCrypto). */
  issuerKey: Signer;
  /** Issuer identifier URI. */
  iss: string;
  /** Opaque, stable user identifier at the issuer. */
  sub: string;
  /** The user's public key, bound as `cnf.jwk` (kid stripped). */
  userPublicJwk: PublicJwk;
  panLastFour: string;
  scheme: string;
  cardId?: string;
  /** Selectively disclosable. */
  email?: string;
  /** Optional audience (e.g. the wallet), always visible. */
  aud?: string;
  /** Defaults to the Mastercard card profile. */
  vct?: string;
  iat?: number;
  /** Defaults to one year; more is refused (credential-format §3.3 SHOULD). */
  lifetimeSeconds?: number;
  /** Additional always-visible profile claims. Reserved and structural names are refused. */
  extraClaims?: Record<string, unknown>;
  /** The email disclosure's salt; random 128-bit by default (fixed only to reproduce vectors). */
  salt?: SaltSource;
}

const RESERVED_L1_CLAIMS = new Set([
  'iss',
  'sub',
  'iat',
  'exp',
  'nbf',
  'vct',
  'cnf',
  'aud',
  'pan_last_four',
  'scheme',
  'card_id',
  'email',
  PROFILE.claim.sd,
  PROFILE.claim.sdAlg,
  PROFILE.claim.sdHash,
  PROFILE.claim.arrayRef,
  PROFILE.claim.delegatePayload,
]);

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * Issue an L1 SD-JWT: header `{alg: ES256, typ: sd+jwt, kid}`, `cnf.jwk` = the
 * user's key, `email` as the one disclosure. Returns `<jwt>~<email disclosure>~`
 * (or `<jwt>~` without email): the exact string L2 `sd_hash` must cover.
 *
 * @example
 * const l1 = await issueL1({
 *   issuerKey, iss: 'https://issuer.example', sub: 'user-1', userPublicJwk: user.publicJwk, panLastFour: '4242', scheme: 'mastercard',
 * });
 */
export async function issueL1(input: IssueL1Input): Promise<string> {
  const iss = requireString(input.iss, 'iss');
  const sub = requireString(input.sub, 'sub');
  const userJwk = publicKey(input.userPublicJwk, 'cnf.jwk');
  if (typeof input.panLastFour !== 'string' || !/^\d{4}$/.test(input.panLastFour)) {
    throw invalidInput('pan_last_four must be exactly four digits', 'pan_last_four');
  }
  const scheme = requireString(input.scheme, 'scheme');
  const vct = requireString(input.vct ?? PROFILE.vct.l1Card, 'vct');
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(vct)) throw invalidInput('vct must be a URI', 'vct');
  if (input.cardId !== undefined) requireString(input.cardId, 'card_id');
  if (input.aud !== undefined) requireString(input.aud, 'aud');
  if (input.email !== undefined && (typeof input.email !== 'string' || !EMAIL.test(input.email))) {
    throw invalidInput('email must be an address', 'email');
  }
  const extra = input.extraClaims ?? {};
  if (!isRecord(extra)) throw invalidInput('extraClaims must be an object', 'extraClaims');
  for (const name of Object.keys(extra)) {
    if (RESERVED_L1_CLAIMS.has(name))
      throw invalidInput(`extraClaims may not set the reserved claim ${name}`, name);
  }
  if (typeof input.issuerKey?.kid !== 'string' || input.issuerKey.kid === '') {
    throw new VIError({
      code: 'KID_MISSING',
      layer: 'issue',
      message: 'issuer key needs a kid',
      claim: 'kid',
    });
  }
  const iat = issuedAt(input.iat);
  const exp =
    iat +
    lifetime(
      input.lifetimeSeconds ?? PROFILE.l1DefaultLifetimeSeconds,
      PROFILE.l1DefaultLifetimeSeconds,
    );

  // Claim order follows the reference output: structural claims, profile claims, then email.
  const payload: Record<string, unknown> = {
    iss,
    sub,
    iat,
    exp,
    vct,
    cnf: { jwk: bareJwk(userJwk) },
  };
  if (input.aud !== undefined) payload.aud = input.aud;
  payload.pan_last_four = input.panLastFour;
  payload.scheme = scheme;
  if (input.cardId !== undefined) payload.card_id = input.cardId;
  Object.assign(payload, extra);
  if (input.email !== undefined) payload.email = input.email;
  // _sd is a required L1 claim (§3.3) even with nothing to disclose.
  else payload[PROFILE.claim.sd] = [];

  const header = encodeEs256Header(PROFILE.typ.l1, input.issuerKey.kid);
  const serialized = await runSealingAsync(
    standardSdJwtSealing(header, payload, ['email'], input.salt),
    input.issuerKey,
  );
  // What an L2 issuer checks of this L1, known here already (src/issue/issued.ts).
  issuedL1s.set(serialized, { cnfX: userJwk.x, cnfY: userJwk.y, exp });
  return serialized;
}
