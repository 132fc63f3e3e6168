/**
 * The typed values the verification stages hand each other, in pipeline
 * order (spec/verification.md "Stages"). Each stage takes what the previous
 * ones established and returns its own readonly value, or undefined when
 * the chain cannot go on; no stage reads another's state otherwise.
 *
 * bundle → {@link ReadBundle} → {@link ParsedChain} → {@link ResolvedKeys}
 * → {@link VerifiedL1} → {@link VerifiedL2} → {@link MandateSet} (mode,
 * profile) → {@link Pairs} → {@link BoundL3s} → checkout_jwt and cart →
 * {@link ConstraintReports} → VerificationResult.
 */
import type { ConstraintReport } from '../constraints/registry.js';
import type { Bundle, Expectation } from '../profiles/bundle.js';
import type { MandateKind, Mode, WireProfile } from '../profiles/profile.js';
import type { PublicJwk, PublicKeyHandle } from '../sdjwt/keys.js';
import type { ParsedJwt, ParsedSdJwt } from '../sdjwt/parse.js';
import type { Resolved } from '../sdjwt/resolve.js';
import type { VerifyConfig } from './context.js';
import type { KeyLookup } from './steps/common.js';
import type { KeyResolver } from './types.js';

/** Stage `bundle.schema`: the bundle, and the trust, time and expectations it is judged with. */
export interface ReadBundle {
  readonly bundle: Bundle;
  readonly config: VerifyConfig;
  /** Verification time, Unix seconds: `now`, else (trustFromBundle) the bundle's `at`, else the clock. */
  readonly at: number;
  readonly expect: {
    readonly l2: Expectation;
    readonly l3a: Expectation;
    readonly l3b: Expectation;
  };
  readonly issuerKeys: KeyResolver;
  readonly merchantKeys: KeyResolver | undefined;
}

/** One presentation of the L2: the bundle's `l2` (index 0) or a per-L3 view of it. */
export interface ParsedView {
  /** Position in {@link ParsedChain.views}. */
  readonly index: number;
  readonly label: string;
  readonly parsed: ParsedSdJwt;
}

/** An L3 as parsed, with the L2 view its entry presents beside it. */
export interface ParsedL3 {
  /** Index of the bundle's `l3` entry. */
  readonly entry: number;
  readonly kind: MandateKind;
  readonly layer: 'l3a' | 'l3b';
  readonly parsed: ParsedSdJwt;
  /** Index into {@link ParsedChain.views}; undefined when that view did not parse. */
  readonly view: number | undefined;
}

/**
 * The checkout_jwts of one verification, each parsed at most once (every
 * stage that reads one asks here). A memo: what it returns depends only on
 * the string asked for.
 */
export interface CheckoutJwts {
  /** The parsed checkout_jwt. Throws VIError CHECKOUT_JWT_MALFORMED (or JSON_DUPLICATE_MEMBER). */
  of(jwt: string): ParsedJwt;
  /** Whether a parsed one has a member named like a private JWK member. */
  anyPrivateJwkMember(): boolean;
}

/** Stage `*.parse`: one parse of every credential the bundle carries. */
export interface ParsedChain {
  readonly read: ReadBundle;
  readonly l1: ParsedSdJwt;
  /** `views[0]` is the bundle's `l2`; the rest are the distinct per-L3 views, in order of first use. */
  readonly views: readonly ParsedView[];
  readonly l3: readonly ParsedL3[];
  readonly checkoutJwts: CheckoutJwts;
}

/** Stage key resolution: every trusted key the rest may need, looked up once (the only stage that may wait). */
export interface ResolvedKeys {
  /** The issuer key the L1 header's kid names; undefined when there is no kid to look up. */
  readonly issuer: KeyLookup | undefined;
  /** Merchant keys by the kid of each readable checkout_jwt presented. */
  readonly merchants: ReadonlyMap<string, KeyLookup>;
}

/** Stage `l1.*`: an L1 whose signature verified under a trusted issuer key. */
export interface VerifiedL1 {
  readonly parsed: ParsedSdJwt;
  /** The trusted key the L1 verified under. */
  readonly issuerJwk: PublicJwk;
  readonly issuerThumbprint: string;
  /** Undefined when `l1.disclosures` failed. */
  readonly resolved: Resolved | undefined;
  /** The user key from `cnf.jwk`; undefined when `l1.cnf` failed. */
  readonly userKey: PublicKeyHandle | undefined;
  readonly userThumbprint: string | undefined;
  /** `card_id` when the L1 carries one. */
  readonly cardId: string | undefined;
}

