/**
 * The merchant's view: what it needs to accept the order, never how it is paid.
 * Immediate: the L2 with only this pair's checkout mandate. Autonomous: L3b
 * and the L2 view L3b is bound to (checkout mandate + items bought).
 */
import {
  bundleOf,
  immediateView,
  l3For,
  type PairPresentationInput,
  type PresentationBundle,
  type PresentOptions,
  selectPair,
} from './views.js';

/** Build the merchant's bundle for one mandate pair. The payment mandate never appears.
 *
 * @example
 * const bundle = presentToMerchant({ l1, l2, pairIndex: 0, l3 }, { trust: { issuer_jwks: issuerJwks } });
 * // the L3b and the L2 view it binds: never the payment mandate
 */
export function presentToMerchant(
  input: PairPresentationInput,
  options: PresentOptions,
): PresentationBundle {
  const { l2, index } = selectPair(input);
  if (l2.mode === 'immediate') {
    return bundleOf('merchant', input.l1, immediateView(l2, index, 'checkout'), undefined, options);
  }
  const l3 = l3For(l2, index, input.l3);
  // checkout_l2 is left out: it defaults to l2, which is that same view.
  return bundleOf('merchant', input.l1, l3.checkoutL2, [{ checkout: l3.checkout }], options);
}
