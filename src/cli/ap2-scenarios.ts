/**
 * AP2 v0.2 chains for the demo, the vectors and the tests, issued with
 * vintent's own AP2 issuer (src/issue/ap2.ts): a human-not-present purchase with an open checkout
 * and an open payment mandate from the agent provider, closed by the agent,
 * optionally through a second agent (3 hops). `Ap2Hooks` let a test change
 * one input so exactly one check breaks.
 */
import {
  ap2Cnf,
  createAp2CheckoutJwt,
  issueAp2Hop,
  issueAp2Root,
  joinAp2Chain,
} from '../issue/ap2.js';
import { signJwt } from '../sdjwt/build.js';
import { sha256b64u } from '../sdjwt/digest.js';
import { generateSigningKey, type SigningKey } from '../sdjwt/keys.js';

export const AT = 1_806_760_500;
export const NETWORK = { aud: 'https://network.example/ap2', nonce: 'n-network-1' };
export const MERCHANT_AUD = { aud: 'https://shop.example/ap2', nonce: 'n-merchant-1' };
export const SHOP = { id: 'm-shop', name: 'Shop', website: 'https://shop.example' };
/** UCP `links` every checkout carries (the schema requires the member). */
const SHOP_LINKS = [
  { type: 'terms_of_service', url: 'https://shop.example/terms' },
  { type: 'privacy_policy', url: 'https://shop.example/privacy' },
];
export const OTHER_SHOP = { id: 'm-other', name: 'Other', website: 'https://other.example' };
export const CARD = { id: 'pi-card-1', type: 'card', description: 'Card 4242' };
export const PISP = { legal_name: 'Pay GmbH', brand_name: 'Pay', domain_name: 'pay.example' };

export const keys = {
  provider: generateSigningKey('provider-1'),
  agent: generateSigningKey('agent-1'),
  cpAgent: generateSigningKey('cp-agent-1'),
  merchant: generateSigningKey('merchant-1'),
};

type Obj = Record<string, unknown>;

export interface Ap2Hooks {
  checkoutPayload?: (p: Obj) => Obj;
  openCheckout?: (m: Obj) => Obj;
  closedCheckout?: (m: Obj) => Obj;
  openPayment?: (m: Obj) => Obj;
  closedPayment?: (m: Obj) => Obj;
  /** Sign the checkout JWT with this key instead of the merchant's. */
  checkoutJwtSigner?: SigningKey;
  /** Sign the open checkout mandate (the root) with this key instead of the provider's. */
  checkoutRootSigner?: SigningKey;
  /** Sign the open payment mandate (the root) with this key instead of the provider's. */
  paymentRootSigner?: SigningKey;
  /** The payment root's x5c header (its signer's certificate chain). */
  paymentRootX5c?: string[];
  /** The open checkout root as the agent shows it, before the closing hop binds it. */
  presentCheckoutRoot?: (root: string) => string;
  /** The open payment root as shown after the closing hop was signed over the full one. */
  paymentRootAsShown?: (root: string) => string;
  /** Change the final payment segment after it was signed. */
  finalPaymentHop?: (segment: string) => string;
  /** Sign the closed payment hop with this key instead of the agent's. */
  paymentHopSigner?: SigningKey;
  paymentHop?: {
    aud?: string;
    nonce?: string;
    iat?: number;
    binding?: 'sd_hash' | 'issuer_jwt_hash';
  };
  /** Insert a second agent between the open payment mandate and the closed one. */
  threeHop?: boolean;
  /** Intermediate hops between the open payment mandate and the closed one (threeHop is 1). */
  intermediateHops?: number;
  /** Change the joined payment chain string. */
  paymentChain?: (s: string) => string;
  checkoutChain?: (s: string) => string;
}

export interface Ap2Fixture {
  checkoutJwt: string;
  checkoutChain: string;
  paymentChain: string;
  openCheckoutRoot: string;
  closedCheckoutSegment: string;
  closedPaymentSegment: string;
  /** The payment chain's segments before the closing hop, and who signs the next one. */
  openPaymentSegments: string[];
  closingSigner: SigningKey;
  trust: { issuer_jwks: { keys: unknown[] }; merchant_jwks: { keys: unknown[] } };
}

const id = <T>(x: T) => x;

