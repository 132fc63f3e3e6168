/**
 * Credentials live at the real clock, for tests against `vintent serve` child
 * processes (they judge by their own clock): an Autonomous chain with N pairs
 * and a network view per purchase.
 */
import { createCheckoutJwt } from '../../src/issue/checkout.js';
import { issueL1 } from '../../src/issue/l1.js';
import { issueL2Autonomous } from '../../src/issue/l2-autonomous.js';
import type { IssuedL2Autonomous } from '../../src/issue/l2-types.js';
import { issueL3Pair } from '../../src/issue/l3.js';
import { generateSigningKey, type SigningKey } from '../../src/sdjwt/keys.js';

export const NETWORK_AUD = 'https://network.example/authorize';
const tennis = {
  id: 'm-tw-001',
  name: 'Tennis Warehouse',
  website: 'https://tennis-warehouse.example',
};
const instrument = {
  type: 'mastercard.srcDigitalCard',
  id: 'card-1',
  description: 'Mastercard **** 4242',
};
const item = { id: 'BAB86345', title: 'Babolat Pure Aero' };
/** The server judges by its own clock: these credentials are live now. */
const T = Math.floor(Date.now() / 1000) - 60;

export interface Chain {
  issuer: SigningKey;
  merchant: SigningKey;
  agent: SigningKey;
  user: SigningKey;
  l1: string;
  l2: IssuedL2Autonomous;
}

const day = (offset: number) => new Date((T + offset * 86400) * 1000).toISOString().slice(0, 10);

export async function chain(
  issuer: SigningKey,
  merchant: SigningKey,
  pairs: number,
  budget: number,
  recurring = false,
): Promise<Chain> {
  const user = generateSigningKey('w-user');
  const agent = generateSigningKey('w-agent');
  const l1 = await issueL1({
    issuerKey: issuer,
    iss: 'https://issuer.example',
    sub: 'user-w',
    userPublicJwk: user.publicJwk,
    panLastFour: '4242',
    scheme: 'mastercard',
    iat: T - 100,
  });
  const pair = () => ({
    agentKey: agent.publicJwk,
    merchants: [tennis],
    lineItems: [{ id: 'line-1', acceptableItems: [item], quantity: 1 }],
    paymentInstrument: instrument,
    amount: { currency: 'USD', min: 100, max: 40000 },
    budget: { currency: 'USD', max: budget },
    ...(recurring
      ? {
          agentRecurrence: {
            frequency: 'ON_DEMAND',
            start_date: day(-1),
            end_date: day(30),
            max_occurrences: 50,
          },
        }
      : {}),
  });
  const l2 = issueL2Autonomous({
    userKey: user,
    l1,
    aud: 'https://agent.example',
    iat: T,
    pairs: Array.from({ length: pairs }, pair),
  });
  return { issuer, merchant, agent, user, l1, l2 };
}

let seq = 0;
/** One purchase: a new checkout and the L3 pair paying it, as the network and the merchant each see it. */
export function purchase(
  c: Chain,
  pairIndex: number,
  amount: number,
): { network: Record<string, unknown>; merchant: Record<string, unknown> } {
  const checkout = createCheckoutJwt({
    merchantKey: c.merchant,
    merchant: tennis,
    checkoutId: `w-${++seq}`,
    currency: 'USD',
    items: [{ ...item, quantity: 1, unitPrice: amount }],
    iat: T + 10,
  });
  const l3 = issueL3Pair({
    agentKey: c.agent,
    l2: c.l2,
    pairIndex,
    checkoutJwt: checkout.jwt,
    networkAud: NETWORK_AUD,
    merchantAud: 'https://tennis-warehouse.example',
    iat: T + 20,
  });
  return {
    network: {
      vi_bundle: 1,
      role: 'network',
      l1: c.l1,
      l2: l3.paymentL2,
      l3: [{ payment: l3.payment }],
    },
    merchant: {
      vi_bundle: 1,
      role: 'merchant',
      l1: c.l1,
      l2: l3.checkoutL2,
      l3: [{ checkout: l3.checkout }],
    },
  };
}

/** What the agent sends the network for one new purchase. */
export function networkView(c: Chain, pairIndex: number, amount: number): Record<string, unknown> {
  return purchase(c, pairIndex, amount).network;
}
