/**
 * Issuing AP2 v0.2 mandate chains (DIFF §1–4): a root segment (a mandate
 * inside `delegate_payload`, signed by an agent provider, or a user
 * credential), hops signed by the previous segment's `cnf` key, bound by
 * `sd_hash` (or `issuer_jwt_hash`), typed `kb+sd-jwt+kb` while they delegate
 * further and `kb+sd-jwt` at the end, and the chain joined by `~~` as the
 * AP2 SDK's `present()` joins it. Every allow-list element
 * (`allowed`, `acceptable_items`) and a closed checkout's `checkout_jwt` are
 * selectively disclosable; {@link presentAp2Segment} withholds some.
 *
 * Each issuer takes any {@link Signer} (a local key, WebCrypto, an HSM).
 */
import { VIError } from '../errors.js';
import { isRecord } from '../internal/guards.js';
import { AP2_V0_2 } from '../profiles/ap2.js';
import { decodeBase64url } from '../sdjwt/base64url.js';
import {
  type BuiltDisclosure,
  encodeJwtHeader,
  makeArrayDisclosure,
  makePropertyDisclosure,
  newSalt,
  type SaltSource,
  serializeSdJwt,
} from '../sdjwt/build.js';
import { sha256b64u } from '../sdjwt/digest.js';
import { bareJwk, type PublicJwk } from '../sdjwt/keys.js';
import { seal } from '../sdjwt/sealing.js';
import { runSealingAsync, type Signer } from '../sdjwt/signer.js';
import { utf8Decode } from '../sdjwt/text.js';

/** Arrays whose elements are each a disclosure of their own. */
const SD_ARRAYS = new Set(['allowed', 'acceptable_items']);

function invalid(message: string, claim?: string): VIError {
  return new VIError({ code: 'ISSUE_INVALID_INPUT', layer: 'issue', message, claim });
}

/** A mandate with its allow-list elements and `checkout_jwt` replaced by digests; the disclosures in document order. */
function packMandate(value: unknown, out: BuiltDisclosure[], salt: SaltSource, depth = 0): unknown {
  if (depth > 16) throw invalid('mandate nested too deeply');
  if (Array.isArray(value)) return value.map((v) => packMandate(v, out, salt, depth + 1));
  if (!isRecord(value)) return value;
  const packed: Record<string, unknown> = {};
  const sd: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    // A PISP allow-list is not selectively disclosable (schemas/ap2/open_payment_mandate.json:222-244).
    if (SD_ARRAYS.has(k) && Array.isArray(v) && value.type !== 'payment.allowed_pisps') {
      packed[k] = v.map((el) => {
        const d = makeArrayDisclosure(packMandate(el, out, salt, depth + 1), salt);
        out.push(d);
        return { '...': d.digest };
      });
    } else if (k === 'checkout_jwt' && typeof v === 'string') {
      const d = makePropertyDisclosure(k, v, salt);
      out.push(d);
      sd.push(d.digest);
    } else packed[k] = packMandate(v, out, salt, depth + 1);
  }
  if (sd.length > 0) packed._sd = sd.sort();
  return packed;
}

/** `delegate_payload: [ {"...": d} ]` over one mandate, and its disclosures (the mandate's own last). */
function delegatePayload(
  mandate: Record<string, unknown>,
  salt: SaltSource,
): { claim: unknown[]; disclosures: string[] } {
  const inner: BuiltDisclosure[] = [];
  const packed = packMandate(mandate, inner, salt);
  const item = makeArrayDisclosure(packed, salt);
  return {
    claim: [{ '...': item.digest }],
    disclosures: [...inner.map((d) => d.encoded), item.encoded],
  };
}

/** A root segment: the provider's (or user credential issuer's) signer and the mandate it delegates. */
export interface IssueAp2RootInput {
  /** The agent provider's key (Trusted Agent Provider model); its kid goes in the header. */
  signer: Signer;
  /** An open or closed mandate (`vct` `mandate.*.1` of the profile). */
  mandate: Record<string, unknown>;
  /** The root's `typ` (unchecked by verifiers); the SDK's `example+sd-jwt` by default. */
  typ?: string;
  /** The provider's certificate chain (standard base64 DER, leaf first) for verifiers that anchor roots by x5c. */
  x5c?: readonly string[];
  salt?: SaltSource;
}

/**
 * The root segment of an AP2 chain: `<jwt>~<d1>~…~<dn>~`.
 *
 * @example
 * const root = await issueAp2Root({ signer: provider, mandate: { vct: 'mandate.payment.open.1', constraints, cnf: { jwk: agent.publicJwk } } });
 */
