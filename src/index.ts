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
/** Verify a presentation bundle; never throws. */
export { verifyPresentation } from './verify/index.js';
export type {
  VerifyOptions,
  VerificationResult,
  KeyResolver,
  Limits,
  CheckRecord,
  CheckStatus,
  PairResult,
  MandateView,
  LayerClaims,
} from './verify/types.js';
export { DEFAULT_LIMITS } from './verify/context.js';

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
export * from './issue/index.js';
/** A user's revocation of an L2 (checked and recorded by the network: `vintent/ledger` checkRevocation). */
export { issueRevocation, l2ContentId, REVOCATION_TYP } from './issue/revocation.js';
export type { IssueRevocationInput } from './issue/revocation.js';

// Presentation ------------------------------------------------------------------
/** Role presenters: merchant, network, dispute. */
export * from './present/index.js';

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
