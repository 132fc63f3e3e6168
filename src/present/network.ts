/**
 * The payment network's view: what it needs to authorize, never the cart.
 * Immediate: the L2 with only this pair's payment mandate. Autonomous: L3a and
 * the L2 view L3a is bound to (payment mandate + the selected payee).
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

/** Build the network's bundle for one mandate pair. No checkout mandate, no checkout_jwt.
 *
 * @example
 * const bundle = presentToNetwork({ l1, l2, pairIndex: 0, l3 }, { trust: { issuer_jwks: issuerJwks } });
 * // the L3a and the L2 view it binds: never the checkout mandate
 */
export function presentToNetwork(
  input: PairPresentationInput,
  options: PresentOptions,
): PresentationBundle {
  const { l2, index } = selectPair(input);
  if (l2.mode === 'immediate') {
    return bundleOf('network', input.l1, immediateView(l2, index, 'payment'), undefined, options);
  }
  const l3 = l3For(l2, index, input.l3);
  return bundleOf('network', input.l1, l3.paymentL2, [{ payment: l3.payment }], options);
}
