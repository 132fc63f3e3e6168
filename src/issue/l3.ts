/**
 * Layer 3 (credential-format §5): the agent closes one Autonomous mandate pair
 * with final values. L3a (payment, to the network) and L3b (checkout, to the
 * merchant) each bind by `sd_hash` to their own selective view of L2, so
 * neither recipient sees the other's mandate.
 */

import { checkConstraints } from '../constraints/registry.js';
import type { Fulfillment, PurchasedLine, Strictness } from '../constraints/types.js';
import { sameParty } from '../constraints/values.js';
import { type ErrorCode, invalidInput, VIError } from '../errors.js';
import { COMMON, type WireProfile } from '../profiles/profile.js';
import {
  type BuiltDisclosure,
  encodeEs256Header,
  makeArrayDisclosure,
  type SaltSource,
  serializeSdJwt,
} from '../sdjwt/build.js';
import { sha256b64u } from '../sdjwt/digest.js';
import type { PublicJwk } from '../sdjwt/keys.js';
import { arrayRefDigest } from '../sdjwt/resolve.js';
import {
  runSealing,
  runSealingAsync,
  type Sealing,
  type Signer,
  type SyncSigner,
  seal,
} from '../sdjwt/signer.js';
import { type CartItem, checkoutFacts, checkoutJwtPayload } from './checkout.js';
import {
  arrayRef,
  isRecord,
  issuedAt,
  type Json,
  lifetime,
  newNonce,
  type PartyInput,
  type PaymentInstrument,
  party,
  paymentInstrument,
  requireString,
} from './common.js';
import { asIssuedL2 } from './l2-read.js';
import type { IssuedAutonomousPair, IssuedL2, IssuedL2Autonomous } from './l2-types.js';
import { amountMatchingCart, toMinorUnits } from './money.js';

/** A line the agent fulfils in L3b: which line item, which item, how many. */
export interface L3LineItemInput {
  /** The SKU bought (an acceptable item id). */
  id: string;
  /** Defaults to the acceptable item's title, else the cart's. */
  title?: string;
  quantity: number;
}

/** Input of {@link issueL3Pair}: the agent's key, the L2 and pair it fulfils, the checkout JWT, and the two audiences. */
export interface IssueL3PairInput<S extends Signer = SyncSigner> {
  /** The agent's signer: the key whose public part the pair's `cnf.jwk` binds. */
  agentKey: S;
  /** The full Autonomous L2: as issued, or serialized exactly as received. */
  l2: IssuedL2Autonomous | string;
  pairIndex: number;
  /** The merchant-signed checkout being paid. */
  checkoutJwt: string;
  /** Defaults to the checkout_jwt cart lines. */
  lineItems?: L3LineItemInput[];
  /** Defaults to the checkout_jwt merchant. Must be an allowed payee. */
  payee?: PartyInput;
  /** Defaults to the L2 payment mandate's instrument. */
  paymentInstrument?: PaymentInstrument;
  /** Defaults to the cart total; when given it must equal it. */
  amount?: string | number;
  /** Defaults to the cart currency; when given it must equal it. */
  currency?: string;
  /** L3a audience: the payment network. */
  networkAud: string;
  /** L3b audience: the merchant. */
  merchantAud: string;
  /** Random 128-bit values by default. */
  nonces?: { payment?: string; checkout?: string };
  iss?: string;
  iat?: number;
  /** Defaults to 300; above 3600 is refused (credential-format §5.3). */
  lifetimeSeconds?: number;
  /** Strictness for the pre-issuance constraint check (default PERMISSIVE, as verifiers default). */
  strictness?: Strictness;
  /**
   * Whether L3b's checkout mandate lists `line_items` (default true). The
   * upstream April vectors leave them to the checkout_jwt cart.
   */
  includeLineItems?: boolean;
  /** Disclosure salts (merchant, payment mandate, checkout mandate); random 128-bit by default. */
  salt?: SaltSource;
}

