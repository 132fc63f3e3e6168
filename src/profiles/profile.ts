/**
 * Every wire name of Verifiable Intent, as a set of named profiles.
 *
 * Two vocabularies are in use: the February 2026 draft (`vi-2026-02`) and the
 * April 2026 field alignment (`vi-2026-04`). Each profile holds every name and
 * every structural difference, so code never branches on a profile's name;
 * adding a profile is a table entry (plus tests). See spec/profile.md.
 */

/** What both vocabularies share: algorithms, `typ`s, SD-JWT claim names, lifetimes. */
export const COMMON = {
  version: '0.1',
  alg: 'ES256',
  sdAlg: 'sha-256',
  typ: {
    l1: 'sd+jwt',
    l2Immediate: 'kb-sd-jwt',
    l2Autonomous: 'kb-sd-jwt+kb',
    l3: 'kb-sd-jwt',
    checkoutJwt: 'JWT',
  },
  /** Mastercard reference profile of the L1 card credential; not versioned by VI (April CF §10.1). */
  l1CardVct: 'https://credentials.mastercard.com/card',
  claim: {
    delegatePayload: 'delegate_payload',
    sd: '_sd',
    sdAlg: '_sd_alg',
    sdHash: 'sd_hash',
    arrayRef: '...',
  },
  /** Clock skew a verifier tolerates by default (seconds). */
  defaultSkewSeconds: 300,
  /** L3 lifetime: recommended default and hard maximum (seconds). */
  l3DefaultLifetimeSeconds: 300,
  l3MaxLifetimeSeconds: 3600,
  /** L2 lifetimes the issuers use by default (seconds). */
  l2ImmediateDefaultLifetimeSeconds: 900,
  l2AutonomousDefaultLifetimeSeconds: 86400,
  l1DefaultLifetimeSeconds: 365 * 86400,
} as const;

/** Keys of the eight registered constraint types (constraints.md §4). */
export type ConstraintKey =
  | 'allowedMerchant'
  | 'lineItems'
  | 'allowedPayee'
  | 'amount'
  | 'budget'
  | 'recurrence'
  | 'agentRecurrence'
  | 'reference';

/** Where the agent key id sits in an Autonomous mandate's `cnf`: beside `jwk`, or inside it. */
export type AgentKidLocation = 'cnf.kid' | 'cnf.jwk.kid';

/** One wire vocabulary. */
export interface WireProfile {
  readonly name: string;
  /** One line for `vintent profiles` and reports. */
  readonly title: string;
  /** Where the upstream text of this vocabulary lives beside the repository (../shared/...). */
  readonly specText: string;
  readonly vct: {
    readonly checkoutOpen: string;
    readonly checkout: string;
    readonly paymentOpen: string;
    readonly payment: string;
  };
  readonly constraint: Readonly<Record<ConstraintKey, string>>;
  /** The allowlist array claim of each party constraint. */
  readonly allowlistField: { readonly allowedMerchant: string; readonly allowedPayee: string };
  readonly agentKid: AgentKidLocation;
  /** L2 header `kid` naming the L1 `cnf` key: whether issuers write it (verifiers accept it either way). */
  readonly l2HeaderKid: boolean;
  /** Whether the text defines an optional L2 `iss` (a URI when present). */
  readonly l2Iss: boolean;
  /**
   * The L2 digest layout issuers write when the caller names none
   * (spec/wire-format.md "Two L2 layouts"): `unique` where the upstream
   * references were shown to accept it, `reference` otherwise.
   */
  readonly defaultL2Layout: 'reference' | 'unique';
  /**
   * Array claims whose elements may reference one disclosure between them
   * (one merchant disclosure is both an allowed merchant and an allowed payee).
   */
  readonly sharedReferenceArrays: readonly string[];
  /** Registered `frequency` values: merchant recurrence, agent recurrence. */
  readonly frequencies: {
    readonly recurrence: readonly string[];
    readonly agentRecurrence: readonly string[];
  };
  /** `line_items.match_mode` (April constraints §4.2): defined values, undefined when the profile has none. */
  readonly lineItemMatchModes: readonly string[] | undefined;
  /** `budget.min` (April constraints §4.5): a per-transaction floor. */
  readonly budgetMin: boolean;
  /**
   * A checkout_jwt without a `merchant` object names its merchant by its `iss`
   * (the upstream April vectors' shape); matched against allowlist `website`.
   */
  readonly checkoutMerchantFromIss: boolean;
  /** Order issuers write an open payment mandate's registered constraints in (the reference outputs differ). */
  readonly paymentConstraintOrder: readonly ConstraintKey[];
  /** `risk_data` on the open payment mandate (April CF §4.5.2): allowed members; undefined when not defined. */
  readonly riskDataMembers: readonly string[] | undefined;
}

