/**
 * Public shapes of verification: options in, result out.
 */

import type { ConstraintReport } from '../constraints/registry.js';
import type { Strictness } from '../constraints/types.js';
import type { ErrorCode, Layer, VIErrorInfo } from '../errors.js';
import type { Expectation, JwkSet, Role } from '../profiles/bundle.js';
import type { Mode } from '../profiles/profile.js';
import type { PublicJwk, PublicKeyCache } from '../sdjwt/keys.js';
import type { ParseLimits } from '../sdjwt/parse.js';
import type { ParsedJwtCache } from '../sdjwt/parse-cache.js';
import type { VerifiedSignatureCache } from '../sdjwt/signature-cache.js';
import type { StatusListReference, StatusResolver } from '../sdjwt/status-list.js';
import type { CHECK_NAMES, CheckName } from './checks.js';

/**
 * Finds a public key by `kid`. A JWK Set, or a function (which may be async,
 * e.g. a JWKS URL fetcher with a cache).
 */
export type KeyResolver =
  | JwkSet
  | ((kid: string) => PublicJwk | undefined | Promise<PublicJwk | undefined>);

/** The verifier's input limits (spec/limits.md), exported as `VerifyLimits`; distinct from the HTTP server's. */
export interface Limits extends ParseLimits {
  /** UTF-8 bytes of a bundle given as text (`parseBundleText`); BUNDLE_TOO_LARGE. */
  maxBundleBytes: number;
  /** Mandate pairs a verifier accepts in one L2. */
  maxPairs: number;
  /** L3 entries in one bundle. */
  maxL3Entries: number;
  /** Constraints in one mandate. */
  maxConstraints: number;
  /** L1 `exp − iat`, seconds (credential-format §7: 1 year); L1_LIFETIME_EXCEEDED. */
  maxL1LifetimeSeconds: number;
  /** Immediate L2 `exp − iat`, seconds (§7: 15 minutes); L2_LIFETIME_EXCEEDED. */
  maxImmediateL2LifetimeSeconds: number;
  /** L3 `exp − iat`, seconds (§7: 1 hour); L3_LIFETIME_EXCEEDED. */
  maxL3LifetimeSeconds: number;
  /** Lines in one purchased list (L3b `line_items`, the checkout_jwt cart); LIMIT_EXCEEDED. */
  maxCartLines: number;
  /** Entries (SKU slots) of one line_items constraint; LIMIT_EXCEEDED. */
  maxLineItemEntries: number;
  /** Acceptable items over all entries of one line_items constraint, disclosed or inline; LIMIT_EXCEEDED. */
  maxAcceptableItems: number;
  /** Errors one check reports; the rest are counted in `errorsOmitted`. */
  maxErrorsPerCheck: number;
  /** Errors one verification reports; the rest are counted in `errorsOmitted`. */
  maxErrors: number;
  /** UTF-16 units of one error message or constraint violation message; longer ones are cut. */
  maxMessageLength: number;
}

/** How to verify: trusted keys, time, expectations, strictness, limits and caches. */
export interface VerifyOptions {
  /**
   * Verification time (Unix seconds). Default: the clock (the bundle's `at`
   * only with {@link VerifyOptions.trustFromBundle}).
   */
  now?: number;
  /**
   * Take trust (`trust.issuer_jwks`, `trust.merchant_jwks`) and time (`at`)
   * from the bundle itself. Only for checking test vectors: a presenter who
   * supplies its own issuer key can vouch for anything. Without it and
   * without `issuerKeys`, verification fails with TRUST_NOT_CONFIGURED.
   */
  trustFromBundle?: boolean;
  /** L1 `vct`s accepted. Default: the card VCT of the profile table. Any other: L1_VCT_NOT_ACCEPTED. */
  acceptedL1Vcts?: readonly string[];
  /** Clock skew tolerance, seconds. Default 300. */
  skewSeconds?: number;
  /** Constraint strictness (constraints.md §5.4). Default PERMISSIVE. */
  strictness?: Strictness;
  /**
   * Wire profiles accepted (spec/profile.md), e.g. `['vi-2026-04']`. Default:
   * every profile vintent knows. A chain in another is `PROFILE_NOT_ACCEPTED`.
   */
  profiles?: readonly string[];
  /**
   * Issuer keys. Trust comes from configuration, never from the presenter:
   * the bundle's `trust` is read only with {@link VerifyOptions.trustFromBundle}, and even then these win.
   */
  issuerKeys?: KeyResolver;
  /** Merchant keys for `checkout_jwt` (the bundle's `trust.merchant_jwks` only with `trustFromBundle`). */
  merchantKeys?: KeyResolver;
  /** Expected `aud`/`nonce` per layer, merged over the bundle's `expect` (options win). */
  expect?: { l2?: Expectation; l3a?: Expectation; l3b?: Expectation };
  /**
   * Whose verification this is: a `merchant` must be shown the checkout
   * mandate (and, Autonomous, its L3b), a `network` the payment mandate (and
   * its L3a), a `dispute` both. Else the bundle's `role`; with neither, no view
   * is required. A service passes its own role, never the presenter's.
   */
  role?: Role;
  /** Import cache for public keys; defaults to a shared bounded LRU. */
  keyCache?: PublicKeyCache;
  /**
   * Opt-in: remember signatures that verified (exact key, signing input and
   * signature bytes) so a repeated L1/L2 skips its signature check. Every
   * other check still runs. Off by default; `vintent serve` turns it on.
   */
  signatureCache?: VerifiedSignatureCache;
  /**
   * Opt-in: remember the parse (header, payload, signature bytes) of L1 and
   * L2 issuer JWTs by their exact text, so a recurring credential is not
   * decoded and parsed again. Every check still runs. Off by default;
   * `vintent serve` turns it on.
   */
  parseCache?: ParsedJwtCache;
  limits?: Partial<Limits>;
  /**
   * Checks an L1 that carries `status.status_list` against its Token Status
   * List (e.g. `statusListResolver` of src/http/status-client.ts). Without it,
   * status is not checked.
   */
  statusResolver?: StatusResolver;
  /** A status list that cannot be fetched or verified: `'reject'` (default, L1_STATUS_UNAVAILABLE) or `'accept'`. */
  statusUnavailable?: 'reject' | 'accept';
}

