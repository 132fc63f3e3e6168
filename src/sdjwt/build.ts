/**
 * Building SD-JWTs: signing JWS, making disclosures, serializing.
 *
 * Disclosures are encoded with @sd-jwt/utils; salts are 128 bits from
 * node:crypto (a 16-byte request to some salt generators yields 64 bits).
 * L1 is a plain RFC 9901 SD-JWT and is issued through @sd-jwt/core.
 */
import { randomBytes } from 'node:crypto';
import { SDJwtInstance } from '@sd-jwt/core';
import { Disclosure } from '@sd-jwt/utils';
import { encodeBase64url } from './base64url.js';
import { sha256b64u } from './digest.js';
import { signEs256, type SigningKey } from './keys.js';
import { createHash } from 'node:crypto';

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

/** Issue a standard SD-JWT through @sd-jwt/core: `sdClaims` become top-level `_sd` disclosures. */
export async function issueStandardSdJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  sdClaims: readonly string[],
  key: SigningKey,
  salt: SaltSource = newSalt,
): Promise<string> {
  const instance = new SDJwtInstance({
    signer: (data: string) => signEs256(data, key.privateKey).toString('base64url'),
    signAlg: 'ES256',
    hasher: (data: string | ArrayBuffer) =>
      new Uint8Array(createHash('sha256').update(typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data)).digest()),
    hashAlg: 'sha-256',
    saltGenerator: () => salt(),
  });
  const frame = { _sd: sdClaims.filter((c) => c in payload) } as never;
  return instance.issue(payload as never, frame, { header });
}