/** An issued L3 pair: L3a for the network and L3b for the merchant, each with the L2 view it binds. */
export interface IssuedL3Pair {
  pairIndex: number;
  /** L3a: `<jwt>~<selected merchant>~<mandate.payment>~`. */
  payment: string;
  /** The L2 view L3a's `sd_hash` covers: `<L2 jwt>~<payment mandate>~<selected payee>~`. */
  paymentL2: string;
  /** L3b: `<jwt>~<mandate.checkout>~`. */
  checkout: string;
  /** The L2 view L3b's `sd_hash` covers: `<L2 jwt>~<checkout mandate>~<selected items>~`. */
  checkoutL2: string;
  /** = checkout_hash = B64U(SHA-256(checkout_jwt)). */
  transactionId: string;
}

const PROFILE = COMMON;

function constraintsOf(d: BuiltDisclosure): Json[] {
  const v = d.value;
  return isRecord(v) && Array.isArray(v.constraints) ? (v.constraints as Json[]) : [];
}

/**
 * Constraints with every `{"...": digest}` the agent holds replaced by its
 * value: what a full-view verifier sees. Copy on write: a branch without a
 * reference in it is the very object the mandate holds (nothing mutates either).
 */
function resolvedConstraints(list: Json[], known: Map<string, unknown>): Json[] {
  const resolve = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const e = v[i];
        const d = arrayRefDigest(e);
        const r = d !== undefined && known.has(d) ? resolve(known.get(d)) : resolve(e);
        if (r !== e) (out ??= v.slice(0, i)).push(r);
        else out?.push(e);
      }
      return out ?? v;
    }
    let out: Json | undefined;
    const o = v as Json;
    for (const k of Object.keys(o)) {
      const x = o[k];
      const r = resolve(x);
      if (r === x) continue;
      out ??= { ...o };
      // A parsed L2 may hold an own "__proto__" member: define it, never assign it.
      if (k === '__proto__')
        Object.defineProperty(out, k, {
          value: r,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else out[k] = r;
    }
    return out ?? o;
  };
  // Pushed onto a literal, not mapped: see the note on arrays in l2-autonomous.ts.
  const out: Json[] = [];
  for (const c of list) out.push(resolve(c) as Json);
  return out;
}

/** The same P-256 key as RFC 7638 thumbprint equality decides (kty, crv, x, y), compared without hashing. */
function sameKey(a: PublicJwk | undefined, b: PublicJwk | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.kty === b.kty &&
    a.crv === b.crv &&
    typeof a.x === 'string' &&
    a.x === b.x &&
    typeof a.y === 'string' &&
    a.y === b.y
  );
}

function autonomousPairOf(l2: IssuedL2, index: number): IssuedAutonomousPair {
  if (l2.mode !== 'autonomous')
    throw new VIError({
      code: 'L3_NOT_AUTONOMOUS',
      layer: 'issue',
      message: 'L3 is only issued against an Autonomous L2',
    });
  const pair = Number.isSafeInteger(index) ? l2.pairs[index] : undefined;
  if (!pair) throw invalidInput(`L2 has no mandate pair ${index}`, 'pairIndex');
  return pair;
}

/** The selected merchant when it may be paid, else the pair's only allowed payee; otherwise the caller must choose. */
function defaultPayee(pair: IssuedAutonomousPair, merchant: BuiltDisclosure): unknown {
  const merchantValue = merchant.value as Json;
  if (pair.payees.some((p) => isRecord(p.value) && sameParty(p.value, merchantValue)))
    return merchantValue;
  if (pair.payees.length === 1) return pair.payees[0]?.value;
  throw invalidInput('several allowed payees and none is the merchant: pass payee', 'payee');
}

function refuseViolations(
  constraints: Json[],
  f: Fulfillment,
  at: number,
  strictness: Strictness,
  pair: number,
  profile: WireProfile,
): void {
  const reports = checkConstraints(constraints, f, { at, strictness, profile });
  let failed: { code: ErrorCode; message: string; type: string }[] | undefined;
  for (const r of reports) {
    if (r.outcome.status !== 'failed') continue;
    for (const v of r.outcome.violations)
      (failed ??= []).push({ code: v.code, message: v.message, type: r.type });
  }
  const first = failed?.[0];
  if (first) {
    throw new VIError({
      code: first.code,
      layer: 'issue',
      pair,
      claim: first.type,
      message: failed!.map((v) => v.message).join('; '),
    });
  }
}

