/**
 * The recurring-credential parse cache answers only for exactly the same
 * text under the same limits, and what it hands out cannot be changed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeArrayDisclosure, signJwt } from '../../src/sdjwt/build.js';
import { generateSigningKey } from '../../src/sdjwt/keys.js';
import { DEFAULT_PARSE_LIMITS, parseJwt, parseSdJwt } from '../../src/sdjwt/parse.js';
import { MAX_CACHED_DISCLOSURE_LENGTH, ParsedJwtCache } from '../../src/sdjwt/parse-cache.js';
import { verifyAp2Presentation } from '../../src/verify/ap2/index.js';
import { verifyPresentation } from '../../src/verify/index.js';

const key = generateSigningKey('parse-cache-test');
const compact = signJwt(
  { alg: 'ES256', kid: key.kid },
  { iss: 'https://issuer.example', cnf: { jwk: key.publicJwk }, list: [{ id: 'a' }] },
  key,
);
const sdJwt = `${compact}~`;

/** Change character i to another base64url character. */
const changeChar = (s: string, i: number) =>
  `${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;

describe('ParsedJwtCache', () => {
  it('answers a repeat of the exact text with the same parse, frozen', () => {
    const cache = new ParsedJwtCache(8);
    const first = parseSdJwt(sdJwt, 'l1', DEFAULT_PARSE_LIMITS, undefined, cache).jwt;
    const again = parseSdJwt(sdJwt, 'l1', DEFAULT_PARSE_LIMITS, undefined, cache).jwt;
    expect(again).toBe(first);
    expect(again).toEqual(parseJwt(compact, 'l1'));
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, size: 1 });
    expect(
      Object.isFrozen(again) && Object.isFrozen(again.payload) && Object.isFrozen(again.header),
    ).toBe(true);
    const list = again.payload.list as { id: string }[];
    expect(() => {
      list[0]!.id = 'b';
    }).toThrow(TypeError);
    expect(() => list.push({ id: 'c' })).toThrow(TypeError);
  });

  it('remembers recurring disclosures too, frozen, and never one over the length it keeps', () => {
    const cache = new ParsedJwtCache(8);
    const small = makeArrayDisclosure({ id: 'm-1', name: 'Shop' });
    const large = makeArrayDisclosure({ blob: 'x'.repeat(MAX_CACHED_DISCLOSURE_LENGTH) });
    const text = `${compact}~${small.encoded}~${large.encoded}~`;
    const first = parseSdJwt(text, 'l2', DEFAULT_PARSE_LIMITS, undefined, cache);
    const again = parseSdJwt(text, 'l2', DEFAULT_PARSE_LIMITS, undefined, cache);
    expect(again.disclosures[0]).toBe(first.disclosures[0]);
    expect(again.disclosures[1]).not.toBe(first.disclosures[1]);
    expect(again.disclosures[1]).toEqual(first.disclosures[1]);
    expect(cache.stats()).toMatchObject({ disclosureHits: 1, disclosureMisses: 1 });
    const kept = again.disclosures[0]!;
    expect(Object.isFrozen(kept) && Object.isFrozen(kept.value)).toBe(true);
    expect(() => {
      (kept.value as { id: string }).id = 'm-2';
    }).toThrow(TypeError);
  });

  it('keeps at most four disclosures per JWT slot, the least recently used going first', () => {
    const cache = new ParsedJwtCache(1);
    const ds = Array.from({ length: 6 }, (_, i) => makeArrayDisclosure({ i }));
    parseSdJwt(
      `${compact}~${ds.map((d) => d.encoded).join('~')}~`,
      'l2',
      DEFAULT_PARSE_LIMITS,
      undefined,
      cache,
    );
    const again = parseSdJwt(
      `${compact}~${ds[5]!.encoded}~${ds[0]!.encoded}~`,
      'l2',
      DEFAULT_PARSE_LIMITS,
      undefined,
      cache,
    );
    expect(cache.stats()).toMatchObject({ disclosureHits: 1 }); // the newest stayed, the oldest went
    expect(again.disclosures.map((d) => d.value)).toEqual([{ i: 5 }, { i: 0 }]);
  });

  it('misses on a one-character change anywhere in the JWT', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: compact.length - 1 }), (i) => {
        const cache = new ParsedJwtCache(8);
        parseSdJwt(sdJwt, 'l1', DEFAULT_PARSE_LIMITS, undefined, cache);
        const changed = changeChar(compact, i);
        if (changed === compact || changed[i] === '.') return;
        try {
          const parsed = parseSdJwt(
            `${changed}~`,
            'l1',
            DEFAULT_PARSE_LIMITS,
            undefined,
            cache,
          ).jwt;
          expect(parsed.compact).toBe(changed);
        } catch {
          // Not parseable any more: then nothing was answered from the cache either.
        }
        expect(cache.stats().hits).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('is bypassed under other parse limits, so a stricter limit is still applied', () => {
    const cache = new ParsedJwtCache(8);
    parseSdJwt(sdJwt, 'l1', DEFAULT_PARSE_LIMITS, undefined, cache);
    const strict = { ...DEFAULT_PARSE_LIMITS, maxJsonDepth: 2 };
    expect(cache.serves(strict)).toBe(false);
    expect(() => parseSdJwt(sdJwt, 'l1', strict, undefined, cache)).toThrow(
      expect.objectContaining({ code: 'LIMIT_EXCEEDED' }),
    );
    expect(cache.serves({ ...DEFAULT_PARSE_LIMITS })).toBe(true);
  });

  it('does not remember what failed to parse', () => {
    const cache = new ParsedJwtCache(8);
    const bad = `${compact.slice(0, compact.indexOf('.'))}.e30x.${compact.split('.')[2]}~`;
    expect(() => parseSdJwt(bad, 'l1', DEFAULT_PARSE_LIMITS, undefined, cache)).toThrow();
    expect(cache.size).toBe(0);
  });

  it('stays within its capacity, evicting the least recently used', () => {
    const cache = new ParsedJwtCache(2);
    const jwts = [1, 2, 3].map((n) => signJwt({ alg: 'ES256' }, { n }, key));
    cache.set(parseJwt(jwts[0]!, 'l2'));
    cache.set(parseJwt(jwts[1]!, 'l2'));
    expect(cache.get(jwts[0]!)).toBeDefined(); // 0 is now the most recent
    cache.set(parseJwt(jwts[2]!, 'l2')); // evicts 1
    expect(cache.size).toBe(2);
    expect(cache.get(jwts[1]!)).toBeUndefined();
    expect(cache.get(jwts[0]!)?.payload.n).toBe(1);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new ParsedJwtCache(0)).toThrow(RangeError);
  });
});

describe('verifyPresentation with a parse cache', () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '../../vectors');
  const vectors = ['valid', 'tampered'].flatMap((kind) =>
    readdirSync(join(root, kind))
      .filter((f) => f.endsWith('.json'))
      .map((f) => [`${kind}/${f}`, JSON.parse(readFileSync(join(root, kind, f), 'utf8'))] as const),
  );

  it('gives every shipped vector, seen once and seen again, exactly the verdict it gets without one', async () => {
    const cache = new ParsedJwtCache();
    for (const [name, bundle] of vectors) {
      const plain = await verifyPresentation(bundle, { trustFromBundle: true });
      for (let round = 0; round < 2; round++) {
        const cached = await verifyPresentation(bundle, {
          trustFromBundle: true,
          parseCache: cache,
        });
        expect({ name, result: cached }).toEqual({ name, result: plain });
      }
    }
    expect(cache.stats().hits).toBeGreaterThan(vectors.length);
  });
});

describe('verifyAp2Presentation with a parse cache', () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '../../vectors/ap2');
  const vectors = ['valid', 'tampered'].flatMap((kind) =>
    readdirSync(join(root, kind))
      .filter((f) => f.endsWith('.json'))
      .map((f) => [`${kind}/${f}`, JSON.parse(readFileSync(join(root, kind, f), 'utf8'))] as const),
  );

  it('gives every AP2 vector, seen once and again, exactly the verdict it gets without one', async () => {
    const cache = new ParsedJwtCache();
    for (const [name, bundle] of vectors) {
      const plain = await verifyAp2Presentation(bundle, { trustFromBundle: true });
      for (let round = 0; round < 2; round++) {
        const cached = await verifyAp2Presentation(bundle, {
          trustFromBundle: true,
          parseCache: cache,
        });
        expect({ name, result: cached }).toEqual({ name, result: plain });
      }
    }
    expect(cache.stats().disclosureHits).toBeGreaterThan(vectors.length);
  });
});
