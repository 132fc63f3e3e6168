/**
 * Helpers for hostile credentials: re-sign a JWS with any algorithm, key or
 * encoding, and look at results by code and layer (never by message).
 */
import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { expect } from 'vitest';
import { type ErrorCode, isErrorCode, type Layer } from '../../src/errors.js';
import type { SigningKey } from '../../src/sdjwt/keys.js';
import type { VerificationResult } from '../../src/verify/types.js';

export type Obj = Record<string, unknown>;

export const b64u = (data: string | Buffer): string => Buffer.from(data).toString('base64url');
export const unb64uJson = (s: string): Obj =>
  JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Obj;

/** Signature bytes over a signing input. */
export type Signer = (signingInput: string) => Buffer;

export const es256Raw =
  (key: KeyObject): Signer =>
  (input) =>
    sign('sha256', Buffer.from(input, 'ascii'), { key, dsaEncoding: 'ieee-p1363' });
export const es256Der =
  (key: KeyObject): Signer =>
  (input) =>
    sign('sha256', Buffer.from(input, 'ascii'), { key, dsaEncoding: 'der' });
export const hs256 =
  (secret: string | Buffer): Signer =>
  (input) =>
    createHmac('sha256', secret).update(input, 'ascii').digest();
export const unsigned: Signer = () => Buffer.alloc(0);

/**
 * Replace the issuer-signed JWT of `<jwt>~<d>~...~` by one over the same
 * payload (optionally edited, or as raw text) with `header` and `signer`.
 */
export function resignSdJwt(
  serialized: string,
  header: Obj,
  signer: Signer,
  payload?: (p: Obj) => Obj | string,
): string {
  const [jwt, ...rest] = serialized.split('~');
  const p = unb64uJson(jwt!.split('.')[1]!);
  const edited = payload ? payload(p) : p;
  const input = `${b64u(JSON.stringify(header))}.${b64u(typeof edited === 'string' ? edited : JSON.stringify(edited))}`;
  return [`${input}.${b64u(signer(input))}`, ...rest].join('~');
}

export function headerOf(serialized: string): Obj {
  return unb64uJson(serialized.split('~')[0]!.split('.')[0]!);
}

/** A SigningKey on another curve (P-384), shaped like a P-256 one so fixtures accept it. */
export function p384Key(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const jwk = publicKey.export({ format: 'jwk' }) as Obj;
  return { privateKey, publicJwk: { ...jwk, kid } as never, kid };
}

/** The codes of a result, with every code checked to be a known ErrorCode. */
export function codes(r: VerificationResult): ErrorCode[] {
  for (const e of r.errors) expect(isErrorCode(e.code)).toBe(true);
  return r.errors.map((e) => e.code);
}

/** Invalid, with `code` reported on `layer`. */
export function expectRefused(r: VerificationResult, code: ErrorCode, layer?: Layer): void {
  expect(r.valid).toBe(false);
  const hits = r.errors.filter(
    (e) => e.code === code && (layer === undefined || e.layer === layer),
  );
  expect(
    hits.length,
    `expected ${code}${layer ? ` on ${layer}` : ''}, got ${JSON.stringify(r.errors.map((e) => [e.code, e.layer]))}`,
  ).toBeGreaterThan(0);
  expect(codes(r)).not.toContain('INTERNAL');
}