/** An L2 presentation after `l2.disclosures` / `l2.view`. */
export interface ResolvedView extends ParsedView {
  /** Undefined when its disclosures did not resolve (or it is not the same L2). */
  readonly resolved: Resolved | undefined;
}

/** Stage `l2.*`: an L2 whose signature verified under the L1 `cnf` key. */
export interface VerifiedL2 {
  /** B64U(SHA-256(header.payload)): the L2 across views, whatever the (malleable) signature. */
  readonly id: string;
  /** Aligned with {@link ParsedChain.views}: `views[0]` is the bundle's `l2`. */
  readonly views: readonly ResolvedView[];
}

/** A mandate disclosed in some L2 view. */
export interface Mandate {
  readonly digest: string;
  readonly kind: MandateKind;
  readonly open: boolean;
  readonly vct: string;
  /** The wire profile whose VCT this mandate carries. */
  readonly profile: WireProfile;
  readonly claims: Record<string, unknown>;
  /** The disclosure's value before resolution (nested `_sd` still visible). */
  readonly raw: unknown;
  /** False unless `mandates.shape` passed: nothing may be derived from it then. */
  readonly wellFormed: boolean;
}

/** Stage `mandates.*`: the mandates disclosed, the mode and profile they imply. */
export interface MandateSet {
  readonly l2: VerifiedL2;
  /** By disclosure digest. */
  readonly mandates: ReadonlyMap<string, Mandate>;
  /** delegate_payload position of each digest the L2 signs. */
  readonly order: ReadonlyMap<string, number>;
  /** Named once `mandates.mode` read the VCTs; undefined when they mix profiles or modes. */
  readonly profile: WireProfile | undefined;
  /** Undefined when `mandates.mode` failed before judging it. */
  readonly mode: Mode | undefined;
  /** True when `mandates.mode` passed: shapes were checked and pairs may be formed. */
  readonly moded: boolean;
}

/** A mandate pair: the checkout and payment mandates sharing a pair identifier. */
export interface Pair {
  readonly index: number;
  readonly pairId: string;
  readonly checkout: Mandate | undefined;
  readonly payment: Mandate | undefined;
}

/** Stage `mandates.pairing` and the per-pair mandate checks. */
export interface Pairs {
  /** In delegate_payload order; as far as pairing got when it failed. */
  readonly list: readonly Pair[];
  /** The pair identifier of each mandate pairing reached. */
  readonly pairIdOf: ReadonlyMap<string, string>;
}

/** An L3 after its checks: bound to a mandate through its view, and whether it verified. */
export interface BoundL3 extends ParsedL3 {
  /** The view its sd_hash is judged against. */
  readonly boundView: ResolvedView | undefined;
  readonly verified: boolean;
  readonly pairId: string | undefined;
  /** The L2 mandate it binds, as its own view resolves it: what it is judged against. */
  readonly bound: Record<string, unknown> | undefined;
  /** The L3's own payload after resolving its disclosures. */
  readonly resolved: Resolved | undefined;
  /** The final mandate it carries. */
  readonly final: Record<string, unknown> | undefined;
  /** The agent key's thumbprint, once its signature verified. */
  readonly signer: string | undefined;
}

/** The L3s of one pair: the first of each kind bound to it, and the status of the last. */
export interface PairL3s {
  readonly l3a: BoundL3 | undefined;
  readonly l3b: BoundL3 | undefined;
  readonly l3aStatus: 'verified' | 'failed' | 'absent';
  readonly l3bStatus: 'verified' | 'failed' | 'absent';
}

/** Stage `l3*`: every L3 as judged, and per pair (by pair index) the L3s bound to it. */
export interface BoundL3s {
  /** Aligned with {@link ParsedChain.l3}; empty when the L3s were not judged. */
  readonly l3: readonly BoundL3[];
  readonly byPair: readonly PairL3s[];
}

/** Stage `constraints.*`: the constraint reports of each pair, by pair index. */
export type ConstraintReports = readonly (readonly ConstraintReport[])[];
