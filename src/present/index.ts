/**
 * Presenting the chain: one bundle (shared/interop/BUNDLE.md) per recipient,
 * each carrying only what that role may see.
 *
 * - {@link presentToMerchant}: checkout side of one pair (never the payment mandate).
 * - {@link presentToNetwork}: payment side of one pair (never the checkout mandate or checkout_jwt).
 * - {@link presentForDispute}: the full L2 and every fulfilled L3 pair.
 * - {@link presentAp2} and its per-role forms: an AP2 bundle with the chains its role is shown.
 *
 * Presenters never re-encode a credential: views are the issued bytes, so
 * every digest and `sd_hash` still holds.
 */

export type {
  Ap2Chains,
  Ap2PresentationBundle,
  Ap2PresentOptions,
} from './ap2.js';
export {
  presentAp2,
  presentAp2ForDispute,
  presentAp2ToCredentialProvider,
  presentAp2ToMerchant,
  presentAp2ToNetwork,
  presentAp2ToPaymentProcessor,
} from './ap2.js';
export type { DisputePresentationInput } from './dispute.js';
export { presentForDispute } from './dispute.js';
export { presentToMerchant } from './merchant.js';
export { presentToNetwork } from './network.js';
export type {
  BundleL3Entry,
  BundleTrust,
  PairPresentationInput,
  PresentationBundle,
  PresentOptions,
} from './views.js';
