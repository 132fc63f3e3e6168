/**
 * The one error type of vintent and its closed set of codes.
 *
 * Verifiers never throw: they return these as values inside a result. Issuers
 * and presenters throw {@link VIError} when asked to build something the spec
 * forbids. Codes are stable API; messages are for people and may change.
 */

export const ERROR_CODES = [
  // bundle / input shape
  'BUNDLE_MALFORMED',
  'BUNDLE_TOO_LARGE',
  'LIMIT_EXCEEDED',
  /** No issuer keys configured and the caller did not opt in to the bundle's own trust. */
  'TRUST_NOT_CONFIGURED',
  // serialization
  'SDJWT_MALFORMED',
  'JWT_MALFORMED',
  'DISCLOSURE_MALFORMED',
  'DISCLOSURE_UNREFERENCED',
  'DISCLOSURE_DUPLICATE_REFERENCE',
  'DISCLOSURE_DUPLICATE',
  'SD_ALG_UNSUPPORTED',
  'CLAIM_MALFORMED',
  /** A JSON object (header, payload, disclosure, checkout_jwt) names one member twice. */
  'JSON_DUPLICATE_MEMBER',
  // headers
  'ALG_NOT_ALLOWED',
  'TYP_MISMATCH',
  'KID_MISSING',
  /** JOSE `crit` names an extension this verifier does not implement (RFC 7515 §4.1.11). */
  'CRIT_UNSUPPORTED',
  // L1
  'L1_ISSUER_KEY_UNKNOWN',
  'L1_SIGNATURE_INVALID',
  'L1_CLAIM_MISSING',
  'L1_VCT_INVALID',
  'L1_CNF_INVALID',
  'L1_HAS_SD_HASH',
  /** L1 `vct` is well formed but not one this verifier accepts. */
  'L1_VCT_NOT_ACCEPTED',
  // time
  'EXPIRED',
  'IAT_IN_FUTURE',
  /** `nbf` is later than the verification time plus skew (RFC 7519 §4.1.5): not spendable yet. */
  'NOT_YET_VALID',
  'TIME_CLAIM_INVALID',
  'LIFETIME_EXCEEDED',
  'L1_LIFETIME_EXCEEDED',
  'L2_LIFETIME_EXCEEDED',
  'L2_OUTLIVES_L1',
  'L3_LIFETIME_EXCEEDED',
  // L2
  'L2_SIGNATURE_INVALID',
  'L2_SD_HASH_MISMATCH',
  'L2_CLAIM_MISSING',
  'L2_MODE_MIXED',
  'L2_VIEW_MISMATCH',
  /** The bundle's `l2` and an L3's view disclose one mandate with different disclosure strings. */
  'L2_VIEW_INCONSISTENT',
  'AUD_MISMATCH',
  'NONCE_MISMATCH',
  // mandates
  'MANDATE_VCT_UNKNOWN',
  'MANDATE_MALFORMED',
  'MANDATE_CNF_FORBIDDEN',
  'MANDATE_CNF_MISSING',
  'MANDATE_CNF_PAIR_MISMATCH',
  'MANDATE_CONSTRAINTS_FORBIDDEN',
  'MANDATE_CONSTRAINTS_MISSING',
  'MANDATE_ORPHAN',
  'MANDATE_DUPLICATE_PAIR',
  'MANDATE_NONE_DISCLOSED',
  'PAYMENT_REFERENCE_MISSING',
  'PAYMENT_REFERENCE_MISMATCH',
  'CHECKOUT_HASH_MISMATCH',
  'PAYMENT_CART_MISMATCH',
  'PAYMENT_INSTRUMENT_MISMATCH',
  'PAYEE_MERCHANT_MISMATCH',
  /** The merchant-signed cart states no total this verifier can read, so the payment cannot be held against it. */
  'CART_TOTAL_UNREADABLE',
  'CHECKOUT_JWT_MALFORMED',
  'CHECKOUT_JWT_SIGNATURE_INVALID',
  'CHECKOUT_JWT_KEY_UNKNOWN',
  // L3
  'L3_NOT_AUTONOMOUS',
  'L3_KID_MISMATCH',
  'L3_HEADER_JWK_FORBIDDEN',
  'L3_SIGNATURE_INVALID',
  'L3_CNF_FORBIDDEN',
  'L3_SD_HASH_MISMATCH',
  'L3_CLAIM_MISSING',
  'L3_MANDATE_MISSING',
  /** An L3 commits a mandate outside `delegate_payload` (a disclosure of its `_sd`, or a member beside it). */
  'L3_MANDATE_MISPLACED',
  'L3_PAIR_UNBOUND',
  'L3_PAIR_DUPLICATE',
  'L3_CROSS_REFERENCE_MISMATCH',
  /** The L2 view an L3 binds lacks a disclosure the L3 must be judged by. */
  'L3_VIEW_INCOMPLETE',
  'L3_NONCE_REUSED',
  /** The presentation lacks what the verifier's role must check (merchant: checkout mandate and L3b; network: payment mandate and L3a). */
  'ROLE_VIEW_INCOMPLETE',
  'SELECTED_MERCHANT_NOT_ALLOWED',
  // constraints
  'CONSTRAINT_MALFORMED',
  'CONSTRAINT_UNKNOWN_TYPE',
  'CONSTRAINT_AMOUNT_ABOVE_MAX',
  'CONSTRAINT_AMOUNT_BELOW_MIN',
  'CONSTRAINT_AMOUNT_INVALID',
  'CONSTRAINT_CURRENCY_MISMATCH',
  'CONSTRAINT_PAYEE_NOT_ALLOWED',
  'CONSTRAINT_MERCHANT_NOT_ALLOWED',
  'CONSTRAINT_MERCHANT_UNKNOWN',
  'CONSTRAINT_ALLOWLIST_EMPTY',
  'CONSTRAINT_LINE_ITEM_NOT_ACCEPTABLE',
  'CONSTRAINT_QUANTITY_EXCEEDED',
  'CONSTRAINT_CART_EMPTY',
  'CONSTRAINT_RECURRENCE_COMPANION_MISSING',
  'CONSTRAINT_RECURRENCE_OUT_OF_WINDOW',
  // wire profiles (issue 11)
  'PROFILE_MIXED',
  'PROFILE_NOT_ACCEPTED',
  'CONSTRAINT_MATCH_MODE_UNKNOWN',
  'CONSTRAINT_LINE_ITEM_MISSING',
  'RISK_DATA_MALFORMED',
  'RISK_DATA_FORBIDDEN',
  /** An allowlist the bound view must carry has every entry withheld. */
  'CONSTRAINT_UNVERIFIABLE',
  // network ledger (stateful enforcement)
  'LEDGER_PAIR_ALREADY_FULFILLED',
  'LEDGER_NONCE_REPLAY',
  'LEDGER_BUDGET_EXCEEDED',
  'LEDGER_OCCURRENCES_EXCEEDED',
  'LEDGER_RECURRENCE_OUT_OF_WINDOW',
  'LEDGER_AUTHORIZATION_UNKNOWN',
  'LEDGER_AUTHORIZATION_REVERSED',
  'LEDGER_MANDATE_REVOKED',
  /** The authorization's hold time passed before it was captured: its budget was released. */
  'LEDGER_AUTHORIZATION_EXPIRED',
  /** The authorization was captured (settled): it cannot be reversed, nor captured again for another amount. */
  'LEDGER_AUTHORIZATION_CAPTURED',
  /** A capture amount that is not an integer from 0 to the authorized amount. */
  'LEDGER_CAPTURE_AMOUNT_INVALID',
  'LEDGER_UNAVAILABLE',
  // merchant replay memory, revocation, operator credential, credential status
  'L3B_REPLAY',
  'REVOCATION_INVALID',
  'OPERATOR_UNAUTHORIZED',
  'L1_STATUS_REVOKED',
  'L1_STATUS_SUSPENDED',
  'L1_STATUS_UNAVAILABLE',
  /** A status resolver is configured and the L1 withholds a disclosure that may be its `status`. */
  'L1_STATUS_WITHHELD',
  'L1_STATUS_INVALID',
  // AP2 v0.2 mandate chains (src/verify/ap2/); each maps to an AP2 error code (src/profiles/ap2.ts)
  /** A bundle names both vocabularies (`vi_bundle` and `ap2_bundle`), or a chain mixes VI and AP2 mandates. */
  'AP2_MIXED_VOCABULARY',
  /** The chain string: empty segments, a trailing key-binding JWT, too many hops. */
  'AP2_CHAIN_MALFORMED',
  /** The role's chain is missing from the bundle (merchant: checkout; network: payment; dispute: both). */
  'AP2_CHAIN_MISSING',
  'AP2_ROOT_KEY_UNKNOWN',
  /** The root names its key by `x5c`, and the chain does not run to a configured root (`x5cRoots`) at the verification time. */
  'AP2_ROOT_X5C_UNANCHORED',
  'AP2_SIGNATURE_INVALID',
  'AP2_HOP_TYP_INVALID',
  /** `sd_hash` / `issuer_jwt_hash`: neither, both, or not over the previous segment as presented. */
  'AP2_HOP_BINDING_INVALID',
  /** A hop's signer key: an intermediate delegate item without a usable `cnf.jwk`, or a terminal one with a `cnf`. */
  'AP2_HOP_CNF_INVALID',
  /** A hop discloses other than exactly one `delegate_payload` item. */
  'AP2_DELEGATE_COUNT',
  'AP2_FINAL_HOP_NOT_TERMINAL',
  'AP2_AUD_MISMATCH',
  'AP2_NONCE_MISMATCH',
  /** The final hop's `aud` / `nonce` cannot be checked: the verifier was configured with none. */
  'AP2_EXPECTATION_MISSING',
  'AP2_EXPIRED',
  'AP2_NOT_YET_VALID',
  'AP2_IAT_MISSING',
  /** A mandate's `vct` is not the open or closed mandate of the chain's kind where it sits. */
  'AP2_MANDATE_VCT_INVALID',
  /** A mandate breaks its JSON Schema (required members, integer amounts, the constraints it must contain). */
  'AP2_MANDATE_SCHEMA',
  'AP2_CONSTRAINT_UNKNOWN',
  /** State or an input a constraint needs is not there (mandate context, the open checkout hash). */
  'AP2_CONSTRAINT_UNRESOLVED',
  'AP2_CONSTRAINT_VIOLATED',
  /** A claim the open payment mandate pre-set is different (or missing) in the closed one. */
  'AP2_PRESET_CHANGED',
  'AP2_CHECKOUT_HASH_MISMATCH',
  /** The closed checkout's `checkout_jwt` is not the one the merchant issued, or is no UCP checkout. */
  'AP2_CHECKOUT_JWT_MISMATCH',
  'AP2_CHECKOUT_JWT_KEY_UNKNOWN',
  'AP2_CHECKOUT_JWT_SIGNATURE_INVALID',
  'AP2_TRANSACTION_ID_MISMATCH',
  'AP2_RECEIPT_INVALID',
  /** A receipt's `reference` names no closed mandate of the bundle's chains. */
  'AP2_RECEIPT_REFERENCE_UNKNOWN',
  /** A merchant was shown this closed checkout hop before (same content, or its nonce from the same key). */
  'AP2_REPLAY',
  // issuance / usage
  'ISSUE_INVALID_INPUT',
  'MONEY_INVALID',
  'KEY_INVALID',
  /** A caller passed something the API does not take (a request the ledger cannot store, a result that was not verified): a bug in the caller. */
  'ARGUMENT_INVALID',
  /** Asked of a runtime that cannot do it: an in-process key, or a synchronous signature check, where only WebCrypto is (browsers, workers, Deno). */
  'RUNTIME_UNSUPPORTED',
  /** A bug in vintent. */
  'INTERNAL',
  // HTTP transport (services)
  'HTTP_ROUTE_NOT_FOUND',
  'HTTP_METHOD_NOT_ALLOWED',
  'HTTP_UNSUPPORTED_MEDIA_TYPE',
  'HTTP_BODY_TOO_LARGE',
  'HTTP_BODY_MALFORMED',
  'HTTP_REQUEST_INVALID',
  'HTTP_REQUEST_TIMEOUT',
  /** A worker holds its maximum of open connections: 503, retry shortly. */
  'HTTP_OVERLOADED',
  'HTTP_HEADERS_TOO_LARGE',
  'HTTP_MALFORMED_REQUEST',
] as const;

