/**
 * What the other parties hand each example: keys, an L1, an Autonomous L2, a
 * signed cart, an L3 pair. Each party's own example (issuer.ts, wallet.ts,
 * agent.ts, merchant.ts, network.ts) does its part with the real functions;
 * this file only sets the scene so each can run alone.
 */
import {
  createCheckoutJwt,
  generateSigningKey,
  type IssuedL2Autonomous,
  type IssuedL3Pair,
  issueL1,
  issueL2Autonomous,
  issueL3Pair,
  type PublicJwk,
} from 'vintent';

export const NETWORK_AUD = 'https://network.example/vi/authorize';
export const shop = { id: 'm-1', name: 'Racket House', website: 'https://racket-house.example' };
export const card = { type: 'mastercard.srcDigitalCard', id: 'tok-4242' };
export const racket = { id: 'BAB86345', title: 'Babolat Pure Aero' };

/** Everyone's keys (in real life each party holds only its own private key). */
export const keys = {
  issuer: generateSigningKey('issuer-2026'),
  user: generateSigningKey('wallet-key-1'),
  agent: generateSigningKey('agent-1'),
  shop: generateSigningKey('shop-1'),
};

export const now = () => Math.floor(Date.now() / 1000);

/** The card issuer's L1 for the user's key (examples/issuer.ts makes one with a status entry). */
export function givenL1(): Promise<string> {
  return issueL1({
    issuerKey: keys.issuer,
    iss: 'https://bank.example',
    sub: 'user-1',
    userPublicJwk: keys.user.publicJwk,
    panLastFour: '4242',
    scheme: 'mastercard',
  });
}

/** The wallet's open mandate: one racket at Racket House, 100–400 USD, a 400 USD budget. */
export function givenL2(
  l1: string,
  agentKey: PublicJwk = keys.agent.publicJwk,
): IssuedL2Autonomous {
  return issueL2Autonomous({
    userKey: keys.user,
    l1,
    aud: 'https://agent.example',
    pairs: [
      {
        agentKey,
        merchants: [shop],
        lineItems: [{ id: 'line-1', acceptableItems: [racket], quantity: 1 }],
        paymentInstrument: card,
        amount: { currency: 'USD', min: '100.00', max: '400.00' },
        budget: { currency: 'USD', max: '400.00' },
      },
    ],
  });
}

/** The merchant's signed cart. */
export function givenCart(checkoutId = 'order-1', unitPrice = '279.99'): string {
  return createCheckoutJwt({
    merchantKey: keys.shop,
    merchant: shop,
    checkoutId,
    currency: 'USD',
    items: [{ ...racket, quantity: 1, unitPrice }],
  }).jwt;
}

/** The agent's L3 pair for a cart. */
export function givenL3(l2: IssuedL2Autonomous, checkoutJwt: string): IssuedL3Pair {
  return issueL3Pair({
    agentKey: keys.agent,
    l2,
    pairIndex: 0,
    checkoutJwt,
    networkAud: NETWORK_AUD,
    merchantAud: shop.website,
  });
}

/** Print one step and fail the process when it surprises (the examples are tests too). */
export function step(label: string, ok: boolean, detail?: unknown): void {
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${label}${detail === undefined ? '' : `: ${JSON.stringify(detail)}`}`,
  );
  if (!ok) process.exitCode = 1;
}