export async function issueAp2Root(input: IssueAp2RootInput): Promise<string> {
  const salt = input.salt ?? newSalt;
  const { claim, disclosures } = delegatePayload(input.mandate, salt);
  const header = encodeJwtHeader({
    alg: AP2_V0_2.alg,
    typ: input.typ ?? AP2_V0_2.typ.emitRoot,
    kid: input.signer.kid,
    ...(input.x5c !== undefined && { x5c: [...input.x5c] }),
  });
  const payload = { [AP2_V0_2.delegateClaim]: claim, _sd_alg: AP2_V0_2.sdAlg };
  return runSealingAsync(
    (function* () {
      return serializeSdJwt(yield* seal(header, payload), disclosures);
    })(),
    input.signer,
  );
}

/** A user credential root (User Credential model, DIFF 1.3): the holder's key in `cnf`, some claims disclosable. */
export interface IssueAp2UserCredentialInput {
  /** The credential issuer's key (a bank's digital payment credential issuer). */
  signer: Signer;
  /** The holder's public key: the first hop is signed with it. */
  holderJwk: PublicJwk;
  /** Claims in the clear (`iss`, `vct`, `iat`, `exp`, …). */
  claims: Record<string, unknown>;
  /** Claims each made a disclosure of its own (`card_last_four`, …). */
  disclosable?: Record<string, unknown>;
  /** The credential's `typ`; `dc+sd-jwt` by default. */
  typ?: string;
  salt?: SaltSource;
}

/**
 * A user credential as an AP2 root: an SD-JWT with a top-level `cnf`; the
 * user then signs the closed mandates as hops over it.
 */
export async function issueAp2UserCredential(input: IssueAp2UserCredentialInput): Promise<string> {
  if (isRecord(input.claims.cnf) || input.claims.delegate_payload !== undefined)
    throw invalid('cnf and delegate_payload are set by the issuer, not given as claims', 'cnf');
  const salt = input.salt ?? newSalt;
  const disclosures = Object.entries(input.disclosable ?? {}).map(([k, v]) =>
    makePropertyDisclosure(k, v, salt),
  );
  const header = encodeJwtHeader({
    alg: AP2_V0_2.alg,
    typ: input.typ ?? 'dc+sd-jwt',
    kid: input.signer.kid,
  });
  const payload: Record<string, unknown> = {
    ...(disclosures.length ? { _sd: disclosures.map((d) => d.digest).sort() } : {}),
    ...input.claims,
    cnf: ap2Cnf(input.holderJwk),
    _sd_alg: AP2_V0_2.sdAlg,
  };
  return runSealingAsync(
    (function* () {
      return serializeSdJwt(
        yield* seal(header, payload),
        disclosures.map((d) => d.encoded),
      );
    })(),
    input.signer,
  );
}

/** A hop: the signer the previous segment names, what it binds, and its audience. */
export interface IssueAp2HopInput {
  /** The key the previous segment's delegate item names in `cnf.jwk`. */
  signer: Signer;
  /** The previous segment exactly as it will be presented (`<jwt>~<d>~…~`). */
  previous: string;
  /** An open mandate that delegates further (with `cnf`), or the closed mandate that ends the chain. */
  mandate: Record<string, unknown>;
  aud: string;
  nonce: string;
  /** Unix seconds; now by default. */
  iat?: number;
  /** `issuer_jwt_hash` lets later parties drop disclosures of the previous segment (DIFF 3.2). */
  binding?: 'sd_hash' | 'issuer_jwt_hash';
  salt?: SaltSource;
}

/**
 * A hop: a KB-SD-JWT over the previous segment. Terminal (`kb+sd-jwt`) when
 * the mandate delegates no further, intermediate (`kb+sd-jwt+kb`) when it
 * carries a `cnf`.
 */