/** What the checkout being paid says: its hash, its interop cart (or the caller's amount for an opaque one) and who signed it. */
interface CheckoutBeingPaid {
  checkoutJwt: string;
  transactionId: string;
  /** The interop merchant and cart, when the checkout_jwt has them (CF §6.3). */
  conventional: ReturnType<typeof checkoutFacts>['conventional'];
  cart: { items: CartItem[]; currency: string; total: number };
  /** The website of an opaque checkout's signer (April: `iss`), when the profile reads the merchant from it. */
  signerWebsite?: string;
}

/** The final values both L3s carry, checked against the pair. */
interface FinalValues {
  selectedMerchant: BuiltDisclosure;
  payee: PartyInput;
  payeeDisclosure: BuiltDisclosure;
  amount: number;
  currency: string;
  instrument: PaymentInstrument;
  lines: { id: string; title: string; quantity: number }[];
}

/** The agent signs with the key the pair delegates to (its `cnf.jwk`), and no other. */
function checkAgentKey(
  input: IssueL3PairInput<Signer>,
  pair: IssuedAutonomousPair,
  pairIndex: number,
): void {
  if (sameKey(input.agentKey?.publicJwk, pair.agentJwk)) return;
  throw new VIError({
    code: 'KEY_INVALID',
    layer: 'issue',
    pair: pairIndex,
    message: 'agentKey is not the key this pair delegates to (cnf.jwk)',
    claim: 'cnf.jwk',
  });
}

/** iat and exp: at most an hour (credential-format §5.3), and not from an L2 that has expired. */
function l3Times(
  input: IssueL3PairInput<Signer>,
  l2: IssuedL2,
  pairIndex: number,
): { iat: number; exp: number } {
  const iat = issuedAt(input.iat);
  const exp =
    iat +
    lifetime(
      input.lifetimeSeconds ?? PROFILE.l3DefaultLifetimeSeconds,
      PROFILE.l3MaxLifetimeSeconds,
    );
  const l2Exp = l2.payload.exp;
  if (typeof l2Exp === 'number' && iat >= l2Exp) {
    throw new VIError({
      code: 'EXPIRED',
      layer: 'issue',
      pair: pairIndex,
      message: 'the L2 mandate has expired',
      claim: 'exp',
    });
  }
  return { iat, exp };
}

/** The checkout being paid; an implementation-defined one (CF §6.3) leaves amount, currency and lines to the caller. */
function checkoutOf(
  input: IssueL3PairInput<Signer>,
  pairIndex: number,
  profile: WireProfile,
): CheckoutBeingPaid {
  const checkoutJwt = requireString(input.checkoutJwt, 'checkoutJwt');
  const { conventional, checkoutHash: transactionId } = checkoutFacts(checkoutJwt);
  if (conventional) return { checkoutJwt, transactionId, conventional, cart: conventional.cart };
  if (
    input.amount === undefined ||
    input.currency === undefined ||
    (input.lineItems === undefined && input.includeLineItems !== false)
  ) {
    throw new VIError({
      code: 'CHECKOUT_JWT_MALFORMED',
      layer: 'issue',
      pair: pairIndex,
      message: 'checkout_jwt has no interop cart: pass amount, currency and lineItems',
      claim: 'checkout_jwt',
    });
  }
  const opaque = checkoutJwtPayload(checkoutJwt);
  const out: CheckoutBeingPaid = {
    checkoutJwt,
    transactionId,
    conventional,
    cart: {
      items: [],
      currency: input.currency,
      total: toMinorUnits(input.amount, input.currency),
    },
  };
  if (
    opaque.merchant === undefined &&
    profile.checkoutMerchantFromIss &&
    typeof opaque.iss === 'string'
  )
    out.signerWebsite = opaque.iss;
  return out;
}

