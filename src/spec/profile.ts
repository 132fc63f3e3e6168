/**
 * Every wire name of VI v0.1 in one table.
 *
 * The standard is still a draft and a later revision renames things; code
 * reads names from here and nowhere else. See spec/profile.md.
 */
export const PROFILE = {
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
  vct: {
    /** Mastercard reference profile of the L1 card credential. */
    l1Card: 'https://credentials.mastercard.com/card',
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
  claim: {
    delegatePayload: 'delegate_payload',
    sd: '_sd',
    sdAlg: '_sd_alg',
    sdHash: 'sd_hash',
    arrayRef: '...',
  },
  /** Allowlist arrays that may reference one merchant/item disclosure between them (the reference's L2 shares merchants between allowed_merchants and allowed_payees). */
  sharedReferenceArrays: ['allowed_merchants', 'allowed_payees', 'acceptable_items'],
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

export type ConstraintTypeName = (typeof PROFILE.constraint)[keyof typeof PROFILE.constraint];
export const REGISTERED_CONSTRAINT_TYPES: readonly string[] = Object.values(PROFILE.constraint);

export type Mode = 'immediate' | 'autonomous';

export type MandateKind = 'checkout' | 'payment';

/** Classify a mandate VCT: which kind and which mode it belongs to. */
export function classifyVct(vct: unknown): { kind: MandateKind; open: boolean } | undefined {
  switch (vct) {
    case PROFILE.vct.checkoutOpen:
      return { kind: 'checkout', open: true };
    case PROFILE.vct.checkout:
      return { kind: 'checkout', open: false };
    case PROFILE.vct.paymentOpen:
      return { kind: 'payment', open: true };
    case PROFILE.vct.payment:
      return { kind: 'payment', open: false };
    default:
      return undefined;
  }
}

/** ISO 4217 minor-unit exponents for the currencies we know; default is 2. */
export const CURRENCY_EXPONENT: Readonly<Record<string, number>> = {
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0,
  RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  CLF: 4, UYW: 4,
};
