/**
 * What each verifier must be shown (security-model §3, credential-format
 * §5.4): a merchant the checkout mandate and, Autonomous, its L3b; a network
 * the payment mandate and its L3a; a dispute both. The role comes from the
 * caller, else the bundle. And an L3 carries its mandate only in
 * `delegate_payload`, and `risk_data` only where the profile places it.
 */
import { describe, expect, it } from 'vitest';
import { VI_2026_02, VI_2026_04 } from '../../src/profiles/profile.js';
import { makePropertyDisclosure } from '../../src/sdjwt/build.js';
import {
  AUD,
  autonomousBundle,
  chainKeys,
  INSTRUMENT,
  immediateBundle,
} from '../fixtures/raw-chain.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';
import { codes, es256Raw, expectRefused, headerOf, resignSdJwt } from './helpers.js';

const keys = chainKeys();

for (const profile of [VI_2026_02, VI_2026_04]) {
  describe(`${profile.name}: the view each role must be shown`, () => {
    it('a merchant shown a network presentation (no checkout mandate, no L3b) → ROLE_VIEW_INCOMPLETE', async () => {
      const b = autonomousBundle({ profile }, 'network');
      expectRefused(
        await verifyPresentation(b, { role: 'merchant' }),
        'ROLE_VIEW_INCOMPLETE',
        'bundle',
      );
      // The bundle's own claim of a role is the default only.
      expectRefused(
        await verifyPresentation({ ...b, role: 'merchant' }),
        'ROLE_VIEW_INCOMPLETE',
        'bundle',
      );
      expect((await verifyPresentation(b, { role: 'network' })).valid).toBe(true);
    });
    it('options.role wins over the bundle role', async () => {
      const b = autonomousBundle({ profile }, 'network');
      expectRefused(
        await verifyPresentation({ ...b, role: 'network' }, { role: 'merchant' }),
        'ROLE_VIEW_INCOMPLETE',
        'bundle',
      );
    });
    it('a network shown a merchant presentation → ROLE_VIEW_INCOMPLETE', async () => {
      expectRefused(
        await verifyPresentation(autonomousBundle({ profile }, 'merchant'), { role: 'network' }),
        'ROLE_VIEW_INCOMPLETE',
        'bundle',
      );
    });
    it('an Autonomous merchant view with the checkout mandate but no L3b → ROLE_VIEW_INCOMPLETE', async () => {
      const b = autonomousBundle({ profile }, 'merchant');
      expectRefused(
        await verifyPresentation({ ...b, l3: [] }, { role: 'merchant' }),
        'ROLE_VIEW_INCOMPLETE',
        'bundle',
      );
    });
    it('a dispute needs both mandates of a pair: the network half alone → ROLE_VIEW_INCOMPLETE', async () => {
      expectRefused(
        await verifyPresentation(autonomousBundle({ profile }, 'network'), { role: 'dispute' }),
        'ROLE_VIEW_INCOMPLETE',
        'bundle',
      );
      expect(
        (await verifyPresentation(autonomousBundle({ profile }), { role: 'dispute' })).valid,
      ).toBe(true);
    });
    it('Immediate: a network needs the payment mandate, a merchant the checkout mandate', async () => {
      expectRefused(
        await verifyPresentation(immediateBundle({ profile }, 'merchant'), { role: 'network' }),
        'ROLE_VIEW_INCOMPLETE',
        'bundle',
      );
      expectRefused(
        await verifyPresentation(immediateBundle({ profile }, 'network'), { role: 'merchant' }),
        'ROLE_VIEW_INCOMPLETE',
        'bundle',
      );
      expect(
        (await verifyPresentation(immediateBundle({ profile }, 'network'), { role: 'network' }))
          .valid,
      ).toBe(true);
      expect(
        (await verifyPresentation(immediateBundle({ profile }, 'merchant'), { role: 'merchant' }))
          .valid,
      ).toBe(true);
    });
    it('an unknown role fails closed, never INTERNAL', async () => {
      const r = await verifyPresentation(autonomousBundle({ profile }), {
        role: 'toString' as never,
      });
      expectRefused(r, 'ROLE_VIEW_INCOMPLETE', 'bundle');
      expect(codes(r)).not.toContain('INTERNAL');
    });
  });

  describe(`${profile.name}: a mandate only in delegate_payload`, () => {
    it('a second payment mandate committed in the L3a _sd and disclosed → L3_MANDATE_MISPLACED', async () => {
      const b = autonomousBundle({ profile }, 'network');
      const second = makePropertyDisclosure('also', {
        vct: profile.vct.payment,
        payee: { id: 'm-9', name: 'Elsewhere', website: 'https://elsewhere.example' },
        payment_amount: { currency: 'USD', amount: 49999 },
        payment_instrument: INSTRUMENT,
        transaction_id: 'x',
      });
      const l3a = b.l3![0]!.payment!;
      const resigned = resignSdJwt(l3a, headerOf(l3a), es256Raw(keys.agent.privateKey), (p) => ({
        ...p,
        _sd: [second.digest],
      }));
      b.l3![0]!.payment = `${resigned}${second.encoded}~`;
      expectRefused(
        await verifyPresentation(b, { expect: { l3a: { aud: AUD.l3a } } }),
        'L3_MANDATE_MISPLACED',
        'l3a',
      );
    });
    it('a mandate as a signed member beside delegate_payload → L3_MANDATE_MISPLACED', async () => {
      const b = autonomousBundle(
        {
          profile,
          l3aPayload: (p) =>
            void (p.mandate = {
              vct: profile.vct.payment,
              payment_amount: { currency: 'USD', amount: 1 },
            }),
        },
        'network',
      );
      expectRefused(await verifyPresentation(b), 'L3_MANDATE_MISPLACED', 'l3a');
    });
  });
}