/** The merchant is whoever signed the checkout: it must be on the pair's allowlist. */
function selectedMerchantOf(
  pair: IssuedAutonomousPair,
  checkout: CheckoutBeingPaid,
  pairIndex: number,
  profile: WireProfile,
): BuiltDisclosure {
  const { conventional, signerWebsite } = checkout;
  const found = pair.merchants.find(
    (m) =>
      isRecord(m.value) &&
      (conventional
        ? sameParty(m.value, conventional.merchant)
        : signerWebsite !== undefined && m.value.website === signerWebsite),
  );
  if (found) return found;
  throw new VIError({
    code: 'CONSTRAINT_MERCHANT_NOT_ALLOWED',
    layer: 'issue',
    pair: pairIndex,
    message: 'the checkout merchant is not an allowed merchant of this pair',
    claim: profile.constraint.allowedMerchant,
  });
}

/** The payee (default: the merchant, else the only allowed payee) and its disclosure in the pair's allowlist. */
function payeeOf(
  input: IssueL3PairInput<Signer>,
  pair: IssuedAutonomousPair,
  merchant: BuiltDisclosure,
  pairIndex: number,
  profile: WireProfile,
): { payee: PartyInput; payeeDisclosure: BuiltDisclosure } {
  const payee = party(input.payee ?? defaultPayee(pair, merchant), 'payee');
  const payeeDisclosure = pair.payees.find((p) => isRecord(p.value) && sameParty(p.value, payee));
  if (payeeDisclosure) return { payee, payeeDisclosure };
  throw new VIError({
    code: 'CONSTRAINT_PAYEE_NOT_ALLOWED',
    layer: 'issue',
    pair: pairIndex,
    message: 'payee is not an allowed payee of this pair',
    claim: profile.constraint.allowedPayee,
  });
}

/** The instrument the L2 payment mandate delegates; a verifier refuses any other (PAYMENT_INSTRUMENT_MISMATCH). */
function instrumentOf(
  input: IssueL3PairInput<Signer>,
  pair: IssuedAutonomousPair,
  pairIndex: number,
): PaymentInstrument {
  const l2Payment = pair.payment.value as Json;
  const instrument = paymentInstrument(input.paymentInstrument ?? l2Payment.payment_instrument);
  const delegated = l2Payment.payment_instrument as Json | undefined;
  if (delegated && instrument.type === delegated.type && instrument.id === delegated.id)
    return instrument;
  throw new VIError({
    code: 'PAYMENT_INSTRUMENT_MISMATCH',
    layer: 'issue',
    pair: pairIndex,
    message: 'payment instrument is not the one the L2 payment mandate delegates',
    claim: 'payment_instrument',
  });
}

/** The lines L3b lists (default: the cart's), each with a title and a positive quantity; at least one. */
function linesOf(
  input: IssueL3PairInput<Signer>,
  pair: IssuedAutonomousPair,
  cart: CheckoutBeingPaid['cart'],
  pairIndex: number,
): FinalValues['lines'] {
  const titleOf = (sku: string): string | undefined => {
    const item = pair.items.find((i) => isRecord(i.value) && i.value.id === sku)?.value as
      | Json
      | undefined;
    return (item?.title as string | undefined) ?? cart.items.find((c) => c.id === sku)?.title;
  };
  const asked: readonly L3LineItemInput[] = input.lineItems ?? cart.items;
  const lines: FinalValues['lines'] = [];
  for (let i = 0; i < asked.length; i++) {
    const l = asked[i]!;
    const id = requireString(l?.id, `lineItems[${i}].id`);
    if (!Number.isSafeInteger(l.quantity) || l.quantity < 1)
      throw invalidInput(`lineItems[${i}].quantity must be a positive integer`, 'line_items');
    const title = l.title ?? titleOf(id);
    lines.push({ id, title: requireString(title, `lineItems[${i}].title`), quantity: l.quantity });
  }
  if (lines.length === 0)
    throw new VIError({
      code: 'CONSTRAINT_CART_EMPTY',
      layer: 'issue',
      pair: pairIndex,
      message: 'no line items',
      claim: 'line_items',
    });
  return lines;
}

