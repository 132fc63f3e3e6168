/**
 * Verified-signature cache: a bounded LRU that remembers, for the exact bytes
 * of (key thumbprint, JWS signing input, signature), that the ES256 signature
 * verified. Nothing else is remembered: times, bindings, constraints and every
 * other check still run on every presentation. A network sees the same L1 (a
 * year) and L2 (up to 30 days) with every new L3 pair, so repeat presentations
 * skip two of their three signature checks.
 *
 * Entries are SHA-256 digests of an injective encoding of the three parts, not
 * the parts themselves: a changed byte anywhere gives another digest (a miss),
 * and the cache holds 43 characters per entry instead of retaining request
 * strings (a signing input is a slice of the request body it came in).
 * Failed verifications are never stored.
 */
import { encodeBase64url } from './base64url.js';
import { sha256b64u } from './digest.js';
import { type PublicKeyHandle, verifyEs256 } from './keys.js';

/** Default number of remembered signatures: ≈ 1 MB of keys and Map overhead. */
export const DEFAULT_SIGNATURE_CACHE_SIZE = 8192;

/** Counters a service can expose; reset with {@link VerifiedSignatureCache.clear}. */
export interface SignatureCacheStats {
  hits: number;
  misses: number;
  size: number;
  capacity: number;
}

/**
 * The lookup key for one signature: thumbprint and signature (base64url, no
 * newline possible) come first, each ended by a newline, so no two different
 * triples encode alike; the SHA-256 of the signing input comes last. A
 * verifier has that digest already for an L2 (its id across views), so the
 * long signing input is hashed once per verification, not twice.
 */
export function signatureCacheKey(
  thumbprint: string,
  signingInputDigest: string,
  signature: Uint8Array,
): string {
  return sha256b64u(`${thumbprint}\n${encodeBase64url(signature)}\n${signingInputDigest}`);
}

/** Bounded LRU of verified ES256 signatures. Map keeps insertion order; a hit moves the entry to the back. */
export class VerifiedSignatureCache {
  private readonly entries = new Map<string, true>();
  private hitCount = 0;
  private missCount = 0;

  constructor(readonly capacity = DEFAULT_SIGNATURE_CACHE_SIZE) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new RangeError('signature cache capacity must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  stats(): SignatureCacheStats {
    return {
      hits: this.hitCount,
      misses: this.missCount,
      size: this.entries.size,
      capacity: this.capacity,
    };
  }

  /** True when exactly this (thumbprint, signing input, signature) verified before and is still remembered. */
  has(thumbprint: string, signingInput: string, signature: Uint8Array): boolean {
    return this.entries.has(signatureCacheKey(thumbprint, sha256b64u(signingInput), signature));
  }

  /** Whether the signature with this {@link signatureCacheKey} verified before (counted as a hit or a miss; a hit moves to the back). */
  hit(id: string): boolean {
    if (this.entries.has(id)) {
      this.hitCount++;
      this.entries.delete(id);
      this.entries.set(id, true);
      return true;
    }
    this.missCount++;
    return false;
  }

  /** Remember that the signature with this {@link signatureCacheKey} verified. */
  remember(id: string): void {
    this.entries.set(id, true);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  /**
   * Verify an ES256 signature, answering from the cache when exactly these
   * bytes verified under the key with this thumbprint before. The caller
   * vouches that `thumbprint` is the RFC 7638 thumbprint of `key`, and that
   * `signingInputDigest`, when given, is B64U(SHA-256(signingInput)).
   */
  verify(
    thumbprint: string,
    signingInput: string,
    signature: Uint8Array,
    key: PublicKeyHandle,
    signingInputDigest = sha256b64u(signingInput),
  ): boolean {
    if (signature.length !== 64) return false;
    const id = signatureCacheKey(thumbprint, signingInputDigest, signature);
    if (this.hit(id)) return true;
    if (!verifyEs256(signingInput, signature, key)) return false;
    this.remember(id);
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.hitCount = 0;
    this.missCount = 0;
  }
}
