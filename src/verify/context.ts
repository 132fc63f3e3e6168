/**
 * The state one verification carries from step to step, and the helper that
 * turns each small check into a recorded pass, failure or skip.
 */
import type { KeyObject } from 'node:crypto';
import type { Strictness } from '../constraints/types.js';
import { type Layer, VIError, type VIErrorInfo } from '../errors.js';
import { type PublicKeyCache, sharedKeyCache } from '../sdjwt/keys.js';
import { DEFAULT_PARSE_LIMITS, type ParsedJwt, type ParsedSdJwt } from '../sdjwt/parse.js';
import type { Resolved } from '../sdjwt/resolve.js';
import type { Bundle, Expectation } from '../spec/bundle.js';
import { type MandateKind, type Mode, PROFILE, type WireProfile } from '../spec/profile.js';
import type { CheckName } from './checks.js';
import type { KeyLookup } from './steps/common.js';
import type { CheckRecord, CheckStatus, KeyResolver, Limits, PairResult, VerifyOptions } from './types.js';

/** Defaults for {@link Limits}; each is documented with its error code in spec/limits.md. */
export const DEFAULT_LIMITS: Limits = {
  ...DEFAULT_PARSE_LIMITS,
  maxBundleBytes: 2 * 1024 * 1024,
  maxPairs: 32,
  maxL3Entries: 32,
  maxConstraints: 64,
  maxL1LifetimeSeconds: 365 * 86400,
  maxImmediateL2LifetimeSeconds: 15 * 60,
  maxL3LifetimeSeconds: PROFILE.l3MaxLifetimeSeconds,
};

/** A signature-checked L2 presentation: the main `l2` or a per-L3 view of the same L2. */
export interface L2View {
  label: string;
  parsed: ParsedSdJwt;
  resolved?: Resolved;
}

export interface MandateRecord {
  digest: string;
  kind: MandateKind;
  open: boolean;
  vct: string;
  /** The wire profile whose VCT this mandate carries. */
  profile: WireProfile;
  claims: Record<string, unknown>;
  /** The disclosure's value before resolution (nested `_sd` still visible). */
  raw: unknown;
  /** False when its shape check failed: nothing may be derived from it then. */
  wellFormed: boolean;
  /** Pair identifier once computed. */
  pairId?: string;
}

export interface L3Record {
  entry: number;
  kind: MandateKind;
  layer: 'l3a' | 'l3b';
  parsed: ParsedSdJwt;
  view: L2View | undefined;
  resolved?: Resolved;
  /** Set once the signature checked out against the delegated agent key. */
  verified: boolean;
  pairId?: string;
  /** The L2 mandate this L3 binds, as its own view resolves it: what it is judged against. */
  bound?: Record<string, unknown>;
  /** The final mandate the L3 carries. */
  mandate?: Record<string, unknown>;
  /** The selected merchant disclosed beside an L3a's payment mandate. */
  selectedMerchant?: Record<string, unknown>;
  signer?: string;
}

export interface PairState {
  pairId: string;
  order: number;
  checkout?: MandateRecord;
  payment?: MandateRecord;
  l3a?: L3Record;
  l3b?: L3Record;
  result: PairResult;
}

/** What a check function may return to say it did not apply. */
export interface Skip {
  skip: string;
}
export const skip = (reason: string): Skip => ({ skip: reason });

export class VerifyContext {
  readonly errors: VIErrorInfo[] = [];
  readonly checks: CheckRecord[] = [];
  readonly skew: number;
  readonly strictness: Strictness;
  readonly limits: Limits;
  readonly keyCache: PublicKeyCache;
  at = 0;
  bundle: Bundle | undefined;
  issuerKeys: KeyResolver | undefined;
  merchantKeys: KeyResolver | undefined;
  /** The key-resolution stage's answers (steps/keys.ts): the issuer key by the L1 kid, merchant keys by kid. */
  issuerLookup: KeyLookup | undefined;
  readonly merchantLookups = new Map<string, KeyLookup>();
  expect: { l2?: Expectation; l3a?: Expectation; l3b?: Expectation } = {};