/** The final values against the pair's constraints, as a verifier that sees both mandates would judge them. */
function checkAgainstConstraints(
  input: IssueL3PairInput<Signer>,
  pair: IssuedAutonomousPair,
  checkout: CheckoutBeingPaid,
  v: FinalValues,
  at: number,
  pairIndex: number,
  profile: WireProfile,
): void {
  const known = new Map<string, unknown>();
  for (const list of [pair.merchants, pair.payees, pair.items])
    for (const d of list) known.set(d.digest, d.value);
  const toLines = (ls: readonly { id: string; quantity: number }[]): PurchasedLine[] =>
    ls.map((l) => ({ sku: l.id, quantity: l.quantity }));
  const checkoutFulfillment: Fulfillment['checkout'] = {
    merchant: checkout.conventional?.merchant,
    lineLists: [
      { source: 'L3b line_items', lines: toLines(v.lines) },
      {
        source: 'checkout_jwt cart',
        lines: checkout.conventional ? toLines(checkout.cart.items) : undefined,
      },
    ],
  };
  if (checkout.signerWebsite !== undefined)
    checkoutFulfillment.signerWebsite = checkout.signerWebsite;
  const fulfillment: Fulfillment = {
    payment: { amount: v.amount, currency: v.currency, payee: v.payee },
    checkout: checkoutFulfillment,
  };
  const strictness = input.strictness ?? 'PERMISSIVE';
  refuseViolations(
    resolvedConstraints(constraintsOf(pair.checkout), known),
    fulfillment,
    at,
    strictness,
    pairIndex,
    profile,
  );
  refuseViolations(
    resolvedConstraints(constraintsOf(pair.payment), known),
    fulfillment,
    at,
    strictness,
    pairIndex,
    profile,
  );
}

/** Sign L3a and L3b over checked values: each binds its own L2 view, and both share one encoded header. */
function* buildL3s(
  input: IssueL3PairInput<Signer>,
  l2: IssuedL2,
  pair: IssuedAutonomousPair,
  checkout: CheckoutBeingPaid,
  v: FinalValues,
  times: { iat: number; exp: number },
  auds: { network: string; merchant: string },
): Sealing<IssuedL3Pair> {
  const profile = l2.profile;
  const { transactionId, checkoutJwt } = checkout;
  const header = encodeEs256Header(PROFILE.typ.l3, pair.agentKid);
  const timed = (payload: Json): Json => {
    if (input.iss !== undefined) payload.iss = input.iss;
    payload.exp = times.exp;
    return payload;
  };

  // L3a: a fresh-salt disclosure of the selected merchant, then the final payment mandate.
  const paymentL2 = serializeSdJwt(l2.jwt, [pair.payment.encoded, v.payeeDisclosure.encoded]);
  const merchantDisclosure = makeArrayDisclosure(v.selectedMerchant.value, input.salt);
  const paymentMandate = makeArrayDisclosure(
    {
      vct: profile.vct.payment,
      transaction_id: transactionId,
      payee: v.payee,
      payment_amount: { currency: v.currency, amount: v.amount },
      payment_instrument: v.instrument,
    },
    input.salt,
  );
  const l3aPayload = timed({
    nonce: input.nonces?.payment ?? newNonce(),
    aud: auds.network,
    sd_hash: sha256b64u(paymentL2),
    iat: times.iat,
    delegate_payload: [arrayRef(merchantDisclosure.digest), arrayRef(paymentMandate.digest)],
    _sd_alg: PROFILE.sdAlg,
  });
  const payment = serializeSdJwt(yield* seal(header, l3aPayload), [
    merchantDisclosure.encoded,
    paymentMandate.encoded,
  ]);

  // L3b: the final checkout mandate; its L2 view carries only the items actually bought.
  const boughtSkus = new Set(v.lines.map((l) => l.id));
  const checkoutView = [pair.checkout.encoded];
  const inView = new Set<string>();
  for (const i of pair.items) {
    // Each bought item once, in the L2's order, even where two lines accept the same disclosure.
    if (isRecord(i.value) && boughtSkus.has(i.value.id as string) && !inView.has(i.digest)) {
      inView.add(i.digest);
      checkoutView.push(i.encoded);
    }
  }
  const checkoutL2 = serializeSdJwt(l2.jwt, checkoutView);
  const checkoutValue: Json = {
    vct: profile.vct.checkout,
    checkout_jwt: checkoutJwt,
    checkout_hash: transactionId,
  };
  if (input.includeLineItems !== false) checkoutValue.line_items = v.lines;
  const checkoutMandate = makeArrayDisclosure(checkoutValue, input.salt);
  const l3bPayload = timed({
    nonce: input.nonces?.checkout ?? newNonce(),
    aud: auds.merchant,
    sd_hash: sha256b64u(checkoutL2),
    iat: times.iat,
    delegate_payload: [arrayRef(checkoutMandate.digest)],
    _sd_alg: PROFILE.sdAlg,
  });
  const signedCheckout = serializeSdJwt(yield* seal(header, l3bPayload), [checkoutMandate.encoded]);

  return {
    pairIndex: input.pairIndex,
    payment,
    paymentL2,
    checkout: signedCheckout,
    checkoutL2,
    transactionId,
  };
}

