/**
 * Recurring-credential parse cache: a bounded LRU of parsed issuer JWTs
 * (header, payload, signature bytes) by their exact compact text. A network
 * sees the same L1 (a year) and Autonomous L2 (up to 30 days) with every new
 * L3 pair; an L2 of many mandate pairs is kilobytes of base64url and JSON,
 * and decoding and parsing it again is most of what a repeat presentation
 * costs once its signature is remembered (src/sdjwt/signature-cache.ts).
 *
 * Only a parse is remembered: the signature, times, bindings, disclosures
 * and every other check still run on every presentation. An entry is used
 * only for exactly the same text under the same parse limits, and is deeply
 * frozen, so no verification can change what another one reads.
 */
import { DEFAULT_PARSE_LIMITS, type ParsedJwt, type ParseLimits } from './parse.js';

/** Default number of remembered JWTs: an L2 of 16 pairs is ≈ 7 kB of text and ≈ 20 kB parsed. */
export const DEFAULT_PARSE_CACHE_SIZE = 512;

/** Counters a service can expose; reset with {@link ParsedJwtCache.clear}. */
export interface ParseCacheStats {
  hits: number;
  misses: number;
  size: number;
  capacity: number;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const k in value)
    if (Object.hasOwn(value, k)) deepFreeze((value as Record<string, unknown>)[k]);
}

function sameLimits(a: ParseLimits, b: ParseLimits): boolean {
  return (
    a.maxLength === b.maxLength &&
    a.maxDisclosures === b.maxDisclosures &&
    a.maxJsonDepth === b.maxJsonDepth &&
    a.maxStringLength === b.maxStringLength &&
    a.maxCheckoutJwtLength === b.maxCheckoutJwtLength
  );
}

/** Bounded LRU of parsed JWTs. Map keeps insertion order; a hit moves the entry to the back. */
export class ParsedJwtCache {
  private readonly entries = new Map<string, ParsedJwt>();
  private hitCount = 0;
  private missCount = 0;

  /** `limits`: the parse limits its entries were parsed under; a lookup under others bypasses the cache. */
  constructor(
    readonly capacity = DEFAULT_PARSE_CACHE_SIZE,
    private readonly limits: ParseLimits = DEFAULT_PARSE_LIMITS,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new RangeError('parse cache capacity must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  stats(): ParseCacheStats {
    return {
      hits: this.hitCount,
      misses: this.missCount,
      size: this.entries.size,
      capacity: this.capacity,
    };
  }

  /** Whether lookups under `limits` may use this cache. */
  serves(limits: ParseLimits): boolean {
    return limits === this.limits || sameLimits(limits, this.limits);
  }

  /** The parse of exactly `compact`, when remembered (the caller checked {@link serves}). */
  get(compact: string): ParsedJwt | undefined {
    const hit = this.entries.get(compact);
    if (hit === undefined) {
      this.missCount++;
      return undefined;
    }
    this.hitCount++;
    this.entries.delete(compact);
    this.entries.set(compact, hit);
    return hit;
  }

  /** Remember a successful parse of `jwt.compact`; it is frozen (header, payload, the record itself). */
  set(jwt: ParsedJwt): void {
    deepFreeze(jwt.header);
    deepFreeze(jwt.payload);
    Object.freeze(jwt);
    this.entries.set(jwt.compact, jwt);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
    this.hitCount = 0;
    this.missCount = 0;
  }
}
