/**
 * Input checks and small helpers shared by the issuers. Issuers refuse to build
 * what a conformant verifier would reject, so problems surface at the author.
 */
import { invalidInput, VIError } from '../errors.js';
import { isRecord } from '../internal/guards.js';
import { type COMMON, PROFILE, type WireProfile } from '../profiles/profile.js';
import { encodeEs256Header, random128 } from '../sdjwt/build.js';
import { type PublicJwk, publicJwkProblem } from '../sdjwt/keys.js';

export type Json = Record<string, unknown>;

/** A merchant or payee as VI carries it: `id` optional, `name` and `website` required. */
export interface PartyInput {
  id?: string;
  name: string;
  website: string;
}

/** Payment instrument descriptor (credential-format §4.4.2). */
export interface PaymentInstrument {
  type: string;
  id: string;
  description?: string;
}

/**
 * `{"...": digest}`, an array-element reference (RFC 9901 §4.2.4.2). The
 * member name is written as a literal, so V8 builds the object from one
 * template instead of defining a computed key at run time; the return type
 * is keyed by `COMMON.claim.arrayRef`, so the two cannot drift apart.
 */
export function arrayRef(digest: string): { [K in typeof COMMON.claim.arrayRef]: string } {
  return { '...': digest };
}

/** 128-bit random nonce, base64url. */
export function newNonce(): string {
  return random128();
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export { isRecord };

export function requireString(v: unknown, claim: string): string {
  if (typeof v !== 'string' || v.length === 0)
    throw invalidInput(`${claim} must be a non-empty string`, claim);
  return v;
}

/**
 * The inputs every L2 issuer reads alike: `aud`, `nonce` (random unless
 * given), an optional `iss`, and at least one mandate pair.
 */
export function l2Basics(input: { aud: unknown; nonce?: unknown; iss?: unknown; pairs: unknown }): {
  aud: string;
  nonce: string;
} {
  const aud = requireString(input.aud, 'aud');
  const nonce = input.nonce === undefined ? newNonce() : requireString(input.nonce, 'nonce');
  if (input.iss !== undefined) requireString(input.iss, 'iss');
  if (!Array.isArray(input.pairs) || input.pairs.length === 0)
    throw invalidInput('an L2 needs at least one mandate pair', PROFILE.claim.delegatePayload);
  return { aud, nonce };
}

/** L2 JWS header, encoded: the L1 `cnf` key's `kid` where the profile writes one (April CF §4.2, optional). */
export function l2Header(profile: WireProfile, typ: string, kid: string | undefined): string {
  return encodeEs256Header(typ, profile.l2HeaderKid ? kid : undefined);
}

/** `iat` given or now; it must be a non-negative integer. */
export function issuedAt(iat: number | undefined): number {
  const t = iat ?? nowSeconds();
  if (!Number.isSafeInteger(t) || t < 0)
    throw invalidInput('iat must be a non-negative integer (Unix seconds)', 'iat');
  return t;
}

/** A lifetime in whole seconds, positive, at most `max` when given. */
export function lifetime(seconds: number, max?: number): number {
  if (!Number.isSafeInteger(seconds) || seconds <= 0)
    throw invalidInput('lifetimeSeconds must be a positive integer', 'exp');
  if (max !== undefined && seconds > max) {
    throw new VIError({
      code: 'LIFETIME_EXCEEDED',
      layer: 'issue',
      message: `lifetime ${seconds}s exceeds the maximum ${max}s`,
      claim: 'exp',
    });
  }
  return seconds;
}

/** Normalize a party, keeping only the wire members in wire order (`id`, `name`, `website`). */
export function party(p: unknown, claim: string): PartyInput {
  if (!isRecord(p)) throw invalidInput(`${claim} must be an object`, claim);
  const { id, name, website } = p;
  if (id !== undefined && (typeof id !== 'string' || id === ''))
    throw invalidInput(`${claim}.id must be a non-empty string`, claim);
  // Sub-claim names are built only for the error (requireString's checks, spelled out).
  if (typeof name !== 'string' || name === '')
    throw invalidInput(`${claim}.name must be a non-empty string`, `${claim}.name`);
  if (typeof website !== 'string' || website === '')
    throw invalidInput(`${claim}.website must be a non-empty string`, `${claim}.website`);
  return id !== undefined ? { id, name, website } : { name, website };
}

export function paymentInstrument(p: unknown): PaymentInstrument {
  const claim = 'payment_instrument';
  if (!isRecord(p)) throw invalidInput(`${claim} must be an object`, claim);
  const type = requireString(p.type, 'payment_instrument.type');
  const id = requireString(p.id, 'payment_instrument.id');
  const description = p.description;
  if (description !== undefined && typeof description !== 'string')
    throw invalidInput(`${claim}.description must be a string`, claim);
  return description !== undefined ? { type, id, description } : { type, id };
}

/**
 * x → y of the public keys {@link publicKey} accepted: whether the
 * coordinates decode to a P-256 key depends on these two strings alone, so
 * an issuer handed the same user or agent key again skips decoding them.
 * kty, crv and the absence of `d` are checked on every call. Bounded: cleared when full.
 */
const acceptedCoordinates = new Map<string, string>();
const ACCEPTED_COORDINATES_MAX = 1024;

export function publicKey(jwk: unknown, claim: string): PublicJwk {
  if (
    isRecord(jwk) &&
    jwk.kty === 'EC' &&
    jwk.crv === 'P-256' &&
    !('d' in jwk) &&
    typeof jwk.x === 'string'
  ) {
    const y = acceptedCoordinates.get(jwk.x);
    if (y !== undefined && y === jwk.y) return jwk as PublicJwk;
  }
  const problem = publicJwkProblem(jwk);
  if (problem)
    throw new VIError({
      code: 'KEY_INVALID',
      layer: 'issue',
      message: `${claim}: ${problem}`,
      claim,
    });
  const key = jwk as PublicJwk;
  if (acceptedCoordinates.size >= ACCEPTED_COORDINATES_MAX) acceptedCoordinates.clear();
  acceptedCoordinates.set(key.x, key.y);
  return key;
}