export async function buildAp2(h: Ap2Hooks = {}): Promise<Ap2Fixture> {
  const checkout = await createAp2CheckoutJwt({
    merchantKey: keys.merchant,
    id: 'chk-1',
    merchant: SHOP,
    currency: 'EUR',
    lines: [
      { id: 'li-1', item: { id: 'SKU-1', title: 'Coffee', price: 2400 }, quantity: 1 },
      { id: 'li-2', item: { id: 'SKU-2', title: 'Milk', price: 299 }, quantity: 2 },
    ],
    links: SHOP_LINKS,
  });
  // A hook that changes the payload or the signer re-signs it (tampered vectors).
  const checkoutJwt =
    h.checkoutPayload || h.checkoutJwtSigner
      ? resign(checkout.jwt, h.checkoutJwtSigner ?? keys.merchant, {
          payload: h.checkoutPayload ?? id,
        })
      : checkout.jwt;
  const checkoutHash = sha256b64u(checkoutJwt);
  const issuedCheckoutRoot = await issueAp2Root({
    signer: h.checkoutRootSigner ?? keys.provider,
    mandate: (h.openCheckout ?? id)({
      vct: 'mandate.checkout.open.1',
      constraints: [
        {
          type: 'checkout.line_items',
          items: [
            {
              id: 'r-1',
              acceptable_items: [
                { id: 'SKU-1', title: 'Coffee' },
                { id: 'SKU-9', title: 'Tea' },
              ],
              quantity: 1,
            },
            { id: 'r-2', acceptable_items: [{ id: 'SKU-2', title: 'Milk' }], quantity: 2 },
          ],
        },
        { type: 'checkout.allowed_merchants', allowed: [SHOP, OTHER_SHOP] },
      ],
      cnf: ap2Cnf(keys.agent.publicJwk),
      iat: AT - 86_400,
      exp: AT + 86_400,
    }),
  });
  const openCheckoutRoot = (h.presentCheckoutRoot ?? id)(issuedCheckoutRoot);
  const closedCheckoutHop = await issueAp2Hop({
    signer: keys.agent,
    previous: openCheckoutRoot,
    mandate: (h.closedCheckout ?? id)({
      vct: 'mandate.checkout.1',
      checkout_jwt: checkoutJwt,
      checkout_hash: checkoutHash,
      iat: AT - 60,
      exp: AT + 840,
    }),
    ...MERCHANT_AUD,
    iat: AT - 60,
  });
  const checkoutChain = (h.checkoutChain ?? id)(
    joinAp2Chain([openCheckoutRoot, closedCheckoutHop]),
  );

  const openPayment = await issueAp2Root({
    signer: h.paymentRootSigner ?? keys.provider,
    ...(h.paymentRootX5c && { x5c: h.paymentRootX5c }),
    mandate: (h.openPayment ?? id)({
      vct: 'mandate.payment.open.1',
      constraints: [
        { type: 'payment.amount_range', currency: 'EUR', min: 100, max: 8000 },
        { type: 'payment.allowed_payees', allowed: [SHOP, OTHER_SHOP] },
        { type: 'payment.reference', conditional_transaction_id: sha256b64u(openCheckoutRoot) },
        {
          type: 'payment.allowed_payment_instruments',
          allowed: [CARD, { id: 'pi-2', type: 'sepa' }],
        },
        { type: 'payment.allowed_pisps', allowed: [PISP] },
        { type: 'payment.budget', currency: 'EUR', max: 100.5 },
        { type: 'payment.agent_recurrence', frequency: 'WEEKLY', max_occurrences: 4 },
        {
          type: 'payment.execution_date',
          not_before: '2027-01-01T00:00:00Z',
          not_after: '2027-12-31T23:59:59Z',
        },
      ],
      payment_instrument: CARD,
      cnf: ap2Cnf(keys.agent.publicJwk),
      iat: AT - 86_400,
      exp: AT + 86_400,
    }),
  });
  const segments = [openPayment];
  let signer = keys.agent;
  // Each intermediate hop delegates to a further agent (a credential provider's, a sub-agent).
  const intermediates = h.intermediateHops ?? (h.threeHop ? 1 : 0);
  for (let i = 0; i < intermediates; i++) {
    const next = i === 0 ? keys.cpAgent : generateSigningKey(`sub-agent-${i}`);
    const mid = await issueAp2Hop({
      signer,
      previous: segments[segments.length - 1]!,
      mandate: {
        vct: 'mandate.payment.open.1',
        constraints: [
          { type: 'payment.reference', conditional_transaction_id: sha256b64u(openCheckoutRoot) },
        ],
        cnf: ap2Cnf(next.publicJwk),
        iat: AT - 120,
        exp: AT + 3600,
      },
      aud: `https://delegate-${i}.example`,
      nonce: `n-delegate-${i}`,
      iat: AT - 120,
    });
    segments.push(mid);
    signer = next;
  }
  const closedPayment = await issueAp2Hop({
    signer: h.paymentHopSigner ?? signer,
    previous: segments[segments.length - 1]!,
    mandate: (h.closedPayment ?? id)({
      vct: 'mandate.payment.1',
      transaction_id: checkoutHash,
      payee: SHOP,
      pisp: PISP,
      payment_amount: { amount: 2998, currency: 'EUR' },
      payment_instrument: CARD,
      execution_date: '2027-04-03T13:53:54Z',
      iat: AT - 60,
      exp: AT + 840,
    }),
    aud: h.paymentHop?.aud ?? NETWORK.aud,
    nonce: h.paymentHop?.nonce ?? NETWORK.nonce,
    iat: h.paymentHop?.iat ?? AT - 60,
    binding: h.paymentHop?.binding,
  });
  const openPaymentSegments = [...segments];
  const finalHop = (h.finalPaymentHop ?? id)(closedPayment);
  segments.push(finalHop);
  segments[0] = (h.paymentRootAsShown ?? id)(segments[0]!);
  return {
    checkoutJwt,
    checkoutChain,
    paymentChain: (h.paymentChain ?? id)(joinAp2Chain(segments)),
    openCheckoutRoot,
    closedCheckoutSegment: closedCheckoutHop,
    closedPaymentSegment: finalHop,
    openPaymentSegments,
    closingSigner: signer,
    trust: {
      issuer_jwks: { keys: [keys.provider.publicJwk] },
      merchant_jwks: { keys: [keys.merchant.publicJwk] },
    },
  };
}

