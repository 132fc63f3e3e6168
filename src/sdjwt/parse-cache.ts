/**
 * Recurring-credential parse cache: a bounded LRU of parsed issuer JWTs
 * (header, payload, signature bytes) by their exact compact text. A network
 * sees the same L1 (a year) and Autonomous L2 (up to 30 days) with every new
 * L3 pair; an L2 of many mandate pairs is kilobytes of base64url and JSON,
 * and decoding and parsing it again is most of what a repeat presentation
 * costs once its signature is remembered (src/sdjwt/signature-cache.ts).
 *
 * The disclosures that recur with them (an L2's mandates and allowlists, an
 * AP2 open mandate's root) are remembered the same way, up to
 * {@link MAX_CACHED_DISCLOSURE_LENGTH} characters each and four per JWT slot.
 *
 * Only a parse is remembered: the signature, times, bindings, references,
 * constraints and every other check still run on every presentation. An
 * entry is used only for exactly the same text under the same parse limits,
 * and is deeply frozen, so no verification can change what another one reads.
 */
import {
  DEFAULT_PARSE_LIMITS,
  type ParsedDisclosure,
  type ParsedJwt,
  type ParseLimits,
} from './parse.js';

/** Default number of remembered JWTs: an L2 of 16 pairs is ≈ 7 kB of text and ≈ 20 kB parsed. */
export const DEFAULT_PARSE_CACHE_SIZE = 512;

/** Disclosures longer than this are parsed every time (they are rare, and would hold the most memory). */
export const MAX_CACHED_DISCLOSURE_LENGTH = 4096;
/** Remembered disclosures per remembered JWT. */
const DISCLOSURES_PER_JWT = 4;

/** Counters a service can expose; reset with {@link ParsedJwtCache.clear}. */
export interface ParseCacheStats {
  hits: number;
  misses: number;
  size: number;
  capacity: number;
  /** Disclosure lookups that found a parse, and that did not. */
  disclosureHits: number;
  disclosureMisses: number;
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
  private readonly disclosureEntries = new Map<string, ParsedDisclosure>();
  private hitCount = 0;
  private missCount = 0;
  private disclosureHitCount = 0;
  private disclosureMissCount = 0;

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
      disclosureHits: this.disclosureHitCount,
      disclosureMisses: this.disclosureMissCount,
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

  /** The parse of exactly the disclosure `encoded`, when remembered (the caller checked {@link serves}). */
  disclosure(encoded: string): ParsedDisclosure | undefined {
    if (encoded.length > MAX_CACHED_DISCLOSURE_LENGTH) return undefined;
    const hit = this.disclosureEntries.get(encoded);
    if (hit === undefined) {
      this.disclosureMissCount++;
      return undefined;
    }
    this.disclosureHitCount++;
    this.disclosureEntries.delete(encoded);
    this.disclosureEntries.set(encoded, hit);
    return hit;
  }

  /** Remember a successful disclosure parse (frozen, value included); long ones are not kept. */
  setDisclosure(d: ParsedDisclosure): void {
    if (d.encoded.length > MAX_CACHED_DISCLOSURE_LENGTH) return;
    deepFreeze(d.value);
    Object.freeze(d);
    this.disclosureEntries.set(d.encoded, d);
    if (this.disclosureEntries.size > this.capacity * DISCLOSURES_PER_JWT) {
      const oldest = this.disclosureEntries.keys().next().value;
      if (oldest !== undefined) this.disclosureEntries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
    this.disclosureEntries.clear();
    this.hitCount = 0;
    this.missCount = 0;
    this.disclosureHitCount = 0;
    this.disclosureMissCount = 0;
  }
}
