/**
 * `selected_merchant` (credential-format §5.6) comes from the L2's allowed
 * merchants, matched as constraints §4.1 matches parties; the payee it is
 * paid through is the payee allowlist's business. And shape checks run on
 * the view an L3 is judged by, not only on the bundle's `l2`.
 */
import { describe, expect, it } from 'vitest';
import { VI_2026_02, VI_2026_04 } from '../../src/profiles/profile.js';
import { makeArrayDisclosure } from '../../src/sdjwt/build.js';
import {
  autonomousBundle,
  constraintOf,
  MERCHANTS,
  onlyFirstAllowedMerchant,
} from '../fixtures/raw-chain.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';
import { codes, expectRefused, type Obj } from './helpers.js';

const PSP = { id: 'psp-1', name: 'Pay Co', website: 'https://pay.example' };

for (const profile of [VI_2026_02, VI_2026_04]) {
  describe(`${profile.name}: which allowlist selected_merchant comes from`, () => {
    it('an allowed payee that is not an allowed merchant → SELECTED_MERCHANT_NOT_ALLOWED', async () => {
      const b = autonomousBundle({
        profile,
        selectedMerchant: MERCHANTS[1],
        paymentViewMerchants: [0, 1],
        checkoutMandate: onlyFirstAllowedMerchant(profile),
      });
      expectRefused(await verifyPresentation(b), 'SELECTED_MERCHANT_NOT_ALLOWED', 'l3a');
    });
    it('the same, with the checkout mandate disclosed only in the L3b view', async () => {
      const b = autonomousBundle({
        profile,
        selectedMerchant: MERCHANTS[1],
        paymentViewMerchants: [0, 1],
        checkoutMandate: onlyFirstAllowedMerchant(profile),
      });
      // The bundle's l2 becomes the network view; the L3b's view still discloses the checkout mandate.
      b.l2 = b.l3![0]!.payment_l2!;
      expectRefused(await verifyPresentation(b), 'SELECTED_MERCHANT_NOT_ALLOWED', 'l3a');
    });
    it('a marketplace or PSP payee the user allowed passes beside the selected merchant', async () => {
      const b = autonomousBundle({
        profile,
        paymentMandate: (m) =>
          void (
            constraintOf(m, profile.constraint.allowedPayee)[
              profile.allowlistField.allowedPayee
            ] as unknown[]
          ).push(PSP),
        l3aMandate: (m) => void (m.payee = PSP),
      });
      const r = await verifyPresentation(b);
      expect(codes(r).filter((c) => c.startsWith('SELECTED_MERCHANT'))).toEqual([]);
      expect(r.checks.find((c) => c.name === 'l3a.selected_merchant')?.status).toBe('passed');
    });
    it('a selected merchant without an id is matched by name and website', async () => {
      const { id: _id, ...noId } = MERCHANTS[0]!;
      const ok = await verifyPresentation(autonomousBundle({ profile, selectedMerchant: noId }));
      expect(ok.checks.find((c) => c.name === 'l3a.selected_merchant')?.status).toBe('passed');
      const other = await verifyPresentation(
        autonomousBundle({
          profile,
          selectedMerchant: { name: noId.name, website: 'https://elsewhere.example' },
        }),
      );
      expectRefused(other, 'SELECTED_MERCHANT_NOT_ALLOWED', 'l3a');
    });
    it('a payee written without an id passes when its name and website are allowed (CF §11.2)', async () => {
      const { id: _id, ...noId } = MERCHANTS[0]!;
      const b = autonomousBundle({
        profile,
        l3aMandate: (m) => void (m.payee = noId),
        selectedMerchant: MERCHANTS[0],
      });
      const r = await verifyPresentation(b);
      expect(codes(r).filter((c) => c.startsWith('SELECTED_MERCHANT'))).toEqual([]);
    });
  });

  describe(`${profile.name}: shape checks in the bound view`, () => {
    it('an acceptable item with a numeric id disclosed only in the L3b view → CONSTRAINT_MALFORMED at l3b', async () => {
      const odd = makeArrayDisclosure({ id: 7, title: 'Odd' });
      const b = autonomousBundle({
        profile,
        checkoutViewExtra: [odd.encoded],
        checkoutMandate: (m) => {
          const line = (constraintOf(m, profile.constraint.lineItems).items as Obj[])[0]!;
          (line.acceptable_items as unknown[]).push({ '...': odd.digest });
        },
      });
      expectRefused(await verifyPresentation(b), 'CONSTRAINT_MALFORMED', 'l3b');
    });
    it('an allowed payee with a numeric id disclosed only in the L3a view → CONSTRAINT_MALFORMED at l3a', async () => {
      const odd = makeArrayDisclosure({ id: 9, name: 'Odd', website: 'https://odd.example' });
      const b = autonomousBundle({
        profile,
        paymentViewExtra: [odd.encoded],
        paymentMandate: (m) =>
          void (
            constraintOf(m, profile.constraint.allowedPayee)[
              profile.allowlistField.allowedPayee
            ] as unknown[]
          ).push({ '...': odd.digest }),
      });
      expectRefused(await verifyPresentation(b), 'CONSTRAINT_MALFORMED', 'l3a');
    });
  });
}
