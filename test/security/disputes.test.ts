/**
 * Disputes (security-model §4.4): with both L3s of a pair, the L3a pays the
 * total the merchant signed, in every checkout shape we accept, and pays the
 * merchant who signed it, matched by id or else by name and website. A cart
 * whose total cannot be read is refused, never skipped.
 */
import { describe, expect, it } from 'vitest';
import { majorToMinorUnits } from '../../src/constraints/values.js';
import { VI_2026_02, VI_2026_04 } from '../../src/profiles/profile.js';
import { autonomousBundle, immediateBundle, MERCHANTS } from '../fixtures/raw-chain.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';
import { codes, expectRefused, type Obj } from './helpers.js';

/** The upstream April checkout shape: `subTotal` in major units, no integer total. */
const upstreamCart =
  (amount: unknown, currencyCode = 'USD') =>
  (p: Obj) => {
    const cart = p.cart as Obj;
    delete cart.total;
    delete cart.currency;
    cart.subTotal = { amount, currencyCode };
  };

for (const profile of [VI_2026_02, VI_2026_04]) {
  describe(`${profile.name}: cart totals in a dispute`, () => {
    it('the upstream subTotal shape (279.99 USD) is read through the currency exponent: valid', async () => {
      const r = await verifyPresentation(
        autonomousBundle({ profile, checkoutJwtPayload: upstreamCart(279.99) }),
      );
      expect(r.valid).toBe(true);
      expect(r.checks.find((c) => c.name === 'bindings.amount_matches_cart')?.status).toBe(
        'passed',
      );
    });
    it('a subTotal one cent off → PAYMENT_CART_MISMATCH', async () => {
      expectRefused(
        await verifyPresentation(
          autonomousBundle({ profile, checkoutJwtPayload: upstreamCart(279.98) }),
        ),
        'PAYMENT_CART_MISMATCH',
        'l3a',
      );
    });
    it('a subTotal in another currency → PAYMENT_CART_MISMATCH', async () => {
      expectRefused(
        await verifyPresentation(
          autonomousBundle({ profile, checkoutJwtPayload: upstreamCart(279.99, 'EUR') }),
        ),
        'PAYMENT_CART_MISMATCH',
        'l3a',
      );
    });
    for (const [what, edit] of [
      ['no total at all', (p: Obj) => void delete (p.cart as Obj).total],
      ['a fractional total', (p: Obj) => void ((p.cart as Obj).total = 279.99)],
      ['a subTotal with a digit below the minor unit', upstreamCart(279.991)],
      ['a subTotal in an unknown currency', upstreamCart(279.99, 'ZZZ')],
      ['a subTotal as an object', upstreamCart({ value: 279.99 })],
    ] as const) {
      it(`${what}, with both L3s → CART_TOTAL_UNREADABLE (never skipped)`, async () => {
        expectRefused(
          await verifyPresentation(autonomousBundle({ profile, checkoutJwtPayload: edit })),
          'CART_TOTAL_UNREADABLE',
          'l3a',
        );
      });
    }
    it('Immediate: no readable total → CART_TOTAL_UNREADABLE', async () => {
      const b = immediateBundle({
        profile,
        checkoutJwtPayload: (p) => void delete (p.cart as Obj).total,
      });
      expectRefused(await verifyPresentation(b), 'CART_TOTAL_UNREADABLE', 'l2');
    });
    it('Immediate: the upstream subTotal shape is read', async () => {
      expect(
        (
          await verifyPresentation(
            immediateBundle({ profile, checkoutJwtPayload: upstreamCart(279.99) }),
          )
        ).valid,
      ).toBe(true);
    });
  });

  describe(`${profile.name}: payee versus the merchant who signed the cart`, () => {
    const { id: _id, ...noId } = MERCHANTS[0]!;
    it('a payee written without an id is compared by name and website: the signing merchant passes', async () => {
      const r = await verifyPresentation(
        autonomousBundle({ profile, l3aMandate: (m) => void (m.payee = noId) }),
      );
      expect(codes(r)).not.toContain('PAYEE_MERCHANT_MISMATCH');
    });
    it('a payee without an id whose website differs → PAYEE_MERCHANT_MISMATCH', async () => {
      const r = await verifyPresentation(
        autonomousBundle({
          profile,
          l3aMandate: (m) => void (m.payee = { ...noId, website: 'https://elsewhere.example' }),
        }),
      );
      expectRefused(r, 'PAYEE_MERCHANT_MISMATCH', 'l3a');
    });
    it('ids decide when both carry one', async () => {
      const r = await verifyPresentation(
        autonomousBundle({ profile, l3aMandate: (m) => void (m.payee = MERCHANTS[1]) }),
      );
      expectRefused(r, 'PAYEE_MERCHANT_MISMATCH', 'l3a');
    });
  });
}

describe('majorToMinorUnits', () => {
  it('converts by each currency exponent, exactly', () => {
    expect(majorToMinorUnits(279.99, 'USD')).toBe(27999);
    expect(majorToMinorUnits(0.1, 'USD')).toBe(10);
    expect(majorToMinorUnits(2500, 'JPY')).toBe(2500);
    expect(majorToMinorUnits(1.25, 'KWD')).toBe(1250);
    expect(majorToMinorUnits('19.99', 'EUR')).toBe(1999);
  });
  it('refuses what would lose a digit, negative or unknown', () => {
    expect(majorToMinorUnits(1.5, 'JPY')).toBeUndefined();
    expect(majorToMinorUnits(1.2345, 'KWD')).toBeUndefined();
    expect(majorToMinorUnits(-1, 'USD')).toBeUndefined();
    expect(majorToMinorUnits(1, 'ZZZ')).toBeUndefined();
    expect(majorToMinorUnits(Number.POSITIVE_INFINITY, 'USD')).toBeUndefined();
    expect(majorToMinorUnits(1e300, 'USD')).toBeUndefined();
  });
});
