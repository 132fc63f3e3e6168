/**
 * Verification with a verified-signature cache: repeated L1 and L2 bytes skip
 * their signature check, and nothing else is skipped. Times, trust, bindings
 * and tampering are judged on every presentation exactly as without a cache.
 */
import { describe, expect, it } from 'vitest';
import { VerifiedSignatureCache } from '../../src/sdjwt/signature-cache.js';
import { verifyPresentation } from '../../src/verify/index.js';
import type { VerifyOptions } from '../../src/verify/types.js';
import { autonomousChain, fulfil, networkView, parties, SERVER_NOW } from '../http/chain.js';

const codes = (r: { errors: { code: string }[] }) => r.errors.map((e) => e.code);

/** Re-encode a JWT's payload with one claim changed, keeping the original signature. */
function withPayloadClaim(sdJwt: string, name: string, value: unknown): string {
  const [jwt, ...rest] = sdJwt.split('~');
  const [h, p, s] = jwt!.split('.');
  const payload = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  payload[name] = value;
  return [`${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`, ...rest].join(
    '~',
  );
}

describe('verifyPresentation with a signature cache', () => {
  it('verifies a new L3 pair under a known L1 and L2 with two cache hits and the same result as without', async () => {
    const chain = await autonomousChain();
    const cache = new VerifiedSignatureCache(64);
    const opts: VerifyOptions = {
      now: SERVER_NOW,
      issuerKeys: chain.p.issuerJwks,
      signatureCache: cache,
    };
    const first = await verifyPresentation(networkView(chain, fulfil(chain, 0, 20000)), opts);
    expect(first.valid).toBe(true);
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 3, size: 3 });
    const second = networkView(chain, fulfil(chain, 1, 20000));
    const cached = await verifyPresentation(second, opts);
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 4 });
    const plain = await verifyPresentation(second, {
      now: SERVER_NOW,
      issuerKeys: chain.p.issuerJwks,
    });
    expect(cached).toEqual(plain);
  });

  it('still judges time on a cached chain: the same bytes later are EXPIRED', async () => {
    const chain = await autonomousChain();
    const cache = new VerifiedSignatureCache(64);
    const view = networkView(chain, fulfil(chain, 0, 20000));
    expect(
      (
        await verifyPresentation(view, {
          now: SERVER_NOW,
          issuerKeys: chain.p.issuerJwks,
          signatureCache: cache,
        })
      ).valid,
    ).toBe(true);
    const later = await verifyPresentation(view, {
      now: SERVER_NOW + 400 * 86400,
      issuerKeys: chain.p.issuerJwks,
      signatureCache: cache,
    });
    expect(later.valid).toBe(false);
    expect(codes(later)).toContain('EXPIRED');
    expect(cache.stats().hits).toBeGreaterThan(0);
  });

  it('still judges trust on a cached chain: an issuer no longer configured is unknown', async () => {
    const chain = await autonomousChain();
    const cache = new VerifiedSignatureCache(64);
    const view = networkView(chain, fulfil(chain, 0, 20000));
    await verifyPresentation(view, {
      now: SERVER_NOW,
      issuerKeys: chain.p.issuerJwks,
      signatureCache: cache,
    });
    const r = await verifyPresentation(view, {
      now: SERVER_NOW,
      issuerKeys: parties('other').issuerJwks,
      signatureCache: cache,
    });
    expect(r.valid).toBe(false);
    expect(codes(r)).toContain('L1_ISSUER_KEY_UNKNOWN');
  });

  it('a changed L1 or L2 payload under a cached signature misses and fails its signature check', async () => {
    const chain = await autonomousChain();
    const cache = new VerifiedSignatureCache(64);
    const opts: VerifyOptions = {
      now: SERVER_NOW,
      issuerKeys: chain.p.issuerJwks,
      signatureCache: cache,
    };
    const view = networkView(chain, fulfil(chain, 0, 20000));
    expect((await verifyPresentation(view, opts)).valid).toBe(true);
    const l1Changed = await verifyPresentation(
      { ...view, l1: withPayloadClaim(view.l1 as string, 'sub', 'someone-else') },
      opts,
    );
    expect(codes(l1Changed)).toContain('L1_SIGNATURE_INVALID');
    const l2Changed = await verifyPresentation(
      { ...view, l2: withPayloadClaim(view.l2 as string, 'aud', 'https://elsewhere.example') },
      opts,
    );
    expect(codes(l2Changed)).toContain('L2_SIGNATURE_INVALID');
    expect(cache.size).toBe(3);
  });

  it('a cached L2 signature does not vouch for it under another user key', async () => {
    const chain = await autonomousChain();
    const cache = new VerifiedSignatureCache(64);
    const view = networkView(chain, fulfil(chain, 0, 20000));
    await verifyPresentation(view, {
      now: SERVER_NOW,
      issuerKeys: chain.p.issuerJwks,
      signatureCache: cache,
    });
    // Another L1 (same issuer) binding a different user key, with the cached L2 bytes.
    const other = await autonomousChain({
      ...parties('p2'),
      issuer: chain.p.issuer,
      issuerJwks: chain.p.issuerJwks,
    });
    const r = await verifyPresentation(
      { ...view, l1: other.l1 },
      { now: SERVER_NOW, issuerKeys: chain.p.issuerJwks, signatureCache: cache },
    );
    expect(r.valid).toBe(false);
    expect(codes(r)).toContain('L2_SIGNATURE_INVALID');
  });
});
