/**
 * AP2 presenters: each role's bundle carries exactly the chains it is shown,
 * as issued, and verifies; a role never receives the other side's chain.
 */
import { describe, expect, it } from 'vitest';
import { buildAp2, networkOptions } from '../../src/cli/ap2-scenarios.js';
import {
  presentAp2,
  presentAp2ForDispute,
  presentAp2ToCredentialProvider,
  presentAp2ToMerchant,
  presentAp2ToNetwork,
  presentAp2ToPaymentProcessor,
} from '../../src/present/ap2.js';
import { verifyAp2Presentation } from '../../src/verify/ap2/index.js';
import { codeOf } from '../issue/fixtures.js';

describe('AP2 presenters', async () => {
  const f = await buildAp2();
  const chains = { checkout: f.checkoutChain, payment: f.paymentChain };

  it('give each role its chains and only those, byte for byte', () => {
    const cases = [
      [presentAp2ToMerchant(chains), 'merchant', true, false],
      [presentAp2ToCredentialProvider(chains), 'credential_provider', false, true],
      [presentAp2ToNetwork(chains), 'network', false, true],
      [presentAp2ToPaymentProcessor(chains), 'merchant_payment_processor', false, true],
      [presentAp2ForDispute(chains), 'dispute', true, true],
    ] as const;
    for (const [b, role, checkout, payment] of cases) {
      expect(b).toMatchObject({ ap2_bundle: 1, role });
      expect(b.checkout_chain).toBe(checkout ? f.checkoutChain : undefined);
      expect(b.payment_chain).toBe(payment ? f.paymentChain : undefined);
      expect('checkout_chain' in b).toBe(checkout);
      expect('payment_chain' in b).toBe(payment);
    }
  });

  it('what they present verifies for its role', async () => {
    const options = networkOptions(f);
    for (const b of [
      presentAp2ToNetwork(chains),
      presentAp2ToMerchant(chains),
      presentAp2ForDispute(chains),
    ]) {
      const r = await verifyAp2Presentation(b, options);
      expect({ role: b.role, errors: r.errors, valid: r.valid }).toEqual({
        role: b.role,
        errors: [],
        valid: true,
      });
    }
  });

  it('refuse a role whose chain is missing, an unknown role, and receipts outside a dispute', async () => {
    expect(await codeOf(() => presentAp2ToMerchant({ payment: f.paymentChain }))).toBe(
      'ISSUE_INVALID_INPUT',
    );
    expect(await codeOf(() => presentAp2('auditor' as never, chains))).toBe('ISSUE_INVALID_INPUT');
    expect(
      await codeOf(() =>
        presentAp2ToNetwork(chains, { receipts: [{ kind: 'payment', jwt: 'x' }] }),
      ),
    ).toBe('ISSUE_INVALID_INPUT');
  });
});
