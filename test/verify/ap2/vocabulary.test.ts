/** One vocabulary per bundle: the VI verifier refuses AP2 bundles by code, and neither verifier accepts a bundle claiming both. */
import { describe, expect, it } from 'vitest';
import { verifyAp2Presentation } from '../../../src/verify/ap2/index.js';
import { verifyPresentation } from '../../../src/verify/index.js';
import { buildAp2, bundleOf, networkOptions } from '../../fixtures/ap2-chain.js';
import { immediateBundle } from '../../fixtures/raw-chain.js';

describe('vocabularies do not mix', () => {
  it('verifyPresentation refuses an AP2 bundle with PROFILE_NOT_ACCEPTED', async () => {
    const f = await buildAp2();
    const r = await verifyPresentation(bundleOf(f, 'network'), { trustFromBundle: true });
    expect(r.valid).toBe(false);
    expect(r.errors.map((e) => e.code)).toEqual(['PROFILE_NOT_ACCEPTED']);
  });

  it('a bundle naming both vi_bundle and ap2_bundle is AP2_MIXED_VOCABULARY for both verifiers', async () => {
    const f = await buildAp2();
    const both = { ...immediateBundle(), ...bundleOf(f, 'network') };
    const vi = await verifyPresentation(both, { trustFromBundle: true });
    expect(vi.errors.map((e) => e.code)).toEqual(['AP2_MIXED_VOCABULARY']);
    const ap2 = await verifyAp2Presentation(both, networkOptions(f));
    expect(ap2.errors.map((e) => e.code)).toEqual(['AP2_MIXED_VOCABULARY']);
    expect(ap2.ap2_error).toBe('mandates_not_supported');
  });

  it('a VI bundle given to the AP2 verifier is PROFILE_NOT_ACCEPTED', async () => {
    const r = await verifyAp2Presentation(immediateBundle(), {});
    expect(r.errors.map((e) => e.code)).toEqual(['PROFILE_NOT_ACCEPTED']);
  });
});