const FEB_FREQUENCIES = [
  'DAILY',
  'WEEKLY',
  'BIWEEKLY',
  'MONTHLY',
  'QUARTERLY',
  'ANNUALLY',
] as const;
/** ISO 20022 frequency codes (April constraints §4.6). */
const ISO20022_FREQUENCIES = [
  'INDA',
  'DAIL',
  'WEEK',
  'TOWK',
  'TWMN',
  'MNTH',
  'TOMN',
  'QUTR',
  'FOMN',
  'SEMI',
  'YEAR',
  'TYEA',
] as const;

/** February 2026 draft (vi-spec/). */
export const VI_2026_02: WireProfile = {
  name: 'vi-2026-02',
  title: 'VI v0.1 draft, February 2026 (unversioned VCTs, payment.* constraint types)',
  specText: 'vi-spec',
  vct: {
    checkoutOpen: 'mandate.checkout.open',
    checkout: 'mandate.checkout',
    paymentOpen: 'mandate.payment.open',
    payment: 'mandate.payment',
  },
  constraint: {
    allowedMerchant: 'mandate.checkout.allowed_merchant',
    lineItems: 'mandate.checkout.line_items',
    allowedPayee: 'payment.allowed_payee',
    amount: 'payment.amount',
    budget: 'payment.budget',
    recurrence: 'payment.recurrence',
    agentRecurrence: 'payment.agent_recurrence',
    reference: 'payment.reference',
  },
  allowlistField: { allowedMerchant: 'allowed_merchants', allowedPayee: 'allowed_payees' },
  agentKid: 'cnf.kid',
  l2HeaderKid: true,
  l2Iss: true,
  // The February Python reference bundles are all the reference layout; nothing ran the unique one against it.
  defaultL2Layout: 'reference',
  sharedReferenceArrays: ['allowed_merchants', 'allowed_payees', 'acceptable_items'],
  frequencies: { recurrence: FEB_FREQUENCIES, agentRecurrence: ['ON_DEMAND', ...FEB_FREQUENCIES] },
  lineItemMatchModes: undefined,
  budgetMin: false,
  checkoutMerchantFromIss: false,
  paymentConstraintOrder: ['amount', 'allowedPayee', 'budget', 'recurrence', 'agentRecurrence'],
  riskDataMembers: undefined,
};

/** April 2026 field alignment (vi-spec-2026-04/). */
export const VI_2026_04: WireProfile = {
  name: 'vi-2026-04',
  title:
    'VI v0.1 field alignment, April 2026 (versioned .1 VCTs, mandate.* constraint types, cnf.jwk.kid)',
  specText: 'vi-spec-2026-04',
  vct: {
    checkoutOpen: 'mandate.checkout.open.1',
    checkout: 'mandate.checkout.1',
    paymentOpen: 'mandate.payment.open.1',
    payment: 'mandate.payment.1',
  },
  constraint: {
    allowedMerchant: 'mandate.checkout.allowed_merchants',
    lineItems: 'mandate.checkout.line_items',
    allowedPayee: 'mandate.payment.allowed_payees',
    amount: 'mandate.payment.amount_range',
    budget: 'mandate.payment.budget',
    recurrence: 'mandate.payment.recurrence',
    agentRecurrence: 'mandate.payment.agent_recurrence',
    reference: 'mandate.payment.reference',
  },
  allowlistField: { allowedMerchant: 'allowed', allowedPayee: 'allowed' },
  agentKid: 'cnf.jwk.kid',
  l2HeaderKid: true,
  l2Iss: true,
  // RFC 9901 §7.1, and the upstream TypeScript reference verifies it in every mode and view (spec/wire-format.md).
  defaultL2Layout: 'unique',
  sharedReferenceArrays: ['allowed', 'acceptable_items'],
  frequencies: {
    recurrence: ISO20022_FREQUENCIES,
    agentRecurrence: ['ON_DEMAND', ...ISO20022_FREQUENCIES],
  },
  lineItemMatchModes: ['minimum', 'exact'],
  budgetMin: true,
  checkoutMerchantFromIss: true,
  paymentConstraintOrder: ['allowedPayee', 'amount', 'budget', 'recurrence', 'agentRecurrence'],
  riskDataMembers: ['device_id', 'ip_address'],
};

