/**
 * The closed set of check names a verification records (`result.checks`),
 * in pipeline order. Stable API: the inspector, spec/verification.md and
 * spec/security-matrix.md refer to checks by these names.
 */
export const CHECK_NAMES = [
  // stage 0: the bundle and one parse of each credential
  'bundle.schema',
  'l1.parse',
  'l2.parse',
  'l2.view.parse',
  'l3a.parse',
  'l3b.parse',
  // stage 1: verified L1
  'l1.header',
  'l1.signature',
  'l1.disclosures',
  'l1.claims',
  'l1.cnf',
  'l1.time',
  'l1.status',
  // stage 2: verified L2 and its mode
  'l2.header',
  'l2.signature',
  'l2.sd_hash',
  'l2.claims',
  'l2.time',
  'l2.expect',
  'l2.disclosures',
  'l2.view',
  'mandates',
  'mandates.disclosed',
  'mandates.shared_references',
  'mandates.mode',
  'l2.lifetime',
  'mandates.shape',
  // stage 3: pairs
  'mandates.pairing',
  'mandates.card_id',
  'mandates.checkout_hash',
  'mandates.payment_reference',
  'mandates.cnf_pair',
  // stage 4: L3s bound to their views
  'l3',
  'l3.mode',
  'l3a.header',
  'l3a.pair',
  'l3a.signature',
  'l3a.cnf',
  'l3a.sd_hash',
  'l3a.claims',
  'l3a.time',
  'l3a.expect',
  'l3a.mandate',
  'l3a.view',
  'l3a.selected_merchant',
  'l3b.header',
  'l3b.pair',
  'l3b.signature',
  'l3b.cnf',
  'l3b.sd_hash',
  'l3b.claims',
  'l3b.time',
  'l3b.expect',
  'l3b.mandate',
  'l3b.view',
  'l3.cross_reference',
  'l3.entry',
  // stage 4b: what the verifier's role must be shown
  'role.view',
  // stage 5: the merchant's checkout_jwt and the cart
  'checkout_jwt.claims',
  'checkout_jwt.signature',
  'bindings.amount_matches_cart',
  // stage 6: constraints
  'constraints.payment',
  'constraints.payment.withheld',
  'constraints.checkout',
  'constraints.checkout.withheld',
  // AP2 v0.2 chains (src/verify/ap2/), per chain: the walk, then the mandates, then the bindings
  'ap2.bundle',
  'ap2.role',
  'ap2.chain.parse',
  'ap2.root.key',
  'ap2.root.signature',
  'ap2.hop.header',
  'ap2.hop.signature',
  'ap2.hop.binding',
  'ap2.disclosures',
  'ap2.delegate',
  'ap2.hop.cnf',
  'ap2.chain.terminal',
  'ap2.chain.expect',
  'ap2.time',
  'ap2.mandates',
  'ap2.mandates.schema',
  'ap2.constraints',
  'ap2.presets',
  'ap2.checkout.hash',
  'ap2.checkout.jwt',
  'ap2.checkout.signature',
  'ap2.payment.transaction_id',
  'ap2.receipts',
  // a bug, never a verdict
  'internal',
] as const;

/** A check's stable name. */
export type CheckName = (typeof CHECK_NAMES)[number];

const NAMES: ReadonlySet<string> = new Set(CHECK_NAMES);

/** Whether `value` is one of the closed set of {@link CHECK_NAMES}. */
export function isCheckName(value: unknown): value is CheckName {
  return typeof value === 'string' && NAMES.has(value);
}
