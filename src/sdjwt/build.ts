/**
 * Building SD-JWTs: signing JWS, making disclosures, serializing.
 *
 * Disclosures are encoded with @sd-jwt/utils; salts are 128 bits from
 * node:crypto (a 16-byte request to some salt generators yields 64 bits).
 * L1 is a plain RFC 9901 SD-JWT with top-level property disclosures.
 */
import { randomBytes } from 'node:crypto';
import { Disclosure } from '@sd-jwt/utils';
import { encodeBase64url } from './base64url.js';
import { sha256b64u } from './digest.js';
import { signEs256, type SigningKey } from './keys.js';

export interface BuiltDisclosure {
  encoded: string;
  digest: string;
  value: unknown;
}

/** 128-bit random salt, base64url. */
export function newSalt(): string {
  return randomBytes(16).toString('base64url');
}

/** Where disclosure salts come from: 128-bit random unless a caller reproduces fixed vectors. */
export type SaltSource = () => string;

/** An array-element disclosure `[salt, value]`. */
export function makeArrayDisclosure(value: unknown, salt: SaltSource = newSalt): BuiltDisclosure {
  const encoded = Disclosure.fromArray([salt(), value]).encode();
  return { encoded, digest: sha256b64u(encoded), value };
}

/** An object-property disclosure `[salt, name, value]`. */
export function makePropertyDisclosure(name: string, value: unknown, salt: SaltSource = newSalt): BuiltDisclosure {
  const encoded = Disclosure.fromArray([salt(), name, value]).encode();
  return { encoded, digest: sha256b64u(encoded), value };
}

/** Sign a compact ES256 JWS over JSON header and payload. */
export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: SigningKey): string {
  const signingInput = `${encodeBase64url(JSON.stringify(header))}.${encodeBase64url(JSON.stringify(payload))}`;
  return `${signingInput}.${signEs256(signingInput, key.privateKey).toString('base64url')}`;
}

/** `<jwt>~<d1>~...~` */
export function serializeSdJwt(jwt: string, disclosures: readonly string[]): string {
  return `${jwt}~${disclosures.map((d) => `${d}~`).join('')}`;
}

/**
 * Issue a standard SD-JWT whose `sdClaims` become top-level object-property
 * disclosures: the payload keeps its member order, `_sd` (digests in claim
 * order) and `_sd_alg` follow, as the reference implementations write them.
 * Header members keep the caller's order (`alg, typ, kid`).
 */
export function issueStandardSdJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  sdClaims: readonly string[],
  key: SigningKey,
  salt: SaltSource = newSalt,
): string {
  const body: Record<string, unknown> = {};
  const disclosures: BuiltDisclosure[] = [];
  for (const [name, value] of Object.entries(payload)) {
    if (sdClaims.includes(name)) disclosures.push(makePropertyDisclosure(name, value, salt));
    else if (name !== '_sd') body[name] = value;
  }
  body._sd = [...(Array.isArray(payload._sd) ? (payload._sd as string[]) : []), ...disclosures.map((d) => d.digest)];
  body._sd_alg = 'sha-256';
  return serializeSdJwt(signJwt(header, body, key), disclosures.map((d) => d.encoded));
}
