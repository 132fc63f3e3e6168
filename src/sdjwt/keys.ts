/**
 * ES256 keys, through the crypto seam (platform.ts). Public keys are imported
 * once and cached by JWK thumbprint (RFC 7638) in a bounded LRU: importing a
 * P-256 JWK costs about as much as a signature check, and the same issuer,
 * user and agent keys recur.
 */
// Types only (erased): on Node a local private key is a KeyObject.
import type { KeyObject } from 'node:crypto';
import { VIError } from '../errors.js';
import { PRIVATE_JWK_MEMBERS } from '../internal/guards.js';
import { decodeBase64url } from './base64url.js';
import { sha256b64u } from './digest.js';
import {
  exportPrivateJwk as exportPlatformPrivateJwk,
  generateP256,
  importP256,
  type P256Coordinates,
  PLATFORM,
  type PublicKeyHandle,
  privateKeyFromJwk,
  signEs256Now,
  verifyEs256Now,
} from './platform.js';

export type { PublicKeyHandle } from './platform.js';

/**
 * Which crypto seam this runtime loaded: `node` (node:crypto, synchronous
 * signatures, in-process keys) or `web` (WebCrypto: verification in one
 * batched async phase, signing through {@link webCryptoSigner}).
 */
export const CRYPTO_PLATFORM: 'node' | 'web' = PLATFORM;

/** A public EC P-256 JWK as it travels on the wire. */
export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid?: string;
  [extra: string]: unknown;
}

/** A private key with its public JWK (kid included). */
export interface SigningKey {
  privateKey: KeyObject;
  publicJwk: PublicJwk;
  kid: string;
}

export { PRIVATE_JWK_MEMBERS };

/** Signers known to sign under their publicJwk: keys made here (the JWK derived from the private key) and signers whose first signature verified. */
const consistentSigners = new WeakSet<object>();

/** Record that `signer` signs under its publicJwk (src/sdjwt/signer.ts checks a signer's first signature once). */
export function markConsistentSigner(signer: object): void {
  consistentSigners.add(signer);
}

/** Whether `signer` is known to sign under its publicJwk. */
export function isConsistentSigner(signer: object): boolean {
  return consistentSigners.has(signer);
}

function consistentKey(key: SigningKey): SigningKey {
  consistentSigners.add(key);
  return key;
}

/** True for a member name a private JWK uses (see {@link PRIVATE_JWK_MEMBERS}); cheap on the usual longer names. */
export function isPrivateJwkMember(name: string): boolean {
  return name.length <= 3 && PRIVATE_JWK_MEMBERS.has(name);
}

/** Why a JWK was refused, or undefined when it is an acceptable P-256 public key. */
export function publicJwkProblem(jwk: unknown): string | undefined {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return 'JWK is not an object';
  const k = jwk as Record<string, unknown>;
  if (k.kty !== 'EC') return `JWK kty must be EC, got ${String(k.kty)}`;
  if (k.crv !== 'P-256') return `JWK crv must be P-256, got ${String(k.crv)}`;
  if ('d' in k) return 'JWK carries a private part (d)';
  for (const c of ['x', 'y'] as const) {
    const v = k[c];
    if (typeof v !== 'string') return `JWK ${c} missing`;
    const bytes = decodeBase64url(v);
    if (bytes?.length !== 32) return `JWK ${c} is not a 32-byte base64url coordinate`;
  }
  return undefined;
}

/** RFC 7638 thumbprint of an EC public JWK (members in lexicographic order). */
export function jwkThumbprint(jwk: PublicJwk): string {
  return sha256b64u(`{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}","y":"${jwk.y}"}`);
}

const DEFAULT_CACHE_SIZE = 1024;

/** Thumbprints of the KeyObjects a {@link PublicKeyCache} imported: lets a signature cache name a key it is handed. */
const importedThumbprints = new WeakMap<PublicKeyHandle, string>();