describe('vi-2026-04: risk_data only on the L2 open payment mandate', () => {
  const risk = { device_id: 'dev-1' };
  it('in the L3a payload → RISK_DATA_FORBIDDEN at l3a', async () => {
    const b = autonomousBundle(
      { profile: VI_2026_04, l3aPayload: (p) => void (p.risk_data = risk) },
      'network',
    );
    expectRefused(await verifyPresentation(b), 'RISK_DATA_FORBIDDEN', 'l3a');
  });
  it('in the L3b payload → RISK_DATA_FORBIDDEN at l3b', async () => {
    const b = autonomousBundle(
      { profile: VI_2026_04, l3bPayload: (p) => void (p.risk_data = risk) },
      'merchant',
    );
    expectRefused(await verifyPresentation(b), 'RISK_DATA_FORBIDDEN', 'l3b');
  });
  it('in the open checkout mandate → RISK_DATA_FORBIDDEN at l2', async () => {
    const b = autonomousBundle(
      { profile: VI_2026_04, checkoutMandate: (m) => void (m.risk_data = risk) },
      'merchant',
    );
    expectRefused(await verifyPresentation(b), 'RISK_DATA_FORBIDDEN', 'l2');
  });
  it('in the L2 payload → RISK_DATA_FORBIDDEN at l2', async () => {
    const b = autonomousBundle(
      { profile: VI_2026_04, l2Payload: (p) => void (p.risk_data = risk) },
      'network',
    );
    expectRefused(await verifyPresentation(b), 'RISK_DATA_FORBIDDEN', 'l2');
  });
  it('in an Immediate payment mandate → RISK_DATA_FORBIDDEN at l2', async () => {
    const b = immediateBundle(
      { profile: VI_2026_04, paymentMandate: (m) => void (m.risk_data = risk) },
      'network',
    );
    expectRefused(await verifyPresentation(b), 'RISK_DATA_FORBIDDEN', 'l2');
  });
  it('on the open payment mandate it is accepted', async () => {
    const b = autonomousBundle(
      { profile: VI_2026_04, paymentMandate: (m) => void (m.risk_data = risk) },
      'network',
    );
    expect((await verifyPresentation(b)).valid).toBe(true);
  });
  it('a February chain leaves risk_data unread', async () => {
    const b = autonomousBundle(
      { profile: VI_2026_02, l3aPayload: (p) => void (p.risk_data = risk) },
      'network',
    );
    expect((await verifyPresentation(b)).valid).toBe(true);
  });
});
