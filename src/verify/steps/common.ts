/** Checks shared by several layers: headers, times, expectations, key lookup. */
import { type Layer, VIError } from '../../errors.js';
import type { Expectation } from '../../profiles/bundle.js';
import { PROFILE } from '../../profiles/profile.js';
import type { PublicKeyHandle } from '../../sdjwt/keys.js';
import { type PublicJwk, type PublicKeyCache, publicJwkProblem } from '../../sdjwt/keys.js';
import { type ParsedJwt, signingInputDigest } from '../../sdjwt/parse.js';
import type { SignatureCheck } from '../../sdjwt/signature-check.js';
import { reject } from '../context.js';
import type { KeyResolver } from '../types.js';

/** `alg` must be ES256 whatever the signature looks like (algorithm confusion). */
export function requireEs256(jwt: ParsedJwt): void {
  const alg = jwt.header.alg;
  if (alg !== PROFILE.alg)
    reject(
      'ALG_NOT_ALLOWED',
      `header alg must be ${PROFILE.alg}, got ${JSON.stringify(alg)}`,
      'alg',
    );
}

/**
 * RFC 7515 §4.1.11: a `crit` header names extensions the recipient must
 * understand. VI defines none and this verifier implements none, so any
 * `crit` (even an empty or malformed one) is refused rather than ignored.
 */
export function requireNoCrit(jwt: ParsedJwt): void {
  if ('crit' in jwt.header)
    reject(
      'CRIT_UNSUPPORTED',
      `header crit ${JSON.stringify(jwt.header.crit)} names extensions this verifier does not implement`,
      'crit',
    );
}

/** `exp − iat` within `max` seconds (credential-format §7), else `code`. */
export function requireLifetime(
  times: { iat: number; exp: number },
  max: number,
  code: 'L1_LIFETIME_EXCEEDED' | 'L2_LIFETIME_EXCEEDED' | 'L3_LIFETIME_EXCEEDED',
  what: string,
): void {
  if (times.exp - times.iat > max)
    reject(code, `${what} lifetime ${times.exp - times.iat}s exceeds the maximum ${max}s`, 'exp');
}

export function requireTyp(jwt: ParsedJwt, allowed: readonly string[]): void {
  const typ = jwt.header.typ;
  if (typeof typ !== 'string' || !allowed.includes(typ)) {
    reject(
      'TYP_MISMATCH',
      `header typ must be ${allowed.map((t) => `'${t}'`).join(' or ')}, got ${JSON.stringify(typ)}`,
      'typ',
      {
        expected: allowed.length === 1 ? allowed[0] : [...allowed],
        actual: typeof typ === 'string' ? typ.slice(0, 64) : typeof typ,
      },
    );
  }
}

/** Through the verification's {@link SignatureCheck}: with VerifyOptions.signatureCache, exactly these bytes verified before under this key count as verified. */
export function requireSignature(
  jwt: ParsedJwt,
  key: PublicKeyHandle,
  code:
    | 'L1_SIGNATURE_INVALID'
    | 'L2_SIGNATURE_INVALID'
    | 'L3_SIGNATURE_INVALID'
    | 'CHECKOUT_JWT_SIGNATURE_INVALID',
  check: SignatureCheck,
  hasCache: boolean,
): void {
  // The digest is only worth computing when the cache is asked (an L2's id reuses it).
  const digest = hasCache ? signingInputDigest(jwt) : undefined;
  if (!check.verify(jwt.signingInput, jwt.signature, key, digest))
    reject(code, 'ES256 signature does not verify');
}

