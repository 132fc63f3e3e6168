/**
 * `vintent/network`: the payment network's decisions as a library, beside
 * `vintent/ledger`: authorize an L3a (or Immediate payment mandate), capture
 * it after re-checking its standing, record a user's revocation, read
 * trusted key files. The HTTP service and the CLI
 * both call these; neither decides anything itself.
 *
 * @packageDocumentation
 */

export type {
  Ap2AuthorizeAnswer,
  Ap2CheckoutAnswer,
  Ap2MerchantTrust,
  Ap2NetworkTrust,
  Ap2PaymentContext,
  Ap2RevokeOptions,
} from './ap2.js';
export {
  AP2_LEDGER_PAIR,
  acceptAp2Checkout,
  ap2LedgerId,
  authorizeAp2Presentation,
  revokeAp2Mandate,
} from './ap2.js';
export type { AuthorizeAnswer, DecisionError, NetworkTrust } from './authorize.js';
export { authorizePresentation, decisionErrors, verifyWithConfiguredTrust } from './authorize.js';
export type { CaptureAnswer, CaptureInput, CaptureOptions } from './capture.js';
export { captureAuthorization, DEFAULT_HOLD_SECONDS } from './capture.js';
export { readPublicKeySet, readX5cRoots } from './key-files.js';
export type { RevokeAnswer, RevokeOptions } from './revoke.js';
export { checkRevocationRequest, recordRevocation, revokeMandate } from './revoke.js';