/** A check's status in a verdict. */
export type CheckStatus = 'passed' | 'failed' | 'skipped';

/** One check the verifier ran, with its layer, pair and status. */
export interface CheckRecord {
  /** Stable check name, e.g. `l2.sd_hash` (the closed set {@link CHECK_NAMES}). */
  name: CheckName;
  status: CheckStatus;
  layer: Layer;
  pair?: number;
  /** AP2 chains: the segment checked (0 the root, then each hop). */
  hop?: number;
  /** Why it was skipped (usually: something was not disclosed). */
  reason?: string;
}

/** A mandate as the verified view disclosed it. */
export interface MandateView {
  vct: string;
  /** Digest of the L2 disclosure carrying it. */
  digest: string;
  claims: Record<string, unknown>;
}

/** The verdict for one mandate pair: mandates, L3s, and the values checked. */
export interface PairResult {
  index: number;
  /** Autonomous: checkout mandate disclosure digest; Immediate: checkout_hash. */
  pairId: string;
  checkout?: MandateView;
  payment?: MandateView;
  l3a: 'verified' | 'failed' | 'absent';
  l3b: 'verified' | 'failed' | 'absent';
  /** Final values from L3a (Autonomous) or the payment mandate (Immediate), when verified and disclosed. */
  payment_values?: { amount: number; currency: string; payee: unknown; transaction_id: string };
  constraints: ConstraintReport[];
  valid: boolean;
}

/** The signature-checked claims of one layer. */
export interface LayerClaims {
  header: Record<string, unknown>;
  /** Claims after resolving the disclosures presented (withheld array entries stay as `{"...": digest}`). */
  claims: Record<string, unknown>;
}

/** The verdict: valid, the errors with stable codes, every check run, per-pair results and verified claims. */
export interface VerificationResult {
  valid: boolean;
  mode: Mode | undefined;
  /** The wire profile the chain's mandate VCTs name (`vi-2026-02`, `vi-2026-04`); undefined when no mandate was read. */
  profile?: string;
  /** The time verification was judged at (Unix seconds). */
  at: number;
  /** At most `limits.maxErrors`, each check's at most `limits.maxErrorsPerCheck` (spec/limits.md). */
  errors: VIErrorInfo[];
  /** Errors found but left out of `errors` by those caps; `valid` counts them. */
  errorsOmitted: number;
  checks: CheckRecord[];
  claims: {
    l1?: LayerClaims;
    l2?: LayerClaims;
    l3: { payment?: LayerClaims; checkout?: LayerClaims }[];
  };
  pairs: PairResult[];
  /** Identifies the L2 across views: B64U(SHA-256(L2 header.payload)): signature-independent, as ECDSA signatures are malleable. */
  l2_id?: string;
  /**
   * The verified L1's `status.status_list` reference with the L1 issuer's key
   * (its list must be signed by it), when the L1 as presented carries one: a
   * network records it to check the L1 again at capture.
   */
  l1_status?: StatusListReference;
  /** JWK thumbprints of the keys that signed each layer. */
  signers: { l1?: string; l2?: string; l3: { payment?: string; checkout?: string }[] };
}

export type { ErrorCode, Layer, VIErrorInfo };
