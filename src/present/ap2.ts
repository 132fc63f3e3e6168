/**
 * AP2 v0.2 presentations: one `ap2_bundle` (BUNDLE-AP2.md) per recipient,
 * carrying exactly the chains that role is shown (AP2_V0_2.roleChains): the
 * merchant the checkout chain and never the payment chain, the credential
 * provider, the network and the merchant's payment processor the payment
 * chain and never the checkout chain, a dispute both, with receipts.
 *
 * Chains travel as issued (`joinAp2Chain` output, or a segment cut with
 * `presentAp2Segment`): nothing is re-encoded, so every `sd_hash` holds.
 */
import { invalidInput } from '../errors.js';
import { AP2_V0_2, type Ap2Role } from '../profiles/ap2.js';
import type { JwkSet } from '../profiles/bundle.js';
import type { MandateKind } from '../profiles/profile.js';

/** The chains an agent holds for one purchase, `~~`-joined as issued. */
export interface Ap2Chains {
  checkout?: string;
  payment?: string;
}

/** What a presentation may carry besides its chains (BUNDLE-AP2.md members). */
export interface Ap2PresentOptions {
  /** For test vectors and debugging only: verifiers take trust from their own configuration. */
  trust?: {
    issuer_jwks?: JwkSet;
    merchant_jwks?: JwkSet;
    receipt_jwks?: JwkSet;
    x5c_roots?: string[];
  };
  /** Receipts, for a dispute: `{ kind, jwt }` as issued by `issueAp2Receipt`. */
  receipts?: { kind: MandateKind; jwt: string }[];
  name?: string;
  /** Verification time for a test vector (Unix seconds). */
  at?: number;
}

/** An AP2 presentation bundle (BUNDLE-AP2.md). */
export interface Ap2PresentationBundle {
  ap2_bundle: 1;
  name?: string;
  role: Ap2Role;
  at?: number;
  trust?: Ap2PresentOptions['trust'];
  checkout_chain?: string;
  payment_chain?: string;
  receipts?: { kind: MandateKind; jwt: string }[];
}

const CHAIN_SEPARATOR = AP2_V0_2.chainSeparator;

function chainOf(chains: Ap2Chains, kind: MandateKind, role: Ap2Role): string {
  const c = chains[kind];
  if (typeof c !== 'string' || c.length === 0)
    throw invalidInput(`the ${role} must be shown the ${kind} chain, and none was given`, kind);
  // A root alone is a chain too (human present); the verifier judges the rest.
  if (c.startsWith(CHAIN_SEPARATOR))
    throw invalidInput(`the ${kind} chain starts with no root`, kind);
  return c;
}

/**
 * The bundle for `role`: the chains it is shown, and only those.
 *
 * @example
 * const toNetwork = presentAp2('network', { checkout: checkoutChain, payment: paymentChain });
 * // toNetwork.payment_chain only: the network never sees the cart
 */
export function presentAp2(
  role: Ap2Role,
  chains: Ap2Chains,
  options: Ap2PresentOptions = {},
): Ap2PresentationBundle {
  const shown = (AP2_V0_2.roleChains as Record<string, readonly MandateKind[]>)[role];
  if (!shown) throw invalidInput(`unknown AP2 role '${String(role)}'`, 'role');
  if (options.receipts !== undefined && role !== 'dispute')
    throw invalidInput('receipts travel in a dispute bundle', 'receipts');
  // Built in BUNDLE-AP2.md member order, leaving out what was not asked for.
  const b: Ap2PresentationBundle = {
    ap2_bundle: 1,
    ...(options.name !== undefined && { name: options.name }),
    role,
    ...(options.at !== undefined && { at: options.at }),
    ...(options.trust !== undefined && { trust: options.trust }),
  };
  if (shown.includes('checkout')) b.checkout_chain = chainOf(chains, 'checkout', role);
  if (shown.includes('payment')) b.payment_chain = chainOf(chains, 'payment', role);
  if (options.receipts !== undefined) b.receipts = options.receipts.map((r) => ({ ...r }));
  return b;
}

/** The merchant's bundle: the checkout chain only (never the payment chain). */
export const presentAp2ToMerchant = (chains: Ap2Chains, options?: Ap2PresentOptions) =>
  presentAp2('merchant', chains, options);

/** The credential provider's bundle: the payment chain only (never the cart). */
export const presentAp2ToCredentialProvider = (chains: Ap2Chains, options?: Ap2PresentOptions) =>
  presentAp2('credential_provider', chains, options);

/** The network's bundle: the payment chain only (never the cart). */
export const presentAp2ToNetwork = (chains: Ap2Chains, options?: Ap2PresentOptions) =>
  presentAp2('network', chains, options);

/** The merchant payment processor's bundle: the payment chain only. */
export const presentAp2ToPaymentProcessor = (chains: Ap2Chains, options?: Ap2PresentOptions) =>
  presentAp2('merchant_payment_processor', chains, options);

/** A dispute bundle: both chains, and the receipts issued for them. */
export const presentAp2ForDispute = (chains: Ap2Chains, options?: Ap2PresentOptions) =>
  presentAp2('dispute', chains, options);