  l1: ParsedSdJwt | undefined;
  l1Resolved: Resolved | undefined;
  /** True once the L1 signature verified against a trusted issuer key. */
  l1Trusted = false;
  issuerThumbprint: string | undefined;
  userKey: KeyObject | undefined;
  userThumbprint: string | undefined;
  /** L1 `card_id` when the verified L1 carries one. */
  cardId: string | undefined;

  l2: L2View | undefined;
  /** Per-L3 L2 views; same issuer-signed JWT as `l2`. */
  l2Views: L2View[] = [];
  l2Trusted = false;
  l2Id: string | undefined;
  mode: Mode | undefined;
  /** The chain's wire profile, from its mandate VCTs. */
  profile: WireProfile | undefined;

  /** Disclosed mandates across all L2 views, by disclosure digest. */
  mandates = new Map<string, MandateRecord>();
  /** checkout_jwts parsed so far (a few per verification, bounded by the pairs). */
  checkoutJwts: ParsedJwt[] = [];
  pairs: PairState[] = [];
  l3: L3Record[] = [];

  constructor(readonly options: VerifyOptions) {
    this.skew = options.skewSeconds ?? PROFILE.defaultSkewSeconds;
    this.strictness = options.strictness ?? 'PERMISSIVE';
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.keyCache = options.keyCache ?? sharedKeyCache;
  }

  get valid(): boolean {
    return this.errors.length === 0;
  }

  /**
   * Whether anything parsed in this verification has a member named like a
   * private JWK member (header, payload or disclosure, at any depth, or a
   * disclosed claim so named). Echoed claims come only from these, so when
   * none has one there is nothing to redact.
   */
  mayEchoPrivateKey(): boolean {
    const any = (p: ParsedSdJwt | undefined) => p !== undefined && (p.jwt.privateJwkMember || p.disclosures.some((d) => d.privateJwkMember));
    return (
      any(this.l1) ||
      any(this.l2?.parsed) ||
      this.l2Views.some((v) => any(v.parsed)) ||
      this.l3.some((r) => any(r.parsed)) ||
      this.checkoutJwts.some((j) => j.privateJwkMember)
    );
  }

  pass(name: CheckName, layer: Layer, pair?: number): void {
    this.checks.push(pair === undefined ? { name, status: 'passed', layer } : { name, status: 'passed', layer, pair });
  }

  skipped(name: CheckName, layer: Layer, reason: string, pair?: number): void {
    this.checks.push(pair === undefined ? { name, status: 'skipped', layer, reason } : { name, status: 'skipped', layer, reason, pair });
  }

  failed(name: CheckName, layer: Layer, errors: readonly VIErrorInfo[], pair?: number): void {
    this.checks.push(pair === undefined ? { name, status: 'failed', layer } : { name, status: 'failed', layer, pair });
    for (const e of errors) {
      const info: VIErrorInfo = { ...e, layer: e.layer ?? layer };
      if (pair !== undefined && info.pair === undefined) info.pair = pair;
      this.errors.push(info);
    }
  }

  /**
   * Run one named check. It passes by returning, fails by throwing a VIError,
   * and is skipped by returning {@link skip}. Returns the status recorded.
   */
  check(name: CheckName, layer: Layer, fn: () => void | Skip, pair?: number): CheckStatus {
    try {
      const r = fn();
      if (r && typeof r === 'object' && 'skip' in r) {
        this.skipped(name, layer, r.skip, pair);
        return 'skipped';
      }
      this.pass(name, layer, pair);
      return 'passed';
    } catch (e) {
      this.failed(name, layer, [toInfo(e, layer)], pair);
      return 'failed';
    }
  }
}

export function toInfo(e: unknown, layer: Layer): VIErrorInfo {
  if (e instanceof VIError) return { ...e.toJSON(), layer: e.layer ?? layer };
  if (process.env.VINTENT_DEBUG) console.error(e);
  return { code: 'INTERNAL', layer, message: 'internal error while verifying' };
}

/** Throw a VIError; steps use it to fail the current check. */
export function reject(code: VIErrorInfo['code'], message: string, claim?: string): never {
  throw new VIError({ code, message, claim });
}