/** The RFC 7638 thumbprint of a public key imported by a {@link PublicKeyCache}; undefined for any other KeyObject. */
export function importedKeyThumbprint(key: PublicKeyHandle): string | undefined {
  return importedThumbprints.get(key);
}

interface CachedKey {
  key: PublicKeyHandle;
  thumbprint: string;
  /** With the Map key x, the coordinates that identify the key. */
  y: string;
  /** Value of the cache's use counter when this entry was last moved to the back. */
  used: number;
}

/** The per-call part of {@link publicJwkProblem}: what a cached key's coordinates cannot vouch for. */
function headerProblem(jwk: Record<string, unknown>): boolean {
  return Array.isArray(jwk) || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || 'd' in jwk;
}

/**
 * Bounded LRU of imported public keys with their thumbprints. Map keeps
 * insertion order; a hit moves the entry to the back. Entries are keyed by
 * the coordinates (the members RFC 7638 hashes besides x and y are fixed for
 * P-256): a hit skips the base64url validation, the JWK import and the
 * thumbprint hash, all of which were done when the entry was made.
 */
export class PublicKeyCache {
  // Keyed by x with y checked on the entry: hashing one fresh 43-character
  // string per lookup instead of building and hashing an 87-character one.
  // (x, y) and (x, -y) are both points; the later import replaces the earlier.
  private readonly entries = new Map<string, CachedKey>();
  private uses = 0;
  constructor(readonly capacity = DEFAULT_CACHE_SIZE) {}

  get size(): number {
    return this.entries.size;
  }

  /** Like {@link publicJwkProblem}, cheap for a key already imported. */
  problem(jwk: unknown): string | undefined {
    return this.hit(jwk) ? undefined : publicJwkProblem(jwk);
  }

  /** Import (or fetch from cache) a validated public JWK. Throws VIError KEY_INVALID. */
  import(jwk: unknown): PublicKeyHandle {
    return this.entry(jwk).key;
  }

  /** RFC 7638 thumbprint of a public JWK, imported (and cached) on the way. Throws VIError KEY_INVALID. */
  thumbprint(jwk: unknown): string {
    return this.entry(jwk).thumbprint;
  }

  /** The cached entry for exactly this key, when the JWK's other members still qualify it. */
  private hit(jwk: unknown): CachedKey | undefined {
    if (typeof jwk !== 'object' || jwk === null) return undefined;
    const { x, y } = jwk as Record<string, unknown>;
    if (typeof x !== 'string') return undefined;
    const e = this.entries.get(x);
    return e !== undefined && e.y === y && !headerProblem(jwk as Record<string, unknown>)
      ? e
      : undefined;
  }

