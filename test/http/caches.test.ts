/**
 * The service's recurring-credential caches (what `vintent serve` turns on):
 * the same L1 and L2 with a new L3 pair are answered from the signature and
 * parse caches, and the decisions are those of a service without them.
 */
import { describe, expect, it } from 'vitest';
import { ParsedJwtCache } from '../../src/sdjwt/parse-cache.js';
import { VerifiedSignatureCache } from '../../src/sdjwt/signature-cache.js';
import { autonomousChain, fulfil, networkView } from './chain.js';
import { post, sqliteSpec, startService } from './harness.js';

describe('HTTP service with signature and parse caches', () => {
  it('authorizes both pairs of one L2, the second from the caches, as a service without them does', async () => {
    const c = await autonomousChain();
    const views = [networkView(c, fulfil(c, 0, 30000)), networkView(c, fulfil(c, 1, 20000))];
    const signatureCache = new VerifiedSignatureCache(64);
    const parseCache = new ParsedJwtCache(64);
    const cached = await startService(sqliteSpec(), {
      issuerKeys: c.p.issuerJwks,
      signatureCache,
      parseCache,
    });
    const plain = await startService(sqliteSpec(), { issuerKeys: c.p.issuerJwks });
    try {
      for (const view of views) {
        const [a, b] = [
          await post(cached.url, '/v1/network/authorize', view),
          await post(plain.url, '/v1/network/authorize', view),
        ];
        expect(a.body.decision).toBe('approved');
        expect({ decision: a.body.decision, errors: a.body.errors }).toEqual({
          decision: b.body.decision,
          errors: b.body.errors,
        });
      }
      // L1 and L2 parsed and their signatures verified once; the second request found both.
      expect(parseCache.stats()).toMatchObject({ hits: 2, misses: 2, size: 2 });
      expect(signatureCache.stats().hits).toBe(2);
    } finally {
      await cached.stop();
      await plain.stop();
    }
  });
});
