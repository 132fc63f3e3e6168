/**
 * Real credential chains for the service tests, built with src/issue: an
 * Autonomous L2 with two mandate pairs sharing a USD 500 budget, and an
 * Immediate L2. Views are cut exactly as an agent would send them.
 */
import { createCheckoutJwt } from '../../src/issue/checkout.js';
import { issueL1 } from '../../src/issue/l1.js';
import { issueL2Autonomous } from '../../src/issue/l2-autonomous.js';
import { issueL2Immediate } from '../../src/issue/l2-immediate.js';
import type { IssuedL2Autonomous, IssuedL2Immediate } from '../../src/issue/l2-types.js';
import { type IssuedL3Pair, issueL3Pair } from '../../src/issue/l3.js';
import type { JwkSet } from '../../src/profiles/bundle.js';
import { serializeSdJwt } from '../../src/sdjwt/build.js';
import { generateSigningKey, type SigningKey } from '../../src/sdjwt/keys.js';

/** 2026-06-09T10:13:20Z: credentials are issued around it; the server clock is pinned near it. */
export const T = 1781000000;
/** The server's clock in the tests: inside every credential's lifetime. */
export const SERVER_NOW = T + 200;

export const NETWORK_AUD = 'https://network.example/authorize';
export const MERCHANT_AUD = 'https://tennis-warehouse.example';

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
const racket = { id: 'BAB86345', title: 'Babolat Pure Aero' };
const balls = { id: 'PEN-BALLS', title: 'Penn Championship balls' };

export interface Parties {
  issuer: SigningKey;
  user: SigningKey;
  agent: SigningKey;
  merchant: SigningKey;
  issuerJwks: JwkSet;
  merchantJwks: JwkSet;
}

export function parties(prefix = 'test'): Parties {
  const issuer = generateSigningKey(`${prefix}-issuer-1`);
  const merchant = generateSigningKey(`${prefix}-merchant-1`);
  return {
    issuer,
    user: generateSigningKey(`${prefix}-user-1`),
    agent: generateSigningKey(`${prefix}-agent-1`),
    merchant,
    issuerJwks: { keys: [issuer.publicJwk] },
    merchantJwks: { keys: [merchant.publicJwk] },
  };
}

export interface AutonomousChain {
  p: Parties;
  l1: string;
  l2: IssuedL2Autonomous;
}

/**
 * Two pairs (USD 100–400 each), each with its own USD 500 budget, at Tennis
 * Warehouse. `onDemand`: both pairs allow several purchases (agent_recurrence,
 * June 2026, up to 10), so the per-pair budget is what bounds them.
 */
export async function autonomousChain(
  p: Parties = parties(),
  opts: { onDemand?: boolean; l1Claims?: Record<string, unknown> } = {},
): Promise<AutonomousChain> {
  const l1 = await issueL1({
    issuerKey: p.issuer,
    iss: 'https://issuer.example',
    sub: 'user-1',
    userPublicJwk: p.user.publicJwk,
    panLastFour: '4242',
    scheme: 'mastercard',
    iat: T - 1000,
    ...(opts.l1Claims ? { extraClaims: opts.l1Claims } : {}),
  });
  const pair = (item: { id: string; title: string }) => ({
    agentKey: p.agent.publicJwk,
    merchants: [tennis],
    lineItems: [{ id: 'line-1', acceptableItems: [item], quantity: 1 }],
    paymentInstrument: instrument,
    amount: { currency: 'USD', min: 100, max: 40000 },
    budget: { currency: 'USD', max: 50000 },
    ...(opts.onDemand
      ? {
          agentRecurrence: {
            frequency: 'ON_DEMAND',
            start_date: '2026-06-01',
            end_date: '2026-06-30',
            max_occurrences: 10,
          },
        }
      : {}),
  });
  const l2 = issueL2Autonomous({
    userKey: p.user,
    l1,
    aud: 'https://agent.example',
    iat: T,
    pairs: [pair(racket), pair(balls)],
  });
  return { p, l1, l2 };
}

let checkoutSeq = 0;

/** A new checkout at the merchant and a fresh L3 pair paying it (amount in minor units). */
export function fulfil(chain: AutonomousChain, pairIndex: 0 | 1, amount: number): IssuedL3Pair {
  const item = pairIndex === 0 ? racket : balls;
  const checkout = createCheckoutJwt({
    merchantKey: chain.p.merchant,
    merchant: tennis,
    checkoutId: `checkout-${++checkoutSeq}`,
    currency: 'USD',
    items: [{ ...item, quantity: 1, unitPrice: amount }],
    iat: T + 50,
  });
  return issueL3Pair({
    agentKey: chain.p.agent,
    l2: chain.l2,
    pairIndex,
    checkoutJwt: checkout.jwt,
    networkAud: NETWORK_AUD,
    merchantAud: MERCHANT_AUD,
    iat: T + 100,
  });
}

/** What the agent sends the payment network: L3a and the L2 view it binds to. */
export function networkView(
  chain: AutonomousChain,
  l3: IssuedL3Pair,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    vi_bundle: 1,
    role: 'network',
    l1: chain.l1,
    l2: l3.paymentL2,
    l3: [{ payment: l3.payment }],
    ...extra,
  };
}

/** What the agent sends the merchant: L3b and the L2 view it binds to. */
export function merchantView(
  chain: AutonomousChain,
  l3: IssuedL3Pair,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    vi_bundle: 1,
    role: 'merchant',
    l1: chain.l1,
    l2: l3.checkoutL2,
    l3: [{ checkout: l3.checkout }],
    ...extra,
  };
}

export interface ImmediateChain {
  p: Parties;
  l1: string;
  l2: IssuedL2Immediate;
}

export async function immediateChain(p: Parties = parties('imm')): Promise<ImmediateChain> {
  const l1 = await issueL1({
    issuerKey: p.issuer,
    iss: 'https://issuer.example',
    sub: 'user-2',
    userPublicJwk: p.user.publicJwk,
    panLastFour: '4242',
    scheme: 'mastercard',
    iat: T - 1000,
  });
  const checkout = createCheckoutJwt({
    merchantKey: p.merchant,
    merchant: tennis,
    checkoutId: `imm-${++checkoutSeq}`,
    currency: 'USD',
    items: [{ ...racket, quantity: 1, unitPrice: 24999 }],
    iat: T,
  });
  const l2 = issueL2Immediate({
    userKey: p.user,
    l1,
    aud: NETWORK_AUD,
    iat: T,
    pairs: [{ checkoutJwt: checkout.jwt, paymentInstrument: instrument, payee: tennis }],
  });
  return { p, l1, l2 };
}

/** Immediate network view: the L2 with only its payment mandate disclosed. */
export function immediateNetworkView(chain: ImmediateChain): Record<string, unknown> {
  const pair = chain.l2.pairs[0]!;
  return {
    vi_bundle: 1,
    role: 'network',
    l1: chain.l1,
    l2: serializeSdJwt(chain.l2.jwt, [pair.payment.encoded]),
  };
}
