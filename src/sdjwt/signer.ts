/**
 * Who signs: every signature vintent makes goes through a {@link Signer}.
 *
 * - A {@link SigningKey} (a Node key in this process) signs synchronously on
 *   node:crypto: the fast path, no async hop.
 * - Any other signer is a `kid`, its public JWK and `sign(signingInput)`
 *   returning the raw ES256 signature (`r‖s`, 64 bytes), or a promise of it:
 *   a WebCrypto `CryptoKey` ({@link webCryptoSigner}), an HSM, a cloud KMS
 *   (whose DER signatures {@link derToRawEs256} converts).
 *
 * Issuers are written once, as generators that yield what they need signed
 * ({@link Sealing}); {@link runSealing} drives one with a synchronous signer
 * and {@link runSealingAsync} with any. So the sync issuers (`issueL3Pair`)
 * take a {@link SyncSigner} and their `…Async` twins take any {@link Signer}:
 * a reader sees from the name which may wait.
 *
 * The first signature of each signer object is verified against its public
 * JWK (once: later ones are not), so a signer with the wrong key or one that
 * returns DER fails at issuance with KEY_INVALID, not at every verifier.
 */
// Types only: erased at runtime, so this module runs wherever WebCrypto does.
import type { webcrypto } from 'node:crypto';
import { VIError } from '../errors.js';
import { encodeBase64url } from './base64url.js';
import { base64urlOfText, type SaltSource, standardSdJwtSealing } from './build.js';
import {
  isConsistentSigner,
  jwkThumbprint,
  markConsistentSigner,
  type PublicJwk,
  type SigningKey,
  sharedKeyCache,
  signEs256,
} from './keys.js';
import { PLATFORM, verifyEs256Async, verifyEs256Now } from './platform.js';
import type { Sealing, SignRequest } from './sealing.js';

