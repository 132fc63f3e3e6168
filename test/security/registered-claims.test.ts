/**
 * Registered claims (RFC 7519; credential-format §3.3, §4.3, §5.3): `nbf` is
 * honoured at every JWT of the chain, `iss` is a URI, `aud` is one string and
 * `_sd_alg` is present in L2 and L3. Each case breaks exactly one claim and
 * re-signs with the key that legitimately signs that layer.
 */
import { describe, expect, it } from 'vitest';
import { VI_2026_02, VI_2026_04 } from '../../src/profiles/profile.js';
import { AT, AUD, autonomousBundle, immediateBundle } from '../fixtures/raw-chain.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';
import { codes, expectRefused } from './helpers.js';

const DAY = 86_400;
const PROFILES = [VI_2026_02, VI_2026_04];

describe('nbf: not before (RFC 7519 §4.1.5)', () => {
  for (const profile of PROFILES) {
    describe(profile.name, () => {
      it('a deferred Autonomous L2 ("starts tomorrow") is not spendable today → NOT_YET_VALID at l2', async () => {
        const b = autonomousBundle(
          { profile, l2Payload: (p) => void (p.nbf = AT + DAY) },
          'network',
        );
        expectRefused(await verifyPresentation(b), 'NOT_YET_VALID', 'l2');
      });
      it('the same L2 verifies once its nbf has passed', async () => {
        const b = autonomousBundle(
          { profile, l2Payload: (p) => void (p.nbf = AT - 60) },
          'network',
        );
        expect((await verifyPresentation(b)).valid).toBe(true);
      });
      it('an nbf within the clock skew is accepted', async () => {
        const b = autonomousBundle(
          { profile, l2Payload: (p) => void (p.nbf = AT + 200) },
          'network',
        );
        expect((await verifyPresentation(b)).valid).toBe(true);
      });
      it('L1 nbf in the future → NOT_YET_VALID at l1', async () => {
        const b = autonomousBundle(
          { profile, l1Payload: (p) => void (p.nbf = AT + DAY) },
          'network',
        );
        expectRefused(await verifyPresentation(b), 'NOT_YET_VALID', 'l1');
      });
      it('L3a nbf in the future → NOT_YET_VALID at l3a', async () => {
        const b = autonomousBundle(
          { profile, l3aPayload: (p) => void (p.nbf = AT + 1800) },
          'network',
        );
        expectRefused(await verifyPresentation(b), 'NOT_YET_VALID', 'l3a');
      });
      it('L3b nbf in the future → NOT_YET_VALID at l3b', async () => {
        const b = autonomousBundle(
          { profile, l3bPayload: (p) => void (p.nbf = AT + 1800) },
          'merchant',
        );
        expectRefused(await verifyPresentation(b), 'NOT_YET_VALID', 'l3b');
      });
      it('checkout_jwt nbf in the future → NOT_YET_VALID at checkout_jwt', async () => {
        const b = immediateBundle({ profile, checkoutJwtPayload: (p) => void (p.nbf = AT + DAY) });
        expectRefused(await verifyPresentation(b), 'NOT_YET_VALID', 'checkout_jwt');
      });
    });
  }
  for (const raw of ['"1800000000"', '1.5', 'null', '[1]']) {
    it(`a non-numeric nbf (${raw}) is malformed → TIME_CLAIM_INVALID`, async () => {
      const b = autonomousBundle({ l2Payload: (p) => void (p.nbf = JSON.parse(raw)) }, 'network');
      expectRefused(await verifyPresentation(b), 'TIME_CLAIM_INVALID', 'l2');
    });
  }
});