/** A stable, machine-readable reason. Tests and integrations match on these. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Where in the chain an error arose. */
export type Layer =
  | 'bundle'
  | 'l1'
  | 'l2'
  | 'l3a'
  | 'l3b'
  | 'checkout_jwt'
  | 'ledger'
  | 'issue'
  | 'checkout_chain'
  | 'payment_chain'
  | 'receipt';

/** The plain-data form of a {@link VIError}: its code, message, and where in the chain it arose. */
export interface VIErrorInfo {
  code: ErrorCode;
  message: string;
  layer?: Layer;
  /** Index of the mandate pair concerned, when one is known. */
  pair?: number;
  /** AP2 chains: the segment concerned (0 the root, then each hop). */
  hop?: number;
  /** The claim or constraint concerned, e.g. `payment.amount` or `sd_hash`. */
  claim?: string;
  /** What the check required, when it is one value or range (JSON data), e.g. `{ min: 100, max: 40000 }`. */
  expected?: unknown;
  /** What it found instead (JSON data). */
  actual?: unknown;
}

/** What {@link VIError} is built from: the info, and the error underneath, if any. */
export interface VIErrorOptions extends VIErrorInfo {
  /** The error that caused this one (a driver's, a parser's); kept as `Error.cause`, never serialized. */
  cause?: unknown;
}

