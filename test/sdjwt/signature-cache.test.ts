/**
 * The verified-signature cache: a hit only for exactly the bytes that
 * verified (key thumbprint, signing input, signature); a one-byte change
 * anywhere misses; failures are never remembered; the LRU stays bounded.
 */

import { createPublicKey } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256b64u } from '../../src/sdjwt/digest.js';
import {
  generateSigningKey,
  jwkThumbprint,
  PublicKeyCache,
  signEs256,
} from '../../src/sdjwt/keys.js';
import type { PublicKeyHandle } from '../../src/sdjwt/platform.js';
import { signatureCacheKey, VerifiedSignatureCache } from '../../src/sdjwt/signature-cache.js';
import { SignatureCheck } from '../../src/sdjwt/signature-check.js';

const signer = generateSigningKey('sig-cache-test');
const keys = new PublicKeyCache();
const key = keys.import(signer.publicJwk);
const thumb = jwkThumbprint(signer.publicJwk);
const b64 = (s: string) => Buffer.from(s).toString('base64url');
const inputOf = (payload: string) => `${b64('{"alg":"ES256"}')}.${b64(payload)}`;

/** Flip one bit of character i of a base64url-ish string, staying in printable ASCII. */
function changeChar(s: string, i: number): string {
  const c = s.charCodeAt(i);
  const next = c === 0x41 ? 0x42 : 0x41; // 'A' <-> 'B': any other character becomes 'A'
  return s.slice(0, i) + String.fromCharCode(next) + s.slice(i + 1);
}

describe('VerifiedSignatureCache', () => {
  it('answers a repeat of the exact bytes from the cache', () => {
    const cache = new VerifiedSignatureCache(16);
    const input = inputOf('{"a":1}');
    const sig = signEs256(input, signer.privateKey);
    expect(cache.has(thumb, input, sig)).toBe(false);
    expect(cache.verify(thumb, input, sig, key)).toBe(true);
    expect(cache.has(thumb, input, sig)).toBe(true);
    expect(cache.verify(thumb, input, sig, key)).toBe(true);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, size: 1 });
  });

  it('never remembers a signature that did not verify', () => {
    const cache = new VerifiedSignatureCache(16);
    const input = inputOf('{"a":2}');
    const sig = signEs256(inputOf('{"a":3}'), signer.privateKey);
    expect(cache.verify(thumb, input, sig, key)).toBe(false);
    expect(cache.verify(thumb, input, sig, key)).toBe(false);
    expect(cache.size).toBe(0);
    expect(cache.stats().hits).toBe(0);
    expect(cache.verify(thumb, input, Buffer.alloc(63), key)).toBe(false);
  });

  it('misses when the thumbprint differs, even for bytes that verified', () => {
    const cache = new VerifiedSignatureCache(16);
    const input = inputOf('{"a":4}');
    const sig = signEs256(input, signer.privateKey);
    cache.verify(thumb, input, sig, key);
    expect(cache.has(changeChar(thumb, 0), input, sig)).toBe(false);
    // Another key's thumbprint: a miss, and the real verification under that key decides.
    const other = generateSigningKey('other');
    const otherKey = keys.import(other.publicJwk);
    expect(cache.verify(jwkThumbprint(other.publicJwk), input, sig, otherKey)).toBe(false);
  });

  it('keys by the digest of the signing input: a digest the caller already has finds the same entry', () => {
    const cache = new VerifiedSignatureCache(16);
    const input = inputOf('{"b":2}');
    const sig = signEs256(input, signer.privateKey);
    expect(cache.verify(thumb, input, sig, key, sha256b64u(input))).toBe(true);
    expect(cache.verify(thumb, input, sig, key)).toBe(true);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, size: 1 });
  });

  it('keeps the encoding of the three parts injective', () => {
    const sig = Buffer.alloc(64, 7);
    // Moving bytes between the signing input's digest and the thumbprint cannot produce the same key.
    expect(signatureCacheKey('ab', 'cd', sig)).not.toBe(signatureCacheKey('a', 'bcd', sig));
    expect(signatureCacheKey('ab', 'cd', sig)).not.toBe(signatureCacheKey('abc', 'd', sig));
  });

  it('stays within its capacity, evicting the least recently used', () => {
    const cache = new VerifiedSignatureCache(3);
    const items = [1, 2, 3, 4].map((n) => {
      const input = inputOf(`{"n":${n}}`);
      return { input, sig: signEs256(input, signer.privateKey) };
    });
    for (const it of items.slice(0, 3)) cache.verify(thumb, it.input, it.sig, key);
    cache.verify(thumb, items[0]!.input, items[0]!.sig, key); // 1 is now the most recent
    cache.verify(thumb, items[3]!.input, items[3]!.sig, key); // evicts 2
    expect(cache.size).toBe(3);
    expect(cache.has(thumb, items[0]!.input, items[0]!.sig)).toBe(true);
    expect(cache.has(thumb, items[1]!.input, items[1]!.sig)).toBe(false);
    expect(cache.has(thumb, items[3]!.input, items[3]!.sig)).toBe(true);
    expect(() => new VerifiedSignatureCache(0)).toThrow(RangeError);
  });

  it('property: a one-byte change to the signing input, signature or thumbprint misses', () => {
    const cache = new VerifiedSignatureCache(64);
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 200 }),
        fc.nat(),
        fc.constantFrom('input', 'signature', 'thumbprint'),
        (payload, at, part) => {
          const input = inputOf(payload);
          const sig = signEs256(input, signer.privateKey);
          expect(cache.verify(thumb, input, sig, key)).toBe(true);
          if (part === 'input') {
            const changed = changeChar(input, at % input.length);
            expect(cache.has(thumb, changed, sig)).toBe(false);
            expect(cache.verify(thumb, changed, sig, key)).toBe(false);
          } else if (part === 'signature') {
            const changed = Buffer.from(sig);
            changed[at % 64] = changed[at % 64]! ^ (1 << (at % 8));
            expect(cache.has(thumb, input, changed)).toBe(false);
            expect(cache.verify(thumb, input, changed, key)).toBe(false);
          } else {
            expect(cache.has(changeChar(thumb, at % thumb.length), input, sig)).toBe(false);
          }
          expect(cache.has(thumb, input, sig)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('SignatureCheck', () => {
  it('goes through the cache only for keys a PublicKeyCache imported', () => {
    const cache = new VerifiedSignatureCache(8);
    const input = inputOf('{"b":1}');
    const sig = signEs256(input, signer.privateKey);
    expect(new SignatureCheck(cache).verify(input, sig, key)).toBe(true);
    expect(cache.size).toBe(1);
    expect(cache.stats().misses).toBe(1);
    expect(new SignatureCheck(cache).verify(input, sig, key)).toBe(true);
    expect(cache.stats().hits).toBe(1);
    // A key from elsewhere has no known thumbprint: plain verification, nothing stored.
    const foreign = generateSigningKey('foreign');
    const foreignKey = createPublicKey(foreign.privateKey) as unknown as PublicKeyHandle;
    const foreignInput = inputOf('{"b":2}');
    const check = new SignatureCheck(cache);
    expect(
      check.verify(foreignInput, signEs256(foreignInput, foreign.privateKey), foreignKey),
    ).toBe(true);
    expect(cache.size).toBe(1);
    expect(check.verify(foreignInput, sig, foreignKey)).toBe(false);
    expect(new SignatureCheck().verify(input, sig, key)).toBe(true);
    // node:crypto answers at once: nothing is ever provisional on Node.
    expect(check.provisional).toBe(false);
  });
});
