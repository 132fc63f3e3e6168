/**
 * vintent — Verifiable Intent (VI v0.1) for TypeScript.
 *
 * Issue the three SD-JWT layers (L1 issuer → user, L2 user → agent, L3a/L3b
 * agent → network/merchant), present exactly what each party may see, and
 * verify a presentation bundle into a verdict with stable error codes.
 *
 * Sections follow the layers, lowest first (README, Layout). Biome's import
 * sorting is off for this file (biome.json) so the captions stay with their
 * exports.
 *
 * @packageDocumentation
 */

// Errors ----------------------------------------------------------------------
/** The one error type, its closed set of codes, and a guard for them. */
export { ERROR_CODES, isErrorCode, VIError } from './errors.js';
export type { ErrorCode, Layer, VIErrorInfo, VIErrorOptions } from './errors.js';

// Wire profiles and the bundle ------------------------------------------------
/** Every VI wire name (typ, vct, constraint types) per vocabulary, in one table. */
export {
  CURRENCY_EXPONENT,
  classifyVct,
  DEFAULT_PROFILE,
  isIsoCurrency,
  PROFILE,
  PROFILES,
  profileOf,
  REGISTERED_CONSTRAINT_TYPES,
  VI_2026_02,
  VI_2026_04,
} from './profiles/profile.js';
export type {
  ConstraintTypeName,
  MandateKind,
  Mode,
  ProfileName,
  WireProfile,
} from './profiles/profile.js';
/** The presentation bundle schema (zod) and its types. */
export { bundleSchema } from './profiles/bundle.js';
export type { Bundle, BundleL3Entry, Expectation, JwkSet, Role, Trust } from './profiles/bundle.js';

// Keys and caches -------------------------------------------------------------
/** ES256 keys through the crypto seam (node:crypto on Node, WebCrypto elsewhere), with a bounded cache of imported public keys. */
export {
  CRYPTO_PLATFORM,
  exportPrivateJwk,
  generateSigningKey,
  jwkThumbprint,
  PublicKeyCache,
  sharedKeyCache,
  signingKeyFromJwk,
} from './sdjwt/keys.js';
export type { PublicJwk, SigningKey } from './sdjwt/keys.js';
/**
 * Signers: a local key signs synchronously; a WebCrypto key, an HSM or a KMS
 * signs through a {@link RemoteSigner} and the `…Async` issuers.
 */
export { derToRawEs256, generateWebCryptoSigner, webCryptoSigner } from './sdjwt/signer.js';
export type {
  RemoteSigner,
  Signer,
  SyncRemoteSigner,
  SyncSigner,
  WebCryptoSigner,
} from './sdjwt/signer.js';
/** Opt-in caches for a verifier that sees the same L1/L2 again (a network): a parse of exact JWT text, a verified signature of exact bytes. */
export { DEFAULT_PARSE_CACHE_SIZE, ParsedJwtCache } from './sdjwt/parse-cache.js';
export type { ParseCacheStats } from './sdjwt/parse-cache.js';
export { DEFAULT_SIGNATURE_CACHE_SIZE, VerifiedSignatureCache } from './sdjwt/signature-cache.js';
export type { SignatureCacheStats } from './sdjwt/signature-cache.js';

// Constraints -----------------------------------------------------------------
/** The constraint registry of each profile (constraints.md §4) and the §5 validation loop. */
export {
  checkConstraints,
  constraintRegistryFor,
  constraintShapeViolations,
} from './constraints/registry.js';
export type {
  ConstraintOutcome,
  ConstraintType,
  Fulfillment,
  Strictness,
  Violation,
} from './constraints/types.js';