/** A signer outside this process's key store: the raw ES256 signature (`r‖s`, 64 bytes) of the ASCII signing input. */
export interface RemoteSigner {
  readonly kid: string;
  readonly publicJwk: PublicJwk;
  sign(signingInput: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** A {@link RemoteSigner} that answers at once (no promise). */
export interface SyncRemoteSigner extends RemoteSigner {
  sign(signingInput: Uint8Array): Uint8Array;
}

/** Anything that signs: a local key, or a signer that may wait (HSM, KMS, WebCrypto). */
export type Signer = SigningKey | RemoteSigner;
/** A signer that never waits: what the synchronous issuers take. */
export type SyncSigner = SigningKey | SyncRemoteSigner;

export { type Sealing, type SignRequest, seal } from './sealing.js';

/** A local key has a private key and no sign function of its own. */
function isLocalKey(s: Signer): s is SigningKey {
  return (
    typeof (s as RemoteSigner).sign !== 'function' &&
    typeof (s as SigningKey).privateKey === 'object' &&
    (s as SigningKey).privateKey !== null
  );
}

function asBytes(signingInput: string): Uint8Array {
  return new TextEncoder().encode(signingInput);
}

/** The signature bytes, or KEY_INVALID when the signer returned none or not 64 of them. */
function signatureBytes(signature: unknown): Uint8Array {
  if (!(signature instanceof Uint8Array)) {
    throw new VIError({
      code: 'KEY_INVALID',
      layer: 'issue',
      message: 'the signer returned no signature bytes',
      claim: 'kid',
    });
  }
  if (signature.length !== 64) {
    const hint = signature[0] === 0x30 ? ' (it looks like DER: convert it with derToRawEs256)' : '';
    throw new VIError({
      code: 'KEY_INVALID',
      layer: 'issue',
      message: `the signer returned ${signature.length} bytes, not a raw 64-byte ES256 signature${hint}`,
      claim: 'kid',
      expected: 64,
      actual: signature.length,
    });
  }
  return signature;
}

function inconsistent(signer: Signer): VIError {
  return new VIError({
    code: 'KEY_INVALID',
    layer: 'issue',
    message: `the signature of signer ${signer.kid} does not verify under its publicJwk: it signs with another key`,
    claim: 'kid',
  });
}

/** Whether the signature verifies under the signer's public JWK now, or undefined where only WebCrypto can tell. */
function verifiesNow(signer: Signer, signingInput: string, bytes: Uint8Array): boolean | undefined {
  try {
    return verifyEs256Now(signingInput, bytes, sharedKeyCache.import(signer.publicJwk));
  } catch {
    return false;
  }
}

/** The signature as base64url, after the once-per-signer consistency check (synchronous issuers). */
function accepted(signer: Signer, signingInput: string, signature: unknown): string {
  const bytes = signatureBytes(signature);
  if (!isConsistentSigner(signer)) {
    const ok = verifiesNow(signer, signingInput, bytes);
    if (ok === undefined) {
      throw new VIError({
        code: 'RUNTIME_UNSUPPORTED',
        layer: 'issue',
        message: `a signer's first signature is checked with WebCrypto on ${PLATFORM} runtimes: use the …Async issuer`,
        claim: 'kid',
      });
    }
    if (!ok) throw inconsistent(signer);
    markConsistentSigner(signer);
  }
  return encodeBase64url(bytes);
}

/** {@link accepted} for the …Async issuers: the first signature is checked through WebCrypto where node:crypto is not there. */
async function acceptedAsync(
  signer: Signer,
  signingInput: string,
  signature: unknown,
): Promise<string> {
  const bytes = signatureBytes(signature);
  if (!isConsistentSigner(signer)) {
    let ok = verifiesNow(signer, signingInput, bytes);
    if (ok === undefined) {
      try {
        ok = await verifyEs256Async(signingInput, bytes, sharedKeyCache.import(signer.publicJwk));
      } catch {
        ok = false;
      }
    }
    if (!ok) throw inconsistent(signer);
    markConsistentSigner(signer);
  }
  return encodeBase64url(bytes);
}

function signingInputOf(r: SignRequest): string {
  return `${r.encodedHeader}.${base64urlOfText(JSON.stringify(r.payload))}`;
}

/** Sign one request synchronously: node:crypto for a local key, else the signer's own (sync) sign. */
export function signNow(signer: SyncSigner, request: SignRequest): string {
  const signingInput = signingInputOf(request);
  if (isLocalKey(signer)) {
    const signature = signEs256(signingInput, signer.privateKey);
    return `${signingInput}.${isConsistentSigner(signer) ? encodeBase64url(signature) : accepted(signer, signingInput, signature)}`;
  }
  const signature = signer.sign(asBytes(signingInput));
  if (signature instanceof Promise) {
    throw new VIError({
      code: 'ARGUMENT_INVALID',
      layer: 'issue',
      message: 'this signer answers with a promise: use the …Async issuer',
      claim: 'kid',
    });
  }
  return `${signingInput}.${accepted(signer, signingInput, signature)}`;
}

/** Drive an issuer with a signer that never waits. */
export function runSealing<T>(sealing: Sealing<T>, signer: SyncSigner): T {
  let step = sealing.next();
  while (!step.done) step = sealing.next(signNow(signer, step.value));
  return step.value;
}

/** Drive an issuer with any signer: one await per signature the issuer asks for, none for a local key. */
export async function runSealingAsync<T>(sealing: Sealing<T>, signer: Signer): Promise<T> {
  let step = sealing.next();
  while (!step.done) {
    const request = step.value;
    let jwt: string;
    if (isLocalKey(signer)) jwt = signNow(signer, request);
    else {
      const signingInput = signingInputOf(request);
      jwt = `${signingInput}.${await acceptedAsync(signer, signingInput, await signer.sign(asBytes(signingInput)))}`;
    }
    step = sealing.next(jwt);
  }
  return step.value;
}

/**
 * A signer over a WebCrypto ECDSA P-256 private key, extractable or not
 * (a wallet's device-bound key). WebCrypto already answers in `r‖s`.
 *
 * @example
 * const { privateKey, publicKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
 * const user = await webCryptoSigner(privateKey, await crypto.subtle.exportKey('jwk', publicKey), 'user-key-1');
 * const l2 = await issueL2AutonomousAsync({ userKey: user, l1, aud, pairs });
 */
export async function webCryptoSigner(
  privateKey: webcrypto.CryptoKey,
  publicJwk: webcrypto.JsonWebKey,
  kid: string,
): Promise<RemoteSigner> {
  const { kty, crv, x, y } = publicJwk;
  if (kty !== 'EC' || crv !== 'P-256' || typeof x !== 'string' || typeof y !== 'string') {
    throw new VIError({
      code: 'KEY_INVALID',
      layer: 'issue',
      message: 'webCryptoSigner needs a P-256 public JWK',
      claim: 'jwk',
    });
  }
  const subtle = globalThis.crypto.subtle;
  return {
    kid,
    publicJwk: { kty, crv, x, y, kid },
    async sign(signingInput) {
      return new Uint8Array(
        await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, signingInput),
      );
    },
  };
}

/** A {@link RemoteSigner} over a WebCrypto key pair made here, with the private key to store (IndexedDB keeps a CryptoKey as it is). */
export interface WebCryptoSigner extends RemoteSigner {
  readonly cryptoKey: webcrypto.CryptoKey;
}

/**
 * Generate a P-256 key pair with WebCrypto, non-extractable by default (the
 * private key never leaves the runtime's key store), and a signer over it.
 * The kid defaults to the key's RFC 7638 thumbprint. Runs on every runtime.
 *
 * @example
 * const wallet = await generateWebCryptoSigner();          // extractable: false
 * const l2 = await issueL2AutonomousAsync({ userKey: wallet, l1, aud, pairs });
 */
export async function generateWebCryptoSigner(
  kid?: string,
  options: { extractable?: boolean } = {},
): Promise<WebCryptoSigner> {
  const subtle = globalThis.crypto.subtle;
  const pair = (await subtle.generateKey(
    { name: 'ECDSA', namedCurve: 'P-256' },
    options.extractable ?? false,
    ['sign', 'verify'],
  )) as webcrypto.CryptoKeyPair;
  const publicJwk = await subtle.exportKey('jwk', pair.publicKey);
  const { kty, crv, x, y } = publicJwk;
  const finalKid =
    kid ?? jwkThumbprint({ kty: 'EC', crv: 'P-256', x: String(x), y: String(y) } as PublicJwk);
  const signer = await webCryptoSigner(pair.privateKey, { kty, crv, x, y }, finalKid);
  return { ...signer, cryptoKey: pair.privateKey };
}

/**
 * A DER ECDSA signature (`SEQUENCE { INTEGER r, INTEGER s }`, what cloud KMSs
 * and most HSM APIs return) as the raw 64-byte `r‖s` JWS needs (RFC 7518 §3.4).
 * Throws KEY_INVALID for anything that is not one P-256 signature.
 *
 * @example
 * const signer = { kid, publicJwk, sign: async (input) => derToRawEs256(await kms.sign(sha256(input))) };
 */
export function derToRawEs256(der: Uint8Array): Uint8Array {
  const bad = (why: string) =>
    new VIError({
      code: 'KEY_INVALID',
      layer: 'issue',
      message: `not a DER ECDSA P-256 signature: ${why}`,
    });
  let i = 0;
  if (der[i++] !== 0x30) throw bad('no SEQUENCE');
  let length = der[i++]!;
  if (length === 0x81) length = der[i++]!;
  else if (length > 0x80) throw bad('SEQUENCE too long');
  if (i + length !== der.length) throw bad('SEQUENCE length does not match');
  const out = new Uint8Array(64);
  for (const at of [0, 32]) {
    if (der[i++] !== 0x02) throw bad('no INTEGER');
    let n = der[i++]!;
    if (n > 33 || n < 1 || i + n > der.length) throw bad('INTEGER length');
    // Strip the sign byte DER adds when the high bit is set; left-pad to 32 bytes.
    while (n > 32) {
      if (der[i] !== 0) throw bad('INTEGER too large');
      i++;
      n--;
    }
    out.set(der.subarray(i, i + n), at + 32 - n);
    i += n;
  }
  if (i !== der.length) throw bad('trailing bytes');
  return out;
}

/** A plain RFC 9901 SD-JWT with `sdClaims` selectively disclosable, signed now (see {@link standardSdJwtSealing}). */
export function issueStandardSdJwt(
  header: Record<string, unknown> | string,
  payload: Record<string, unknown>,
  sdClaims: readonly string[],
  key: SyncSigner,
  salt?: SaltSource,
): string {
  return runSealing(standardSdJwtSealing(header, payload, sdClaims, salt), key);
}