/** Every profile, in the order `vintent profiles` lists them. */
export const PROFILES: readonly WireProfile[] = [VI_2026_02, VI_2026_04];

/** The name of a wire profile this version knows. */
export type ProfileName = 'vi-2026-02' | 'vi-2026-04';

/** What new credentials use unless told otherwise. */
export const DEFAULT_PROFILE: ProfileName = 'vi-2026-04';

const BY_NAME: ReadonlyMap<string, WireProfile> = new Map(PROFILES.map((p) => [p.name, p]));

/** The profile of that name, or undefined. */
export function findProfile(name: unknown): WireProfile | undefined {
  return typeof name === 'string' ? BY_NAME.get(name) : undefined;
}

/** The profile of that name (default: {@link DEFAULT_PROFILE}); throws a TypeError on an unknown name (a caller bug). */
export function profileOf(name: string | WireProfile | undefined): WireProfile {
  if (typeof name === 'object' && name !== null) return name;
  const p = BY_NAME.get(name ?? DEFAULT_PROFILE);
  if (!p)
    throw new TypeError(
      `unknown VI profile ${JSON.stringify(name)}; known: ${PROFILES.map((x) => x.name).join(', ')}`,
    );
  return p;
}

/** Immediate (final cart and payment) or Autonomous (open mandates for an agent). */
export type Mode = 'immediate' | 'autonomous';

/** The two mandate kinds of a pair. */
export type MandateKind = 'checkout' | 'payment';

/** A mandate VCT, classified: kind, open or final, and the profile that spells it so. */
export interface VctClass {
  kind: MandateKind;
  open: boolean;
  profile: WireProfile;
}

const VCT_CLASSES: ReadonlyMap<string, VctClass> = new Map(
  PROFILES.flatMap(
    (profile) =>
      [
        [profile.vct.checkoutOpen, { kind: 'checkout', open: true, profile }],
        [profile.vct.checkout, { kind: 'checkout', open: false, profile }],
        [profile.vct.paymentOpen, { kind: 'payment', open: true, profile }],
        [profile.vct.payment, { kind: 'payment', open: false, profile }],
      ] as [string, VctClass][],
  ),
);

/** Classify a mandate VCT of any known profile (VCTs are matched fully versioned, April CF §10.1). */
export function classifyVct(vct: unknown): VctClass | undefined {
  return typeof vct === 'string' ? VCT_CLASSES.get(vct) : undefined;
}

/** The final-mandate VCT a profile uses for a kind (L3a/L3b, Immediate L2). */
export function finalVct(profile: WireProfile, kind: MandateKind): string {
  return kind === 'payment' ? profile.vct.payment : profile.vct.checkout;
}

/** The agent key id an Autonomous mandate's `cnf` carries, where this profile puts it. */
export function agentKidOf(profile: WireProfile, cnf: unknown): unknown {
  if (typeof cnf !== 'object' || cnf === null) return undefined;
  const c = cnf as Record<string, unknown>;
  if (profile.agentKid === 'cnf.kid') return c.kid;
  const jwk = c.jwk;
  return typeof jwk === 'object' && jwk !== null ? (jwk as Record<string, unknown>).kid : undefined;
}