// Issuance --------------------------------------------------------------------
/** Issuers (L1, checkout_jwt, L2 both modes, L3 pair) and money conversion. */
export {
  asIssuedL2,
  createCheckoutJwt,
  createCheckoutJwtAsync,
  currencyExponent,
  fromMinorUnits,
  issueL1,
  issueL2Autonomous,
  issueL2AutonomousAsync,
  issueL2Immediate,
  issueL2ImmediateAsync,
  issueL3Pair,
  issueL3PairAsync,
  L2_LAYOUTS,
  readCheckoutJwt,
  readL2,
  toMinorUnits,
} from './issue/index.js';
export type {
  AcceptableItemInput,
  AmountRangeInput,
  AutonomousPairInput,
  BuiltDisclosure,
  CartItem,
  CheckoutItemInput,
  CheckoutPayload,
  CreateCheckoutInput,
  CreatedCheckout,
  ImmediatePairInput,
  IssuedAutonomousPair,
  IssuedImmediatePair,
  IssuedL2,
  IssuedL2Autonomous,
  IssuedL2Immediate,
  IssuedL3Pair,
  IssueL1Input,
  IssueL2AutonomousInput,
  IssueL2ImmediateInput,
  IssueL3PairInput,
  L2Layout,
  L3LineItemInput,
  LineItemInput,
  PartyInput,
  PaymentInstrument,
} from './issue/index.js';
/** A user's revocation of an L2 (checked and recorded by the network: `vintent/network` revokeMandate). */
export {
  issueRevocation,
  issueRevocationAsync,
  l2ContentId,
  REVOCATION_TYP,
} from './issue/revocation.js';
export type { IssueRevocationInput } from './issue/revocation.js';
/** An issuer's Token Status List and the `status` claim an L1 carries to reference it. */
export { IssuerStatusList, statusClaim } from './issue/status-list.js';
export type {
  IssuerStatusListInput,
  StatusListPublishOptions,
  StatusName,
} from './issue/status-list.js';

// Presentation ----------------------------------------------------------------
/** Role presenters: merchant, network, dispute. They emit a {@link Bundle}. */
export { presentForDispute, presentToMerchant, presentToNetwork } from './present/index.js';
/** AP2 presenters: an `ap2_bundle` with exactly the chains each role is shown. */
export {
  presentAp2,
  presentAp2ForDispute,
  presentAp2ToCredentialProvider,
  presentAp2ToMerchant,
  presentAp2ToNetwork,
  presentAp2ToPaymentProcessor,
} from './present/index.js';
export type {
  Ap2Chains,
  Ap2PresentationBundle,
  Ap2PresentOptions,
  DisputePresentationInput,
  PairPresentationInput,
  PresentOptions,
} from './present/index.js';

// Verification ----------------------------------------------------------------
/** Verify a presentation bundle; never throws. Read raw text with the verifier's limits first. */
export { CHECK_NAMES, isCheckName, parseBundleText, verifyPresentation } from './verify/index.js';
export type { BundleTextResult, CheckName } from './verify/index.js';
/** The verifier's input limits (spec/limits.md); the HTTP server's are DEFAULT_SERVER_LIMITS in `vintent/http`. */
export { DEFAULT_LIMITS as DEFAULT_VERIFY_LIMITS } from './verify/context.js';
export type {
  CheckRecord,
  CheckStatus,
  KeyResolver,
  LayerClaims,
  Limits as VerifyLimits,
  MandateView,
  PairResult,
  VerificationResult,
  VerifyOptions,
} from './verify/types.js';

// AP2 v0.2 --------------------------------------------------------------------
/** AP2 v0.2 delegate chains (`~~`-joined SD-JWT segments): issue, present, verify (spec/ap2.md). */
export { ap2ErrorOf, AP2_V0_2 } from './profiles/ap2.js';
export type { Ap2ErrorCode, Ap2Role } from './profiles/ap2.js';
export {
  ap2Cnf,
  createAp2CheckoutJwt,
  issueAp2Hop,
  issueAp2Receipt,
  issueAp2Root,
  issueAp2UserCredential,
  joinAp2Chain,
  presentAp2Segment,
} from './issue/ap2.js';
export type {
  Ap2CheckoutLine,
  CreateAp2CheckoutInput,
  IssueAp2HopInput,
  IssueAp2ReceiptInput,
  IssueAp2RootInput,
  IssueAp2UserCredentialInput,
} from './issue/ap2.js';
export { verifyAp2Presentation } from './verify/ap2/index.js';
export type {
  Ap2ChainResult,
  Ap2Expectation,
  Ap2MandateContext,
  Ap2VerificationResult,
  Ap2VerifyOptions,
} from './verify/ap2/index.js';

// Network ledger --------------------------------------------------------------
// The ledger (better-sqlite3, pg), the network's decisions and the HTTP
// services live behind `vintent/ledger`, `vintent/network` and `vintent/http`,
// so that a merchant who only verifies loads no database driver.
export type {
  AuditEvent,
  AuthorizationRequest,
  Decision,
  Ledger,
  MerchantMemoryResult,
  MerchantPresentation,
  RevocationRecord,
  RevocationResult,
} from './ledger/types.js';
