/**
 * Numbers, decoys and currencies (constraints §7.1, RFC 9901 §4.2.5,
 * ISO 4217): amounts the user signs are integer literals; a fraction
 * elsewhere is no reason to refuse; decoys in an L3 are ignored; a currency
 * code is one the ISO 4217 table lists.
 */
import { describe, expect, it } from 'vitest';
import { VI_2026_02, VI_2026_04 } from '../../src/profiles/profile.js';
import { sha256b64u } from '../../src/sdjwt/digest.js';
import {
  autonomousBundle,
  constraintOf,
  immediateBundle,
  MERCHANTS,
} from '../fixtures/raw-chain.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';
import { codes, expectRefused } from './helpers.js';

const decoy = () => ({ '...': sha256b64u(`decoy-${Math.random()}`) });

for (const profile of [VI_2026_02, VI_2026_04]) {
  describe(`${profile.name}: integer literals in user-signed amounts`, () => {
    for (const [what, from, to] of [
      ['amount range max 4.0e4', '"max":50000', '"max":5.0e4'],
      ['amount range min 1000.0', '"min":1000', '"min":1000.0'],
      ['budget max 1e5', '"max":100000', '"max":1e5'],
    ] as const) {
      it(`${what} → CONSTRAINT_MALFORMED at l2`, async () => {
        const jsonText = (site: string, t: string) =>
          site === 'l2.payment' ? t.replace(from, to) : t;
        const b = autonomousBundle({ profile, jsonText }, 'network');
        expectRefused(await verifyPresentation(b), 'CONSTRAINT_MALFORMED', 'l2');
      });
    }
    it('a fractional number elsewhere in a disclosure (a merchant rating) is not a reason to refuse', async () => {
      const b = autonomousBundle({
        profile,
        paymentMandate: (m) => void (m.risk_note = { score: 0.25 }),
        l3aMandate: (m) => void (m.payee = { ...MERCHANTS[0], rating: 4.5 }),
        selectedMerchant: { ...MERCHANTS[0], rating: 4.5 },
      });
      const r = await verifyPresentation(b);
      expect(codes(r)).not.toContain('CONSTRAINT_AMOUNT_INVALID');
      expect(codes(r)).not.toContain('CONSTRAINT_MALFORMED');
    });
    it('the L3a amount written 27999.0 is still refused', async () => {
      const jsonText = (site: string, t: string) =>
        site === 'l3a.payment' ? t.replace('"amount":27999', '"amount":27999.0') : t;
      expectRefused(
        await verifyPresentation(autonomousBundle({ profile, jsonText }, 'network')),
        'CONSTRAINT_AMOUNT_INVALID',
        'l3a',
      );
    });
  });

  describe(`${profile.name}: RFC 9901 decoys in an L3 delegate_payload`, () => {
    it('an L3a with decoys around its mandate verifies; none is taken for a selected merchant', async () => {
      const b = autonomousBundle(
        {
          profile,
          l3aPayload: (p) => void (p.delegate_payload as unknown[]).push(decoy(), decoy()),
        },
        'network',
      );
      const r = await verifyPresentation(b);
      expect(r.valid).toBe(true);
      expect(r.checks.find((c) => c.name === 'l3a.selected_merchant')?.status).toBe('passed');
    });
    it('an L3a with a decoy and no selected merchant verifies', async () => {
      const b = autonomousBundle(
        {
          profile,
          selectedMerchant: null,
          l3aPayload: (p) => void (p.delegate_payload as unknown[]).unshift(decoy()),
        },
        'network',
      );
      expect((await verifyPresentation(b)).valid).toBe(true);
    });
    it('an L3b with a decoy verifies', async () => {
      const b = autonomousBundle(
        { profile, l3bPayload: (p) => void (p.delegate_payload as unknown[]).push(decoy()) },
        'merchant',
      );
      expect((await verifyPresentation(b)).valid).toBe(true);
    });
  });

  describe(`${profile.name}: ISO 4217 codes`, () => {
    it('an amount constraint in ZZZ → CONSTRAINT_MALFORMED', async () => {
      const b = autonomousBundle(
        {
          profile,
          paymentMandate: (m) => void (constraintOf(m, profile.constraint.amount).currency = 'ZZZ'),
        },
        'network',
      );
      expectRefused(await verifyPresentation(b), 'CONSTRAINT_MALFORMED', 'l2');
    });
    it('an L3a payment_amount in ZZZ → MANDATE_MALFORMED', async () => {
      const b = autonomousBundle(
        {
          profile,
          l3aMandate: (m) => void (m.payment_amount = { currency: 'ZZZ', amount: 27999 }),
        },
        'network',
      );
      expectRefused(await verifyPresentation(b), 'MANDATE_MALFORMED', 'l3a');
    });
  });
}

it('an Immediate payment mandate in XYZ → MANDATE_MALFORMED', async () => {
  const b = immediateBundle(
    { paymentMandate: (m) => void (m.payment_amount = { currency: 'XYZ', amount: 27999 }) },
    'network',
  );
  expectRefused(await verifyPresentation(b), 'MANDATE_MALFORMED', 'l2');
});
