/**
 * vintent — Verifiable Intent (VI v0.1) for TypeScript.
 *
 * Issue the three SD-JWT layers (L1 issuer → user, L2 user → agent, L3a/L3b
 * agent → network/merchant), present exactly what each party may see, and
 * verify a presentation bundle into a verdict with stable error codes.
 *
 * @packageDocumentation
 */

// Verification -------------------------------------------------------------
/** Verify a presentation bundle; never throws. Read raw text with the verifier's limits first. */
export { verifyPresentation, parseBundleText } from './verify/index.js';
export type { BundleTextResult } from './verify/index.js';
export type {
  VerifyOptions,
  VerificationResult,
  KeyResolver,
  Limits as VerifyLimits,
  CheckRecord,
  CheckStatus,
  PairResult,
  MandateView,
  LayerClaims,
} from './verify/types.js';
/** The verifier's input limits (spec/limits.md); the HTTP server's are DEFAULT_SERVER_LIMITS in `vintent/http`. */
export { DEFAULT_LIMITS as DEFAULT_VERIFY_LIMITS } from './verify/context.js';

// Errors ----------------------------------------------------------------------
/** The one error type, its closed set of codes, and a guard for them. */
export { VIError, ERROR_CODES, isErrorCode } from './errors.js';
export type { ErrorCode, Layer, VIErrorInfo } from './errors.js';

// Wire profile and bundle -----------------------------------------------------
/** Every VI wire name (typ, vct, constraint types) in one table. */
export { PROFILE, REGISTERED_CONSTRAINT_TYPES, CURRENCY_EXPONENT, classifyVct } from './spec/profile.js';
export type { Mode, MandateKind, ConstraintTypeName } from './spec/profile.js';
/** The presentation bundle schema (zod) and its types. */
export { bundleSchema } from './spec/bundle.js';
export type { Bundle, BundleL3Entry, Trust, Role, JwkSet, Expectation } from './spec/bundle.js';

// Issuance ----------------------------------------------------------------------
/** Issuers (L1, checkout_jwt, L2 both modes, L3 pair) and money conversion. */
export {
  toMinorUnits,
  fromMinorUnits,
  currencyExponent,
  createCheckoutJwt,
  readCheckoutJwt,
  issueL1,
  issueL2Immediate,
  issueL2Autonomous,
  readL2,
  asIssuedL2,
  issueL3Pair,
} from './issue/index.js';
export type {
  CreateCheckoutInput,
  CheckoutItemInput,
  CheckoutPayload,
  CartItem,
  CreatedCheckout,
  IssueL1Input,
  IssueL2ImmediateInput,
  ImmediatePairInput,
  IssueL2AutonomousInput,
  AutonomousPairInput,
  LineItemInput,
  AcceptableItemInput,
  AmountRangeInput,
  IssuedL2,
  IssuedL2Immediate,
  IssuedL2Autonomous,
  IssuedImmediatePair,
  IssuedAutonomousPair,
  BuiltDisclosure,
  IssueL3PairInput,
  IssuedL3Pair,
  L3LineItemInput,
  PartyInput,
  PaymentInstrument,
} from './issue/index.js';
/** A user's revocation of an L2 (checked and recorded by the network: `vintent/ledger` checkRevocation). */
export { issueRevocation, l2ContentId, REVOCATION_TYP } from './issue/revocation.js';
export type { IssueRevocationInput } from './issue/revocation.js';

// Presentation ------------------------------------------------------------------
/** Role presenters: merchant, network, dispute. They emit a {@link Bundle}; `Trust` and `BundleL3Entry` are the bundle's parts. */
export { presentToMerchant, presentToNetwork, presentForDispute } from './present/index.js';
export type { DisputePresentationInput, PresentOptions, PairPresentationInput } from './present/index.js';

// Keys --------------------------------------------------------------------------
/** ES256 keys on node:crypto, with a bounded cache of imported public keys. */
export {
  generateSigningKey,
  signingKeyFromJwk,
  exportPrivateJwk,
  jwkThumbprint,
  PublicKeyCache,
  sharedKeyCache,
} from './sdjwt/keys.js';
export type { SigningKey, PublicJwk } from './sdjwt/keys.js';

// Constraints -------------------------------------------------------------------
/** The constraint registry (constraints.md §4) and the §5 validation loop. */
export { constraintRegistry, checkConstraints, constraintShapeViolations } from './constraints/registry.js';
export type { ConstraintType, Fulfillment, ConstraintOutcome, Strictness } from './constraints/types.js';

// Network ledger ----------------------------------------------------------------
// The ledger (better-sqlite3, pg) and the HTTP services live behind the
// `vintent/ledger` and `vintent/http` entry points, so that a merchant who only
// verifies loads no database driver.
export type { Ledger, AuthorizationRequest, Decision, AuditEvent, RevocationRecord, RevocationResult, MerchantPresentation, MerchantMemoryResult } from './ledger/types.js';