/**
 * Issue L3a and L3b for one Autonomous mandate pair. Both headers are
 * `{alg: ES256, typ: kb-sd-jwt, kid: <L2 cnf.kid>}` (never a header `jwk`), and
 * neither payload carries `cnf`.
 *
 * Refuses: a lifetime over one hour, an agent key other than the pair's
 * `cnf.jwk`, a merchant outside the allowlist, an amount other than the cart
 * total, and any value that fails the pair's constraints.
 *
 * @example
 * const l3 = issueL3Pair({ agentKey, l2, pairIndex: 0, checkoutJwt, networkAud: 'https://network.example', merchantAud: 'https://shop.example' });
 * // l3.payment + l3.paymentL2 go to the network, l3.checkout + l3.checkoutL2 to the merchant
 */
export function issueL3Pair(input: IssueL3PairInput): IssuedL3Pair {
  return runSealing(issueL3PairSealing(input), input.agentKey);
}

/** {@link issueL3Pair} with any {@link Signer} (WebCrypto, HSM, KMS); resolves once every signature arrived. */
export function issueL3PairAsync(input: IssueL3PairInput<Signer>): Promise<IssuedL3Pair> {
  return runSealingAsync(issueL3PairSealing(input), input.agentKey);
}

/** The body of {@link issueL3Pair}: yields each JWT to sign. */
function* issueL3PairSealing(input: IssueL3PairInput<Signer>): Sealing<IssuedL3Pair> {
  const l2 = asIssuedL2(input.l2);
  const pairIndex = input.pairIndex;
  const pair = autonomousPairOf(l2, pairIndex);
  checkAgentKey(input, pair, pairIndex);
  const times = l3Times(input, l2, pairIndex);
  const auds = {
    network: requireString(input.networkAud, 'networkAud'),
    merchant: requireString(input.merchantAud, 'merchantAud'),
  };
  if (input.iss !== undefined) requireString(input.iss, 'iss');
  const profile = l2.profile;
  const checkout = checkoutOf(input, pairIndex, profile);
  const selectedMerchant = selectedMerchantOf(pair, checkout, pairIndex, profile);
  const values: FinalValues = {
    selectedMerchant,
    ...payeeOf(input, pair, selectedMerchant, pairIndex, profile),
    ...amountMatchingCart(input, checkout.cart, pairIndex),
    instrument: instrumentOf(input, pair, pairIndex),
    lines: linesOf(input, pair, checkout.cart, pairIndex),
  };
  checkAgainstConstraints(input, pair, checkout, values, times.iat, pairIndex, profile);
  return yield* buildL3s(input, l2, pair, checkout, values, times, auds);
}