export function isTimestamp(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * `exp` in the past (beyond skew) or `iat` in the future (beyond skew) rejects;
 * both must be integer Unix seconds (no strings, no floats).
 */
export function requireTimes(
  payload: Record<string, unknown>,
  at: number,
  skew: number,
  missingCode: 'L1_CLAIM_MISSING' | 'L2_CLAIM_MISSING' | 'L3_CLAIM_MISSING',
): { iat: number; exp: number } {
  const { iat, exp } = payload;
  for (const [name, v] of [
    ['iat', iat],
    ['exp', exp],
  ] as const) {
    if (v === undefined) reject(missingCode, `${name} is required`, name);
    if (!isTimestamp(v)) reject('TIME_CLAIM_INVALID', `${name} must be integer Unix seconds`, name);
  }
  const i = iat as number;
  const e = exp as number;
  if (e + skew < at) reject('EXPIRED', `expired at ${e}`, 'exp');
  if (i - skew > at) reject('IAT_IN_FUTURE', `iat ${i} is in the future`, 'iat');
  if (e < i) reject('TIME_CLAIM_INVALID', 'exp is before iat', 'exp');
  requireNotBefore(payload.nbf, at, skew);
  return { iat: i, exp: e };
}

/**
 * RFC 7519 §4.1.5: an `nbf`, where present, is integer seconds, and a JWT is not
 * accepted before it (beyond skew), so a mandate that starts tomorrow is not spendable today.
 */
export function requireNotBefore(nbf: unknown, at: number, skew: number, what = ''): void {
  if (nbf === undefined) return;
  if (!isTimestamp(nbf))
    reject('TIME_CLAIM_INVALID', `${what}nbf must be integer Unix seconds`, 'nbf');
  if (nbf - skew > at) reject('NOT_YET_VALID', `${what}not valid before ${nbf}`, 'nbf');
}

/** A URI string (credential-format §3.3, §4.3): scheme, colon, no whitespace. */
export const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/;

/** `iss`, where a layer carries one, is a URI string; `required` for L1. */
export function requireIssuerUri(
  payload: Record<string, unknown>,
  required: boolean,
  missing: 'L1_CLAIM_MISSING' | 'L2_CLAIM_MISSING' | 'L3_CLAIM_MISSING',
): void {
  const iss = payload.iss;
  if (iss === undefined) {
    if (required) reject(missing, 'iss is required', 'iss');
    return;
  }
  if (typeof iss !== 'string' || !URI.test(iss))
    reject('CLAIM_MALFORMED', 'iss must be a URI string', 'iss');
}

/**
 * `aud` is one string (credential-format §4.3, §5.3). An array would let one
 * L3a name two networks and be spent at each.
 */
export function requireAudience(
  payload: Record<string, unknown>,
  missing: 'L1_CLAIM_MISSING' | 'L2_CLAIM_MISSING' | 'L3_CLAIM_MISSING',
  required = true,
): void {
  const aud = payload.aud;
  if (aud === undefined) {
    if (required) reject(missing, 'aud is required', 'aud');
    return;
  }
  if (typeof aud !== 'string' || aud.length === 0)
    reject('CLAIM_MALFORMED', 'aud must be a single non-empty string', 'aud');
}

/** `_sd_alg` is REQUIRED in L2 and L3 (credential-format §4.3, §5.3); its value is checked when disclosures resolve. */
export function requireSdAlgPresent(
  payload: Record<string, unknown>,
  missing: 'L2_CLAIM_MISSING' | 'L3_CLAIM_MISSING',
): void {
  if (payload[PROFILE.claim.sdAlg] === undefined)
    reject(missing, '_sd_alg is required', PROFILE.claim.sdAlg);
}

export function requireExpectation(
  payload: Record<string, unknown>,
  expected: Expectation | undefined,
): void {
  if (!expected) return;
  if (expected.aud !== undefined) {
    const aud = payload.aud;
    if (aud !== expected.aud)
      reject(
        'AUD_MISMATCH',
        `aud mismatch: expected '${expected.aud}', got ${JSON.stringify(aud)}`,
        'aud',
        {
          expected: expected.aud,
          actual: typeof aud === 'string' ? aud.slice(0, 256) : typeof aud,
        },
      );
  }
  if (expected.nonce !== undefined && payload.nonce !== expected.nonce) {
    reject(
      'NONCE_MISMATCH',
      `nonce mismatch: expected '${expected.nonce}', got ${JSON.stringify(payload.nonce)}`,
      'nonce',
    );
  }
}

export function requireString(
  payload: Record<string, unknown>,
  name: string,
  code: 'L1_CLAIM_MISSING' | 'L2_CLAIM_MISSING' | 'L3_CLAIM_MISSING',
): string {
  const v = payload[name];
  if (typeof v !== 'string' || v.length === 0)
    reject(code, `${name} must be a non-empty string`, name);
  return v;
}

/** What a key lookup came to: the trusted key (undefined when none has that kid), or why it failed. */
export type KeyLookup = { jwk: PublicJwk | undefined } | { error: unknown };

function settle(jwk: unknown, kid: string, cache: PublicKeyCache | undefined): KeyLookup {
  if (jwk === undefined) return { jwk: undefined };
  const problem = cache ? cache.problem(jwk) : publicJwkProblem(jwk);
  if (problem)
    return {
      error: new VIError({ code: 'KEY_INVALID', message: `trusted key '${kid}': ${problem}` }),
    };
  return { jwk: jwk as PublicJwk };
}

/**
 * Look a kid up in a resolver; never throws. Synchronous for a JWK Set, so the
 * hot path awaits only when the resolver itself is asynchronous (a JWKS fetcher).
 * With `cache`, a key already imported skips re-validation.
 */
export function lookupKey(
  resolver: KeyResolver,
  kid: string,
  cache?: PublicKeyCache,
): KeyLookup | Promise<KeyLookup> {
  if (typeof resolver !== 'function')
    return settle(
      resolver.keys.find((k) => k.kid === kid),
      kid,
      cache,
    );
  try {
    const found = resolver(kid);
    return found instanceof Promise
      ? found.then(
          (jwk) => settle(jwk, kid, cache),
          (error: unknown) => ({ error }),
        )
      : settle(found, kid, cache);
  } catch (error) {
    return { error };
  }
}

/**
 * The key a lookup found, inside the check that needs it: a failed lookup
 * fails that check. A resolver that threw or rejected counts as not knowing
 * the key (`unknown`); what it threw is not echoed.
 */
export function keyFrom(
  lookup: KeyLookup,
  kid: string,
  unknown: 'L1_ISSUER_KEY_UNKNOWN' | 'CHECKOUT_JWT_KEY_UNKNOWN',
): PublicJwk | undefined {
  if (!('error' in lookup)) return lookup.jwk;
  if (lookup.error instanceof VIError) throw lookup.error;
  throw new VIError({
    code: unknown,
    message: `the key resolver failed for kid '${kid}'`,
    claim: 'kid',
  });
}

export type { Layer };