export async function issueAp2Hop(input: IssueAp2HopInput): Promise<string> {
  if (typeof input.aud !== 'string' || typeof input.nonce !== 'string')
    throw invalid('a hop is made for an audience and a nonce', 'aud');
  if (!input.previous.endsWith('~')) throw invalid('the previous segment ends with "~"');
  const salt = input.salt ?? newSalt;
  const { claim, disclosures } = delegatePayload(input.mandate, salt);
  const terminal = !isRecord(input.mandate.cnf);
  const header = encodeJwtHeader({
    alg: AP2_V0_2.alg,
    typ: terminal ? AP2_V0_2.typ.emitTerminal : AP2_V0_2.typ.emitIntermediate,
    kid: input.signer.kid,
  });
  const iat = input.iat ?? Math.floor(Date.now() / 1000);
  const bindingClaim =
    input.binding === 'issuer_jwt_hash'
      ? { issuer_jwt_hash: sha256b64u(input.previous.slice(0, input.previous.indexOf('~'))) }
      : { sd_hash: sha256b64u(input.previous) };
  const payload = {
    [AP2_V0_2.delegateClaim]: claim,
    iat,
    aud: input.aud,
    nonce: input.nonce,
    ...bindingClaim,
    _sd_alg: AP2_V0_2.sdAlg,
  };
  return runSealingAsync(
    (function* () {
      return serializeSdJwt(yield* seal(header, payload), disclosures);
    })(),
    input.signer,
  );
}

/** Join segments as the AP2 SDK's `present()` does: each non-final one loses its trailing `~`, then `~~`. */
export function joinAp2Chain(segments: readonly string[]): string {
  if (segments.length === 0) throw invalid('a chain has at least its root');
  return segments
    .map((s, i) => (i < segments.length - 1 ? s.replace(/~$/, '') : s))
    .join(AP2_V0_2.chainSeparator);
}

/**
 * A segment with some disclosures withheld (an agent reveals only the
 * allow-list elements a recipient needs). `keep` sees each disclosure's
 * decoded value; the delegate item itself is always kept.
 */
export function presentAp2Segment(segment: string, keep: (value: unknown) => boolean): string {
  const [jwt, ...rest] = segment.split('~');
  const disclosures = rest.slice(0, -1);
  const last = disclosures[disclosures.length - 1];
  const kept = disclosures.filter((d) => {
    if (d === last) return true;
    const bytes = decodeBase64url(d);
    if (!bytes) throw invalid('a disclosure is not base64url');
    const decoded = JSON.parse(utf8Decode(bytes)) as unknown[];
    return keep(decoded[decoded.length - 1]);
  });
  return serializeSdJwt(jwt!, kept);
}

/** One line of a merchant's UCP checkout: the item, its unit price in minor units, how many. */
export interface Ap2CheckoutLine {
  id: string;
  item: { id: string; title: string; price: number } & Record<string, unknown>;
  quantity: number;
}

/** The merchant's signed checkout (a UCP Checkout) that a closed checkout mandate carries as `checkout_jwt`. */
export interface CreateAp2CheckoutInput {
  /** The merchant's key; its kid names it to verifiers (`merchant_jwks`). */
  merchantKey: Signer;
  id: string;
  merchant: { id?: string; name: string; website: string };
  /** ISO 4217 code; every amount is an integer in its minor units. */
  currency: string;
  lines: Ap2CheckoutLine[];
  /** UCP `links` (terms of service, privacy policy, …): required by the schema. */
  links: { type: string; url: string; title?: string }[];
  /** Default `ready_for_complete`. */
  status?: string;
  /** Further UCP members (`buyer`, `expires_at`, `continue_url`, `messages`). */
  extra?: Record<string, unknown>;
}

const safeAmount = (n: unknown, claim: string): number => {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    throw invalid(`${claim} is a non-negative integer in minor units`, claim);
  return n;
};

/**
 * A merchant's checkout JWT in the shape the AP2 SDK validates (UCP Checkout:
 * `id`, `line_items[]` each with `totals`, `status`, `currency`, `totals` with
 * one subtotal and one total, `links`), the totals computed here in integers.
 * Its hash is the closed checkout mandate's `checkout_hash` and the payment's
 * `transaction_id`.
 *
 * @example
 * const { jwt, checkoutHash } = await createAp2CheckoutJwt({ merchantKey, id: 'chk-1', merchant, currency: 'EUR',
 *   lines: [{ id: 'li-1', item: { id: 'SKU-1', title: 'Coffee', price: 2400 }, quantity: 1 }],
 *   links: [{ type: 'terms_of_service', url: 'https://shop.example/terms' }] });
 */
