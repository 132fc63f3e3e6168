/** Options and results of AP2 v0.2 verification (BUNDLE-AP2.md, spec/ap2.md). */
import type { Ap2MandateContext } from '../../constraints/ap2/index.js';
import type { VIErrorInfo } from '../../errors.js';
import type { Ap2ErrorCode, Ap2Role } from '../../profiles/ap2.js';
import type { MandateKind } from '../../profiles/profile.js';
import type { PublicKeyCache } from '../../sdjwt/keys.js';
import type { ParsedJwtCache } from '../../sdjwt/parse-cache.js';
import type { VerifiedSignatureCache } from '../../sdjwt/signature-cache.js';
import type { CheckRecord, KeyResolver, Limits } from '../types.js';

export type { Ap2MandateContext };

/** What the verifier expects of one chain (BUNDLE-AP2.md `expect`): each value given is checked. */
export interface Ap2Expectation {
  aud?: string;
  /**
   * The nonce the final hop must carry, or a predicate over it (a nonce
   * store's lookup; a network whose ledger consumes each nonce once).
   */
  nonce?: string | ((nonce: string) => boolean);
  /** Checkout chains: the checkout JWT the merchant issued. */
  checkout_jwt?: string;
  /** Payment chains: the checkout hash this payment is for. */
  transaction_id?: string;
  /** Payment chains: the digest of the open checkout mandate a `payment.reference` must name. */
  open_checkout_hash?: string;
}

/** How to verify an AP2 bundle: trust, expectations and state from configuration. */
export interface Ap2VerifyOptions {
  /** Root keys: agent providers and user-credential issuers, by `kid`. */
  issuerKeys?: KeyResolver;
  /**
   * Trust anchors for roots that name their key by `x5c` (standard base64 DER,
   * BUNDLE-AP2.md `trust.x5c_roots`): such a root counts only when its chain
   * runs to one of these. Checked on Node; elsewhere an x5c root is refused.
   */
  x5cRoots?: readonly string[];
  /** Merchant keys: `checkout_jwt` signatures and checkout receipts. */
  merchantKeys?: KeyResolver;
  /** Payment-receipt signers (merchant payment processors, PSPs). */
  receiptKeys?: KeyResolver;
  /** Whose view this is; defaults to the bundle's `role`. */
  role?: Ap2Role;
  /** What the verifier expects, per chain; with `trustFromBundle`, the bundle's `expect` fills what is not given here. */
  expect?: { checkout?: Ap2Expectation; payment?: Ap2Expectation };
  /** The state held for the open payment mandate (a ledger's); with `trustFromBundle`, the bundle's `inputs` when not given. */
  mandateContext?: Ap2MandateContext;
  /** Verification time, Unix seconds (the bundle's `at` only with `trustFromBundle`). */
  now?: number;
  /** Test vectors only: read `trust`, `at`, `expect` and `inputs` from the bundle. */
  trustFromBundle?: boolean;
  /**
   * Receipt `reference`: `text` (default) hashes the final segment with its
   * disclosures as `sd_hash` does (docs/agent_authorization.md:509-513);
   * `sdk` also accepts the AP2 SDK's hash of the leaf JWT alone.
   */
  receiptReference?: 'text' | 'sdk';
  skewSeconds?: number;
  limits?: Partial<Limits>;
  keyCache?: PublicKeyCache;
  signatureCache?: VerifiedSignatureCache;
  /** Remembers the parse of recurring segments (an open mandate's root) across presentations; every check still runs. */
  parseCache?: ParsedJwtCache;
}

/** One verified chain, as far as it got. */
export interface Ap2ChainResult {
  kind: MandateKind;
  /** Segments: 1 for a lone root, then one per hop. */
  segments: number;
  /** The root key's kid. */
  root_kid?: string;
  /** The closed mandate as disclosed (the final segment's delegate item). */
  closed?: Record<string, unknown>;
  /** The open mandates of the chain, root first. */
  open: Record<string, unknown>[];
  /**
   * B64U(SHA-256(root JWT header.payload)): identifies the root mandate
   * across presentations, whatever disclosures or signature bytes they carry
   * (what a network keys budgets and single use on; {@link ap2RootId}).
   */
  root_id?: string;
  /** B64U(SHA-256(final segment as presented)): what a receipt's `reference` names. */
  closed_reference?: string;
  checkout_hash?: string;
  transaction_id?: string;
  /** B64U(SHA-256(final hop header.payload)), when the chain has hops: the hop's content, whatever its signature bytes. */
  closed_hop_id?: string;
  /** The final hop's audience binding, when the chain has hops. */
  final_hop?: { aud: string; nonce: string; iat: number };
}

/** The verdict of {@link verifyAp2Presentation}: never thrown, always returned. */
export interface Ap2VerificationResult {
  valid: boolean;
  profile: 'ap2-0.2';
  /** The AP2 error code of the first error (docs/agent_authorization.md), null when valid. */
  ap2_error: Ap2ErrorCode | null;
  at: number;
  errors: (VIErrorInfo & { ap2_error: Ap2ErrorCode })[];
  errorsOmitted: number;
  checks: CheckRecord[];
  chains: { checkout?: Ap2ChainResult; payment?: Ap2ChainResult };
  receipts: { kind: MandateKind; valid: boolean }[];
}