describe('iss is a URI string where present', () => {
  for (const bad of ['issuer bank', 42, '', ['https://issuer.example']]) {
    it(`L1 iss ${JSON.stringify(bad)} → CLAIM_MALFORMED`, async () => {
      const b = immediateBundle({ l1Payload: (p) => void (p.iss = bad) });
      expectRefused(await verifyPresentation(b), 'CLAIM_MALFORMED', 'l1');
    });
  }
  it('L1 without iss → L1_CLAIM_MISSING', async () => {
    const b = immediateBundle({ l1Payload: (p) => void delete p.iss });
    expectRefused(await verifyPresentation(b), 'L1_CLAIM_MISSING', 'l1');
  });
  it('April L2 iss that is not a URI → CLAIM_MALFORMED at l2', async () => {
    const b = autonomousBundle(
      { profile: VI_2026_04, l2Payload: (p) => void (p.iss = 'my wallet') },
      'network',
    );
    expectRefused(await verifyPresentation(b), 'CLAIM_MALFORMED', 'l2');
  });
  it('an L2 iss that is a URI is accepted', async () => {
    const b = autonomousBundle(
      { profile: VI_2026_04, l2Payload: (p) => void (p.iss = 'https://wallet.example') },
      'network',
    );
    expect((await verifyPresentation(b)).valid).toBe(true);
  });
  it('an L3a iss that is not a string → CLAIM_MALFORMED at l3a', async () => {
    const b = autonomousBundle(
      { l3aPayload: (p) => void (p.iss = { url: 'https://agent.example' }) },
      'network',
    );
    expectRefused(await verifyPresentation(b), 'CLAIM_MALFORMED', 'l3a');
  });
});

describe('aud is one string', () => {
  it('an L3a whose aud lists two networks is refused, even where the network expects one of them', async () => {
    const b = autonomousBundle(
      { l3aPayload: (p) => void (p.aud = [AUD.l3a, 'https://other-network.example']) },
      'network',
    );
    const r = await verifyPresentation(b, { expect: { l3a: { aud: AUD.l3a } } });
    expectRefused(r, 'CLAIM_MALFORMED', 'l3a');
    const other = await verifyPresentation(b, {
      expect: { l3a: { aud: 'https://other-network.example' } },
    });
    expect(other.valid).toBe(false);
  });
  it('an L3b aud array → CLAIM_MALFORMED at l3b', async () => {
    const b = autonomousBundle({ l3bPayload: (p) => void (p.aud = [AUD.l3b]) }, 'merchant');
    expectRefused(await verifyPresentation(b), 'CLAIM_MALFORMED', 'l3b');
  });
  it('an L2 aud array → CLAIM_MALFORMED at l2', async () => {
    const b = immediateBundle({ l2Payload: (p) => void (p.aud = [AUD.l2]) }, 'network');
    expectRefused(await verifyPresentation(b), 'CLAIM_MALFORMED', 'l2');
  });
});

describe('_sd_alg is required in L2 and L3', () => {
  it('Immediate L2 without _sd_alg → L2_CLAIM_MISSING', async () => {
    const b = immediateBundle({ l2Payload: (p) => void delete p._sd_alg }, 'network');
    expectRefused(await verifyPresentation(b), 'L2_CLAIM_MISSING', 'l2');
  });
  it('Autonomous L2 without _sd_alg → L2_CLAIM_MISSING', async () => {
    const b = autonomousBundle(
      { profile: VI_2026_04, l2Payload: (p) => void delete p._sd_alg },
      'network',
    );
    expectRefused(await verifyPresentation(b), 'L2_CLAIM_MISSING', 'l2');
  });
  it('L3a without _sd_alg → L3_CLAIM_MISSING at l3a; L3b too', async () => {
    const a = autonomousBundle({ l3aPayload: (p) => void delete p._sd_alg }, 'network');
    expectRefused(await verifyPresentation(a), 'L3_CLAIM_MISSING', 'l3a');
    const m = autonomousBundle({ l3bPayload: (p) => void delete p._sd_alg }, 'merchant');
    expectRefused(await verifyPresentation(m), 'L3_CLAIM_MISSING', 'l3b');
    expect(codes(await verifyPresentation(m))).not.toContain('INTERNAL');
  });
});