const CODE_SET: ReadonlySet<string> = new Set(ERROR_CODES);

/** Whether `value` is one of the closed set of {@link ERROR_CODES}. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && CODE_SET.has(value);
}

/** The error vintent throws (issuers, presenters) and reports (verifiers). */
export class VIError extends Error {
  readonly code: ErrorCode;
  readonly layer: Layer | undefined;
  readonly pair: number | undefined;
  readonly hop: number | undefined;
  readonly claim: string | undefined;
  readonly expected: unknown;
  readonly actual: unknown;

  /**
   * @example
   * throw new VIError({ code: 'LEDGER_UNAVAILABLE', layer: 'ledger', message: 'ledger unreachable', cause: driverError });
   */
  constructor(info: VIErrorOptions) {
    super(info.message, info.cause === undefined ? undefined : { cause: info.cause });
    this.name = 'VIError';
    this.code = info.code;
    this.layer = info.layer;
    this.pair = info.pair;
    this.hop = info.hop;
    this.claim = info.claim;
    this.expected = info.expected;
    this.actual = info.actual;
  }

  /** The plain data (no `cause`, no stack): what verdicts and answers carry. */
  toJSON(): VIErrorInfo {
    const out: VIErrorInfo = { code: this.code, message: this.message };
    if (this.layer !== undefined) out.layer = this.layer;
    if (this.pair !== undefined) out.pair = this.pair;
    if (this.hop !== undefined) out.hop = this.hop;
    if (this.claim !== undefined) out.claim = this.claim;
    if (this.expected !== undefined) out.expected = this.expected;
    if (this.actual !== undefined) out.actual = this.actual;
    return out;
  }
}

/** Shorthand used by issuers for refusing bad input. */
export function invalidInput(message: string, claim?: string): VIError {
  return new VIError({ code: 'ISSUE_INVALID_INPUT', layer: 'issue', message, claim });
}