/** What a network is configured with for the fixture's payment chain. */
export function networkOptions(
  f: Ap2Fixture,
  context = { total_amount: 5000, total_uses: 1, last_used_date: AT - 8 * 86_400 },
) {
  return {
    issuerKeys: f.trust.issuer_jwks as never,
    merchantKeys: f.trust.merchant_jwks as never,
    now: AT,
    expect: {
      payment: {
        ...NETWORK,
        transaction_id: sha256b64u(f.checkoutJwt),
        open_checkout_hash: sha256b64u(f.openCheckoutRoot),
      },
      checkout: { ...MERCHANT_AUD, checkout_jwt: f.checkoutJwt },
    },
    mandateContext: context,
  };
}

export function bundleOf(
  f: Ap2Fixture,
  role: 'network' | 'merchant' | 'dispute',
): Record<string, unknown> {
  const b: Record<string, unknown> = { ap2_bundle: 1, role };
  if (role !== 'network') b.checkout_chain = f.checkoutChain;
  if (role !== 'merchant') b.payment_chain = f.paymentChain;
  return b;
}

function decodePart(part: string): Obj {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Obj;
}

/** Re-sign a segment's JWT with `key` after editing its header or payload; its disclosures stay. */
export function resign(
  segment: string,
  key: SigningKey,
  edit: { header?: (h: Obj) => Obj; payload?: (p: Obj) => Obj },
): string {
  const [jwt, ...rest] = segment.split('~');
  const [h, p] = jwt!.split('.');
  const header = (edit.header ?? id)(decodePart(h!));
  const payload = (edit.payload ?? id)(decodePart(p!));
  return [signJwt(header, payload, key), ...rest].join('~');
}

/** The decoded value of each disclosure of a segment, in order. */
export function disclosedValues(segment: string): unknown[] {
  return segment
    .split('~')
    .slice(1, -1)
    .map((d) => {
      const a = JSON.parse(Buffer.from(d, 'base64url').toString('utf8')) as unknown[];
      return a[a.length - 1];
    });
}

/** Another payment under the same open payment mandate: a new checkout, payee, amount and nonce, closed at `at`. */
export async function anotherPayment(
  f: Ap2Fixture,
  o: { at: number; amount?: number; payee?: typeof SHOP; nonce?: string; orderId?: string },
): Promise<{ paymentChain: string; checkoutJwt: string }> {
  const payee = o.payee ?? SHOP;
  const amount = o.amount ?? 2998;
  const { jwt: checkoutJwt } = await createAp2CheckoutJwt({
    merchantKey: keys.merchant,
    id: o.orderId ?? `chk-${o.at}-${Math.random()}`,
    merchant: payee,
    currency: 'EUR',
    lines: [{ id: 'li-1', item: { id: 'SKU-1', title: 'Coffee', price: amount }, quantity: 1 }],
    links: SHOP_LINKS,
  });
  const hop = await issueAp2Hop({
    signer: f.closingSigner,
    previous: f.openPaymentSegments[f.openPaymentSegments.length - 1]!,
    mandate: {
      vct: 'mandate.payment.1',
      transaction_id: sha256b64u(checkoutJwt),
      payee,
      pisp: PISP,
      payment_amount: { amount: o.amount ?? 2998, currency: 'EUR' },
      payment_instrument: CARD,
      iat: o.at - 60,
      exp: o.at + 840,
    },
    aud: NETWORK.aud,
    nonce: o.nonce ?? `n-${o.at}-${Math.random()}`,
    iat: o.at - 60,
  });
  return { paymentChain: joinAp2Chain([...f.openPaymentSegments, hop]), checkoutJwt };
}

/** Open payment mandate hooks: a long-lived mandate with its recurrence replaced (or removed). */
export function longLived(recurrence?: Obj): Ap2Hooks {
  return {
    openPayment: (m) => ({
      ...m,
      exp: AT + 800 * 86_400,
      constraints: (m.constraints as Obj[])
        .filter((c) => c.type !== 'payment.agent_recurrence' && c.type !== 'payment.execution_date')
        .concat(recurrence ? [{ type: 'payment.agent_recurrence', ...recurrence }] : []),
    }),
  };
}
