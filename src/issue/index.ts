/**
 * Issuing the Verifiable Intent chain: the merchant's checkout_jwt, the
 * issuer's L1, the user's L2 (Immediate or Autonomous) and the agent's L3 pair.
 * Every issuer refuses, with a typed {@link VIError}, input that a conformant
 * verifier would reject. Money is integer minor units throughout.
 *
 * @example
 * const l1 = await issueL1({ issuerKey, iss, sub, userPublicJwk, panLastFour: '4242', scheme: 'mastercard' });
 * const l2 = issueL2Autonomous({ userKey, l1, aud, pairs: [{ agentKey, merchants, lineItems, paymentInstrument, amount }] });
 * const l3 = issueL3Pair({ agentKey, l2, pairIndex: 0, checkoutJwt, networkAud, merchantAud });
 */

export type {
  CartItem,
  CheckoutItemInput,
  CheckoutPayload,
  CreateCheckoutInput,
  CreatedCheckout,
} from './checkout.js';
export { createCheckoutJwt, createCheckoutJwtAsync, readCheckoutJwt } from './checkout.js';
export type { PartyInput, PaymentInstrument } from './common.js';
export type { IssueL1Input } from './l1.js';
export { issueL1 } from './l1.js';
export type {
  AcceptableItemInput,
  AmountRangeInput,
  AutonomousPairInput,
  IssueL2AutonomousInput,
  LineItemInput,
} from './l2-autonomous.js';
export { issueL2Autonomous, issueL2AutonomousAsync } from './l2-autonomous.js';
export type { ImmediatePairInput, IssueL2ImmediateInput } from './l2-immediate.js';
export { issueL2Immediate, issueL2ImmediateAsync } from './l2-immediate.js';
export { asIssuedL2, readL2 } from './l2-read.js';
export type {
  BuiltDisclosure,
  IssuedAutonomousPair,
  IssuedImmediatePair,
  IssuedL2,
  IssuedL2Autonomous,
  IssuedL2Immediate,
  L2Layout,
} from './l2-types.js';
export { L2_LAYOUTS } from './l2-types.js';
export type { IssuedL3Pair, IssueL3PairInput, L3LineItemInput } from './l3.js';
export { issueL3Pair, issueL3PairAsync } from './l3.js';
export { currencyExponent, fromMinorUnits, toMinorUnits } from './money.js';