/** The `cnf` an Autonomous mandate carries for an agent key (bare public JWK) and its kid. */
export function agentCnf(
  profile: WireProfile,
  bareJwk: Record<string, unknown>,
  kid: string,
): Record<string, unknown> {
  if (profile.agentKid === 'cnf.kid') return { jwk: bareJwk, kid };
  // Member by member, not `{ ...bareJwk, kid }`: in V8 11 a member added after a spread costs about a
  // microsecond, and the object it makes is slower to JSON.stringify as well.
  const jwk: Record<string, unknown> = {};
  for (const name of Object.keys(bareJwk)) {
    if (name === '__proto__')
      Object.defineProperty(jwk, name, {
        value: bareJwk[name],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else jwk[name] = bareJwk[name];
  }
  jwk.kid = kid;
  return { jwk };
}

/**
 * Compatibility view: the February names under the single-table shape the
 * code used before profiles, with the union of shareable arrays. New code
 * takes a {@link WireProfile}; this goes once every caller does.
 * @deprecated use {@link profileOf} / {@link COMMON}
 */
export const PROFILE = {
  ...COMMON,
  vct: { l1Card: COMMON.l1CardVct, ...VI_2026_02.vct },
  constraint: VI_2026_02.constraint,
  sharedReferenceArrays: [...new Set(PROFILES.flatMap((p) => p.sharedReferenceArrays))],
} as const;

/** A constraint type name such as `payment.amount`. */
export type ConstraintTypeName = string;
/** Every registered constraint type name of every profile. */
export const REGISTERED_CONSTRAINT_TYPES: readonly string[] = [
  ...new Set(PROFILES.flatMap((p) => Object.values(p.constraint))),
];

/**
 * ISO 4217 currency codes with their minor-unit exponents (the active list
 * with its funds codes, and the codes replaced since 2023 that are still in
 * circulation). Codes without a minor unit (precious metals, XDR, XXX, XTS)
 * are not money here. A code not in this table is malformed.
 */
export const CURRENCY_EXPONENT: Readonly<Record<string, number>> = Object.freeze({
  AED: 2,
  AFN: 2,
  ALL: 2,
  AMD: 2,
  ANG: 2,
  AOA: 2,
  ARS: 2,
  AUD: 2,
  AWG: 2,
  AZN: 2,
  BAM: 2,
  BBD: 2,
  BDT: 2,
  BGN: 2,
  BMD: 2,
  BND: 2,
  BOB: 2,
  BOV: 2,
  BRL: 2,
  BSD: 2,
  BTN: 2,
  BWP: 2,
  BYN: 2,
  BZD: 2,
  CAD: 2,
  CDF: 2,
  CHE: 2,
  CHF: 2,
  CHW: 2,
  CNY: 2,
  COP: 2,
  COU: 2,
  CRC: 2,
  CUP: 2,
  CVE: 2,
  CZK: 2,
  DKK: 2,
  DOP: 2,
  DZD: 2,
  EGP: 2,
  ERN: 2,
  ETB: 2,
  EUR: 2,
  FJD: 2,
  FKP: 2,
  GBP: 2,
  GEL: 2,
  GHS: 2,
  GIP: 2,
  GMD: 2,
  GTQ: 2,
  GYD: 2,
  HKD: 2,
  HNL: 2,
  HTG: 2,
  HUF: 2,
  IDR: 2,
  ILS: 2,
  INR: 2,
  IRR: 2,
  JMD: 2,
  KES: 2,
  KGS: 2,
  KHR: 2,
  KPW: 2,
  KYD: 2,
  KZT: 2,
  LAK: 2,
  LBP: 2,
  LKR: 2,
  LRD: 2,
  LSL: 2,
  MAD: 2,
  MDL: 2,
  MGA: 2,
  MKD: 2,
  MMK: 2,
  MNT: 2,
  MOP: 2,
  MRU: 2,
  MUR: 2,
  MVR: 2,
  MWK: 2,
  MXN: 2,
  MXV: 2,
  MYR: 2,
  MZN: 2,
  NAD: 2,
  NGN: 2,
  NIO: 2,
  NOK: 2,
  NPR: 2,
  NZD: 2,
  PAB: 2,
  PEN: 2,
  PGK: 2,
  PHP: 2,
  PKR: 2,
  PLN: 2,
  QAR: 2,
  RON: 2,
  RSD: 2,
  RUB: 2,
  SAR: 2,
  SBD: 2,
  SCR: 2,
  SDG: 2,
  SEK: 2,
  SGD: 2,
  SHP: 2,
  SLE: 2,
  SLL: 2,
  SOS: 2,
  SRD: 2,
  SSP: 2,
  STN: 2,
  SVC: 2,
  SYP: 2,
  SZL: 2,
  THB: 2,
  TJS: 2,
  TMT: 2,
  TOP: 2,
  TRY: 2,
  TTD: 2,
  TWD: 2,
  TZS: 2,
  UAH: 2,
  USD: 2,
  USN: 2,
  UYU: 2,
  UZS: 2,
  VED: 2,
  VES: 2,
  WST: 2,
  XCD: 2,
  XCG: 2,
  YER: 2,
  ZAR: 2,
  ZMW: 2,
  ZWG: 2,
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
});

/** A currency code this table knows (an own property: `constructor` is not a currency). */
export function isIsoCurrency(code: unknown): code is string {
  return (
    typeof code === 'string' && /^[A-Z]{3}$/.test(code) && Object.hasOwn(CURRENCY_EXPONENT, code)
  );
}
