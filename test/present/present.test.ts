import { describe, expect, it } from 'vitest';
import { presentForDispute, presentToMerchant, presentToNetwork } from '../../src/present/index.js';
import { VI_2026_04 as PROFILE } from '../../src/profiles/profile.js';
import { codeOf, decode } from '../issue/fixtures.js';
import {
  AT,
  autonomousChain,
  exposedText,
  immediateChain,
  instrument,
  options,
} from './helpers.js';

describe('Immediate mode', () => {
  it('merchant sees only its own checkout mandate', async () => {
    const { l1, l2, coA, coB, otherInstrument } = await immediateChain();
    const b = presentToMerchant(
      { l1, l2, pairIndex: 0 },
      { ...options, expect: { l2: { aud: 'https://agent.example.com', nonce: 'n-imm' } } },
    );
    expect(Object.keys(b)).toEqual(['vi_bundle', 'role', 'at', 'trust', 'l1', 'l2', 'expect']);
    expect(b).toMatchObject({ vi_bundle: 1, role: 'merchant', at: AT, l1 });
    expect(b.l2).toBe(`${l2.jwt}~${l2.pairs[0]!.checkout.encoded}~`);
    expect(b.l3).toBeUndefined();
    const text = exposedText(b);
    expect(text).toContain(coA.jwt);
    for (const hidden of [
      'mandate.payment',
      instrument.id,
      otherInstrument.id,
      'payment_instrument',
      coB.jwt,
      coB.checkoutHash,
      l2.pairs[0]!.payment.encoded,
      l2.pairs[1]!.checkout.encoded,
    ]) {
      expect(text).not.toContain(hidden);
    }
  });

  it('network sees only its payment mandate, never the cart', async () => {
    const { l1, l2, coA, otherInstrument } = await immediateChain();
    const b = presentToNetwork({ l1, l2: l2.serialized, pairIndex: 0 }, options);
    expect(b.role).toBe('network');
    expect(b.l2).toBe(`${l2.jwt}~${l2.pairs[0]!.payment.encoded}~`);
    const text = exposedText(b);
    expect(text).toContain(instrument.id);
    for (const hidden of [
      'mandate.checkout',
      'checkout_jwt',
      coA.jwt,
      'Babolat Pure Aero',
      'unit_price',
      otherInstrument.id,
      l2.pairs[0]!.checkout.encoded,
    ]) {
      expect(text).not.toContain(hidden);
    }
  });

  it('dispute carries the full L2 and no L3', async () => {
    const { l1, l2 } = await immediateChain();
    const b = presentForDispute({ l1, l2 }, { ...options, name: 'immediate/dispute' });
    expect(b).toMatchObject({ name: 'immediate/dispute', role: 'dispute', l2: l2.serialized });
    expect(b.l3).toBeUndefined();
  });
});

describe('Autonomous mode', () => {
  it('merchant gets L3b and the checkout view it is bound to', async () => {
    const { l1, l2, l3A, coA, coB } = await autonomousChain();
    const b = presentToMerchant({ l1, l2, pairIndex: 0, l3: l3A }, options);
    expect(b.l2).toBe(l3A.checkoutL2);
    expect(b.l3).toEqual([{ checkout: l3A.checkout }]);
    const text = exposedText(b);
    expect(text).toContain(coA.jwt);
    const pair = l2.pairs[0]!;
    for (const hidden of [
      'mandate.payment',
      'payment_instrument',
      instrument.id,
      PROFILE.constraint.amount,
      PROFILE.constraint.reference,
      'risk_data',
      pair.payment.encoded,
      l3A.payment,
      coB.jwt,
      'Decathlon',
      'Head Graphene', // the other pair, and the item not bought
    ]) {
      expect(text).not.toContain(hidden);
    }
    const l2View = decode(b.l2);
    expect(l2View.disclosures.map((d) => d.array[1].vct ?? d.array[1].id)).toEqual([
      PROFILE.vct.checkoutOpen,
      'BAB86345',
    ]);
  });

  it('network gets L3a and the payment view it is bound to', async () => {
    const { l1, l2, l3B, coB } = await autonomousChain();
    const b = presentToNetwork({ l1, l2: l2.serialized, pairIndex: 1, l3: l3B }, options);
    expect(b.l2).toBe(l3B.paymentL2);
    expect(b.l3).toEqual([{ payment: l3B.payment }]);
    const text = exposedText(b);
    expect(text).toContain(instrument.id);
    for (const hidden of [
      'mandate.checkout',
      'checkout_jwt',
      coB.jwt,
      'line_items',
      'Nike Air',
      'Tennis Warehouse',
      l2.pairs[1]!.checkout.encoded,
      l3B.checkout,
    ]) {
      expect(text).not.toContain(hidden);
    }
  });

  it('dispute carries the full L2 and every fulfilled pair', async () => {
    const { l1, l2, l3A, l3B } = await autonomousChain();
    const b = presentForDispute({ l1, l2, l3: [l3B, l3A] }, options);
    expect(b.l2).toBe(l2.serialized);
    expect(b.l3).toEqual([
      {
        payment: l3A.payment,
        payment_l2: l3A.paymentL2,
        checkout: l3A.checkout,
        checkout_l2: l3A.checkoutL2,
      },
      {
        payment: l3B.payment,
        payment_l2: l3B.paymentL2,
        checkout: l3B.checkout,
        checkout_l2: l3B.checkoutL2,
      },
    ]);
    const partial = presentForDispute({ l1, l2: l2.serialized, l3: [l3B] }, options);
    expect(partial.l3).toHaveLength(1);
  });

  it('refuses mismatched or missing L3s', async () => {
    const { l1, l2, l3A, l3B } = await autonomousChain();
    const other = await autonomousChain();
    expect(await codeOf(() => presentToMerchant({ l1, l2, pairIndex: 0 }, options))).toBe(
      'L3_MANDATE_MISSING',
    );
    expect(await codeOf(() => presentToNetwork({ l1, l2, pairIndex: 0, l3: l3B }, options))).toBe(
      'L3_PAIR_UNBOUND',
    );
    expect(
      await codeOf(() => presentToNetwork({ l1, l2, pairIndex: 0, l3: other.l3A }, options)),
    ).toBe('L3_PAIR_UNBOUND');
    expect(await codeOf(() => presentForDispute({ l1, l2, l3: [l3A, l3A] }, options))).toBe(
      'L3_PAIR_DUPLICATE',
    );
    expect(await codeOf(() => presentToMerchant({ l1, l2, pairIndex: 2, l3: l3A }, options))).toBe(
      'ISSUE_INVALID_INPUT',
    );
    expect(
      await codeOf(() =>
        presentToMerchant({ l1, l2, pairIndex: 0, l3: l3A }, { trust: {} as never }),
      ),
    ).toBe('ISSUE_INVALID_INPUT');
    const imm = await immediateChain();
    expect(
      await codeOf(() => presentToMerchant({ l1, l2: imm.l2, pairIndex: 0, l3: l3A }, options)),
    ).toBe('L3_NOT_AUTONOMOUS');
    expect(await codeOf(() => presentForDispute({ l1, l2: imm.l2, l3: [l3A] }, options))).toBe(
      'L3_NOT_AUTONOMOUS',
    );
  });
});
