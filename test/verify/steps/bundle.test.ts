/** Bundle shape, parsing and bundle-level structure (src/verify/steps/bundle.ts, l3 entry coherence). */
import { describe, expect, it } from 'vitest';
import { autonomousFlow, newActors } from '../../../src/cli/scenarios.js';
import { codesOf, expectBrokenCheck } from '../../fixtures/expect.js';
import { autonomousBundle, immediateBundle } from '../../fixtures/raw-chain.js';
import { verifyPresentation } from '../../fixtures/vector-verify.js';

describe('bundle and parse steps', () => {
  it('not a bundle → BUNDLE_MALFORMED', async () => {
    for (const input of [
      undefined,
      null,
      42,
      'text',
      [],
      { vi_bundle: 2 },
      { ...immediateBundle(), l2: '' },
    ]) {
      expectBrokenCheck(await verifyPresentation(input), 'bundle.schema', 'BUNDLE_MALFORMED');
    }
  });

  it('no issuer keys from anywhere → TRUST_NOT_CONFIGURED', async () => {
    const b = immediateBundle();
    delete b.trust;
    expectBrokenCheck(await verifyPresentation(b), 'bundle.schema', 'TRUST_NOT_CONFIGURED');
  });

  it('more L3 entries than the limit → LIMIT_EXCEEDED', async () => {
    const b = autonomousBundle({}, 'network');
    const r = await verifyPresentation(b, { limits: { maxL3Entries: 0 } });
    expectBrokenCheck(r, 'bundle.schema', 'LIMIT_EXCEEDED');
  });

  it('an SD-JWT without its trailing "~" → SDJWT_MALFORMED', async () => {
    const b = immediateBundle();
    b.l2 = b.l2.slice(0, -1);
    expectBrokenCheck(await verifyPresentation(b), 'l2.parse', 'SDJWT_MALFORMED');
  });

  it('a JWT with two segments → JWT_MALFORMED', async () => {
    const b = immediateBundle();
    const [jwt, ...rest] = b.l1.split('~');
    b.l1 = [jwt!.split('.').slice(0, 2).join('.'), ...rest].join('~');
    expectBrokenCheck(await verifyPresentation(b), 'l1.parse', 'JWT_MALFORMED');
  });

  it('a disclosure that is not a JSON array → DISCLOSURE_MALFORMED', async () => {
    const b = immediateBundle();
    b.l2 = `${b.l2}${Buffer.from('{"salt":"x"}').toString('base64url')}~`;
    expectBrokenCheck(await verifyPresentation(b), 'l2.parse', 'DISCLOSURE_MALFORMED');
  });

  it('an unreadable L3 fails its own parse and nothing else', async () => {
    const b = autonomousBundle({}, 'network');
    b.l3![0]!.payment = 'garbage~';
    const r = await verifyPresentation(b);
    expect(r.valid).toBe(false);
    expect(codesOf(r)).toEqual(['JWT_MALFORMED']);
  });

  it('one bundle entry whose L3a and L3b fulfil different pairs → L3_PAIR_UNBOUND', async () => {
    const flow = await autonomousFlow(newActors(), Math.floor(Date.now() / 1000), 2);
    const b = structuredClone(flow.bundles.dispute!);
    const [e0, e1] = b.l3!;
    [e0!.checkout, e1!.checkout, e0!.checkout_l2, e1!.checkout_l2] = [
      e1!.checkout,
      e0!.checkout,
      e1!.checkout_l2,
      e0!.checkout_l2,
    ];
    expectBrokenCheck(await verifyPresentation(b), 'l3.entry', 'L3_PAIR_UNBOUND');
  });
});
