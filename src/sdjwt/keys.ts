/**
 * ES256 keys on node:crypto. Public keys are imported once and cached by JWK
 * thumbprint (RFC 7638) in a bounded LRU: importing a P-256 JWK costs about as
 * much as a signature check, and the same issuer, user and agent keys recur.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { VIError } from '../errors.js';
import { PRIVATE_JWK_MEMBERS } from '../internal/guards.js';
import { decodeBase64url } from './base64url.js';
import { sha256b64u } from './digest.js';

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
const importedThumbprints = new WeakMap<KeyObject, string>();

/** The RFC 7638 thumbprint of a public key imported by a {@link PublicKeyCache}; undefined for any other KeyObject. */
export function importedKeyThumbprint(key: KeyObject): string | undefined {
  return importedThumbprints.get(key);
}

interface CachedKey {
  key: KeyObject;
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
  import(jwk: unknown): KeyObject {
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
    let key: KeyObject;
    try {
      key = createPublicKey({
        key: { kty: 'EC', crv: 'P-256', x: pub.x, y: pub.y },
        format: 'jwk',
      });
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

/**
 * The bytes of a JWS signing input (ASCII: base64url segments and a dot).
 * Written into one reused buffer rather than a new one per signature: about
 * 0.2 µs instead of 1.2 µs for a 1.5 KB input. Safe because node:crypto's
 * one-shot sign and verify read it synchronously, before anything can write
 * here again; longer inputs get a buffer of their own.
 */
const signingScratch = Buffer.allocUnsafe(16 * 1024);

function signingBytes(signingInput: string): Buffer {
  if (signingInput.length > signingScratch.length) return Buffer.from(signingInput, 'latin1');
  return signingScratch.subarray(0, signingScratch.write(signingInput, 0, 'latin1'));
}

/** Verify a raw (r||s, 64-byte) ES256 signature. DER or any other length is refused. */
export function verifyEs256(signingInput: string, signature: Buffer, key: KeyObject): boolean {
  if (signature.length !== 64) return false;
  try {
    return verify(
      'sha256',
      signingBytes(signingInput),
      { key, dsaEncoding: 'ieee-p1363' },
      signature,
    );
  } catch {
    return false;
  }
}

export function signEs256(signingInput: string, key: KeyObject): Buffer {
  return sign('sha256', signingBytes(signingInput), { key, dsaEncoding: 'ieee-p1363' });
}

/** The public P-256 JWK of an exported or generated key; KEY_INVALID for any other curve. */
function p256PublicJwk(jwk: JsonWebKey, kid: string): PublicJwk {
  if (
    jwk.crv !== 'P-256' ||
    typeof jwk.x !== 'string' ||
    typeof jwk.y !== 'string' ||
    !jwk.x ||
    !jwk.y
  ) {
    throw new VIError({ code: 'KEY_INVALID', message: 'signing key must be an EC P-256 key' });
  }
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid };
}

function publicJwkOf(privateKey: KeyObject, kid: string): PublicJwk {
  return p256PublicJwk(createPublicKey(privateKey).export({ format: 'jwk' }), kid);
}

type JwkPair = { privateKey: JsonWebKey; publicKey: JsonWebKey };

/** `generateKeyPairSync` with JWK encodings (Node ≥ 16; this @types/node version types only PEM and DER there). */
const generateJwkPair = (): JwkPair =>
  (generateKeyPairSync as unknown as (type: 'ec', options: object) => JwkPair)('ec', {
    namedCurve: 'P-256',
    publicKeyEncoding: { format: 'jwk' },
    privateKeyEncoding: { format: 'jwk' },
  });

/** Generate a fresh ES256 key. The kid defaults to the key's JWK thumbprint.
 *
 * @example
 * const issuer = generateSigningKey('issuer-2026');
 * const jwks = { keys: [issuer.publicJwk] };   // what verifiers trust
 */
export function generateSigningKey(kid?: string): SigningKey {
  // Encoded as JWKs inside the generation job, and the private one imported again: exporting the
  // job's own KeyObject deadlocks Node 20 now and then (a GC during the export finalizes the job,
  // whose destructor takes the key's lock, which the export holds; docs/performance.md, "Fourth
  // round"). PKCS#8 DER would do too, at 1.5 ms per key against 0.34 ms.
  const { privateKey: jwk, publicKey } = generateJwkPair();
  const provisional = p256PublicJwk(publicKey, '');
  const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
  const finalKid = kid ?? jwkThumbprint(provisional);
  return consistentKey({ privateKey, publicJwk: { ...provisional, kid: finalKid }, kid: finalKid });
}

/** Load a signing key from a private JWK (with `d`).
 *
 * @example
 * const key = signingKeyFromJwk(JSON.parse(readFileSync('secrets/issuer.jwk.json', 'utf8')));
 */
export function signingKeyFromJwk(jwk: Record<string, unknown>, kid?: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: jwk as never, format: 'jwk' });
  } catch {
    throw new VIError({ code: 'KEY_INVALID', message: 'not a usable private EC JWK' });
  }
  const provisional = publicJwkOf(privateKey, '');
  const finalKid = kid ?? (typeof jwk.kid === 'string' ? jwk.kid : jwkThumbprint(provisional));
  return consistentKey({ privateKey, publicJwk: { ...provisional, kid: finalKid }, kid: finalKid });
}

/** Export a signing key as a private JWK (for key files written with owner-only permissions). */
export function exportPrivateJwk(key: SigningKey): Record<string, unknown> {
  const jwk = key.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return { ...jwk, kid: key.kid };
}

/** The public JWK without kid, as VI puts it in `cnf.jwk`. */
export function bareJwk(jwk: PublicJwk): PublicJwk {
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}