  private entry(jwk: unknown): CachedKey {
    const hit = this.hit(jwk);
    if (hit) {
      // Move to the back only when it has drifted into the older half: an entry
      // used within the last capacity/2 uses cannot be the oldest, and one
      // verification looks the same key up several times.
      if (this.uses - hit.used > this.capacity / 2) {
        const x = (jwk as PublicJwk).x;
        this.entries.delete(x);
        this.entries.set(x, hit);
        hit.used = ++this.uses;
      }
      return hit;
    }
    const problem = publicJwkProblem(jwk);
    if (problem) throw new VIError({ code: 'KEY_INVALID', message: problem });
    const pub = jwk as PublicJwk;
    let key: PublicKeyHandle;
    try {
      key = importP256(pub);
    } catch {
      throw new VIError({ code: 'KEY_INVALID', message: 'JWK is not a point on P-256' });
    }
    const entry: CachedKey = { key, thumbprint: jwkThumbprint(pub), y: pub.y, used: ++this.uses };
    importedThumbprints.set(key, entry.thumbprint);
    this.entries.delete(pub.x); // (x, -y) or a re-import: the new entry goes to the back
    this.entries.set(pub.x, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return entry;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The process-wide cache verifiers use unless given their own. */
export const sharedKeyCache = new PublicKeyCache();

/** Verify a raw (r||s, 64-byte) ES256 signature now. RUNTIME_UNSUPPORTED where only WebCrypto is: use {@link verifyEs256Async} there. */
export function verifyEs256(
  signingInput: string,
  signature: Uint8Array,
  key: PublicKeyHandle | KeyObject,
): boolean {
  // A KeyObject only exists on Node, where it is what a handle is.
  const ok = verifyEs256Now(signingInput, signature, key as PublicKeyHandle);
  if (ok === undefined) {
    throw new VIError({
      code: 'RUNTIME_UNSUPPORTED',
      message: `no synchronous ES256 verification on ${PLATFORM} runtimes: use verifyEs256Async`,
    });
  }
  return ok;
}

export { verifyEs256Async } from './platform.js';

/** Thrown where a local key is asked for on a platform without in-process private keys. */
function noLocalKeys(what: string): VIError {
  return new VIError({
    code: 'RUNTIME_UNSUPPORTED',
    layer: 'issue',
    message: `${what} needs node:crypto; on ${PLATFORM} runtimes sign with webCryptoSigner and the …Async issuers`,
  });
}

/** Sign with a local key (raw r||s). RUNTIME_UNSUPPORTED where there are no in-process keys (browsers, workers, Deno). */
export function signEs256(signingInput: string, key: KeyObject): Uint8Array {
  const signature = signEs256Now(signingInput, key);
  if (signature === undefined) throw noLocalKeys('a SigningKey');
  return signature;
}

/** The public P-256 JWK of an exported or generated key; KEY_INVALID for any other curve. */
function p256PublicJwk(jwk: P256Coordinates & { crv?: unknown }, kid: string): PublicJwk {
  if (jwk.crv !== 'P-256' || !jwk.x || !jwk.y) {
    throw new VIError({ code: 'KEY_INVALID', message: 'signing key must be an EC P-256 key' });
  }
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid };
}

/** Generate a fresh ES256 key. The kid defaults to the key's JWK thumbprint.
 *
 * @example
 * const issuer = generateSigningKey('issuer-2026');
 * const jwks = { keys: [issuer.publicJwk] };   // what verifiers trust
 */
export function generateSigningKey(kid?: string): SigningKey {
  const pair = generateP256();
  if (pair === undefined) throw noLocalKeys('generateSigningKey');
  const { privateKey } = pair;
  const provisional = p256PublicJwk({ ...pair.publicKey, crv: 'P-256' }, '');
  const finalKid = kid ?? jwkThumbprint(provisional);
  return consistentKey({ privateKey, publicJwk: { ...provisional, kid: finalKid }, kid: finalKid });
}

/** Load a signing key from a private JWK (with `d`).
 *
 * @example
 * const key = signingKeyFromJwk(JSON.parse(readFileSync('secrets/issuer.jwk.json', 'utf8')));
 */
export function signingKeyFromJwk(jwk: Record<string, unknown>, kid?: string): SigningKey {
  let imported: ReturnType<typeof privateKeyFromJwk>;
  try {
    imported = privateKeyFromJwk(jwk);
  } catch {
    throw new VIError({ code: 'KEY_INVALID', message: 'not a usable private EC JWK' });
  }
  if (imported === undefined) throw noLocalKeys('signingKeyFromJwk');
  const { privateKey } = imported;
  const provisional = p256PublicJwk({ ...imported.publicKey, crv: imported.crv }, '');
  const finalKid = kid ?? (typeof jwk.kid === 'string' ? jwk.kid : jwkThumbprint(provisional));
  return consistentKey({ privateKey, publicJwk: { ...provisional, kid: finalKid }, kid: finalKid });
}

/** Export a signing key as a private JWK (for key files written with owner-only permissions). */
export function exportPrivateJwk(key: SigningKey): Record<string, unknown> {
  const jwk = exportPlatformPrivateJwk(key.privateKey);
  return { ...jwk, kid: key.kid };
}

/** The public JWK without kid, as VI puts it in `cnf.jwk`. */
export function bareJwk(jwk: PublicJwk): PublicJwk {
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}