export async function createAp2CheckoutJwt(
  input: CreateAp2CheckoutInput,
): Promise<{ jwt: string; checkoutHash: string; total: number }> {
  if (!/^[A-Z]{3}$/.test(input.currency)) throw invalid('currency is an ISO 4217 code', 'currency');
  if (!Array.isArray(input.lines) || input.lines.length === 0)
    throw invalid('a checkout has at least one line', 'line_items');
  if (!Array.isArray(input.links)) throw invalid('links is an array (UCP requires it)', 'links');
  let total = 0;
  const lineItems = input.lines.map((l, i) => {
    const price = safeAmount(l.item?.price, `line_items[${i}].item.price`);
    if (!Number.isSafeInteger(l.quantity) || l.quantity < 1)
      throw invalid('quantity is a positive integer', `line_items[${i}].quantity`);
    const amount = price * l.quantity;
    total += amount;
    if (!Number.isSafeInteger(total)) throw invalid('the checkout total overflows', 'totals');
    return {
      id: l.id,
      item: l.item,
      quantity: l.quantity,
      totals: [
        { type: 'subtotal', amount },
        { type: 'total', amount },
      ],
    };
  });
  const payload: Record<string, unknown> = {
    id: input.id,
    merchant: input.merchant,
    line_items: lineItems,
    status: input.status ?? 'ready_for_complete',
    currency: input.currency,
    totals: [
      { type: 'subtotal', amount: total },
      { type: 'total', amount: total },
    ],
    links: input.links,
    ...input.extra,
  };
  const header = encodeJwtHeader({ alg: AP2_V0_2.alg, typ: 'JWT', kid: input.merchantKey.kid });
  const jwt = await runSealingAsync(
    (function* () {
      return yield* seal(header, payload);
    })(),
    input.merchantKey,
  );
  return { jwt, checkoutHash: sha256b64u(jwt), total };
}

/** A checkout or payment receipt over a closed segment. */
export interface IssueAp2ReceiptInput {
  /** The merchant's key (checkout receipts) or the payment processor's (payment receipts). */
  signer: Signer;
  kind: 'checkout' | 'payment';
  /** The closed segment this receipt answers, exactly as presented (its hash is the `reference`). */
  closedSegment: string;
  iss: string;
  /** Success bodies carry `order_id` (checkout) or `psp_confirmation_id` and `network_confirmation_id` (payment); Error bodies `error` and `error_description`. */
  body: Record<string, unknown> & { status: 'Success' | 'Error' };
  /** Payment receipts: the processor's payment id. */
  payment_id?: string;
  iat?: number;
}

const RECEIPT_BODY: Record<IssueAp2ReceiptInput['kind'], readonly string[]> = {
  checkout: ['order_id'],
  payment: ['psp_confirmation_id', 'network_confirmation_id'],
};

/**
 * A checkout or payment receipt (DIFF §7): an ES256 JWT whose `reference`
 * is the hash of the closed segment as presented, the way `sd_hash` hashes.
 *
 * @example
 * const receipt = await issueAp2Receipt({ signer: merchant, kind: 'checkout', closedSegment, iss: 'https://shop.example', body: { status: 'Success', order_id: 'o-1' } });
 */
export async function issueAp2Receipt(input: IssueAp2ReceiptInput): Promise<string> {
  const { body, kind } = input;
  if (body.status !== 'Success' && body.status !== 'Error')
    throw invalid('status is Success or Error', 'status');
  const needs = body.status === 'Success' ? RECEIPT_BODY[kind] : ['error', 'error_description'];
  for (const k of needs)
    if (typeof body[k] !== 'string')
      throw invalid(`a ${body.status} ${kind} receipt carries ${k}`, k);
  if (kind === 'payment' && typeof input.payment_id !== 'string')
    throw invalid('a payment receipt carries payment_id', 'payment_id');
  if (!input.closedSegment.endsWith('~') && input.closedSegment.split('~').length < 2)
    throw invalid('closedSegment is an SD-JWT segment (<jwt>~…)');
  const header = encodeJwtHeader({ alg: AP2_V0_2.alg, typ: 'JWT', kid: input.signer.kid });
  const payload: Record<string, unknown> = {
    ...body,
    iss: input.iss,
    iat: input.iat ?? Math.floor(Date.now() / 1000),
    reference: sha256b64u(input.closedSegment),
    ...(input.payment_id === undefined ? {} : { payment_id: input.payment_id }),
  };
  return runSealingAsync(
    (function* () {
      return yield* seal(header, payload);
    })(),
    input.signer,
  );
}

/** `cnf` for the next signer: the bare public JWK with its kid (DIFF 2.2). */
export function ap2Cnf(jwk: PublicJwk): { jwk: Record<string, unknown> } {
  return { jwk: { ...bareJwk(jwk), ...(jwk.kid ? { kid: jwk.kid } : {}) } };
}
