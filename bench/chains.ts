/**
 * Real credential chains for the benchmark, issued with src/issue and cut into
 * views with src/present, exactly as agents would send them. Nothing here is
 * timed: chains are built before the clock starts.
 */
import { createCheckoutJwt } from '../src/issue/checkout.js';
import { issueL1 } from '../src/issue/l1.js';
import { type AutonomousPairInput, issueL2Autonomous } from '../src/issue/l2-autonomous.js';
import { issueL2Immediate } from '../src/issue/l2-immediate.js';
import type { IssuedL2Autonomous, IssuedL2Immediate } from '../src/issue/l2-types.js';
import { type IssuedL3Pair, issueL3Pair } from '../src/issue/l3.js';
import {
  type PresentationBundle,
  presentForDispute,
  presentToMerchant,
  presentToNetwork,
} from '../src/present/index.js';
import type { JwkSet } from '../src/profiles/bundle.js';
import { generateSigningKey, type SigningKey } from '../src/sdjwt/keys.js';

/** Issuance time: a minute ago, so every credential is live when verified "now". */
export const T = Math.floor(Date.now() / 1000) - 60;
/** The verification time every scenario pins. */
export const NOW = T + 120;
export const NETWORK_AUD = 'https://network.example/authorize';
export const MERCHANT_AUD = 'https://tennis-warehouse.example';

const merchant = {
  id: 'm-tw-001',
  name: 'Tennis Warehouse',
  website: 'https://tennis-warehouse.example',
};
const instrument = {
  type: 'mastercard.srcDigitalCard',
  id: 'card-1',
  description: 'Mastercard **** 4242',
};
const items = [
  { id: 'BAB86345', title: 'Babolat Pure Aero' },
  { id: 'HEA23102', title: 'Head Graphene 360 Speed' },
  { id: 'NIK90210', title: 'Nike Air Zoom Vapor Pro 2' },
  { id: 'PEN-BALLS', title: 'Penn Championship balls' },
  { id: 'WIL-GRIP', title: 'Wilson Pro Overgrip' },
];

/** Issuer and merchant keys are long-lived: every verifier has them cached. */
export interface StableParties {
  issuer: SigningKey;
  merchant: SigningKey;
  issuerJwks: JwkSet;
  merchantJwks: JwkSet;
}

export function stableParties(): StableParties {
  const issuer = generateSigningKey('bench-issuer-1');
  const merchantKey = generateSigningKey('bench-merchant-1');
  return {
    issuer,
    merchant: merchantKey,
    issuerJwks: { keys: [issuer.publicJwk] },
    merchantJwks: { keys: [merchantKey.publicJwk] },
  };
}

/** A user and the agent they delegate to. A "fresh" chain gets new ones. */
export interface Holder {
  user: SigningKey;
  agent: SigningKey;
}

export function newHolder(): Holder {
  return { user: generateSigningKey(), agent: generateSigningKey() };
}

export function issueUserL1(p: StableParties, user: SigningKey): Promise<string> {
  return issueL1({
    issuerKey: p.issuer,
    iss: 'https://issuer.example',
    sub: `user-${user.kid.slice(0, 8)}`,
    userPublicJwk: user.publicJwk,
    panLastFour: '4242',
    scheme: 'mastercard',
    email: 'alice@example.com',
    iat: T,
  });
}

let checkoutSeq = 0;

export function newCheckout(p: StableParties, item: { id: string; title: string }, amount = 27999) {
  return createCheckoutJwt({
    merchantKey: p.merchant,
    merchant,
    checkoutId: `bench-${++checkoutSeq}`,
    currency: 'USD',
    // Member by member, not `{ ...item, quantity, unitPrice }`: in V8 11 members added after a spread cost
    // about a microsecond and leave an object every later read of it pays for, none of which is issuance.
    items: [{ id: item.id, title: item.title, quantity: 1, unitPrice: amount }],
    iat: T,
  });
}

/** One open mandate pair: one merchant, one acceptable item, an amount range and a budget. */
export function autonomousPairInput(agent: SigningKey, pairIndex: number): AutonomousPairInput {
  return {
    agentKey: agent.publicJwk,
    merchants: [merchant],
    lineItems: [
      { id: `line-${pairIndex}`, acceptableItems: [items[pairIndex % items.length]!], quantity: 1 },
    ],
    paymentInstrument: instrument,
    amount: { currency: 'USD', min: 100, max: 40000 },
    budget: { currency: 'USD', max: 50000 },
  };
}

export function issueAutonomousL2(
  user: SigningKey,
  agent: SigningKey,
  l1: string,
  pairs: number,
): IssuedL2Autonomous {
  const inputs = Array.from({ length: pairs }, (_, i) => autonomousPairInput(agent, i));
  return issueL2Autonomous({
    userKey: user,
    l1,
    aud: 'https://agent.example',
    iat: T,
    pairs: inputs,
  });
}

export function fulfilPair(
  p: StableParties,
  agent: SigningKey,
  l2: IssuedL2Autonomous,
  pairIndex: number,
): IssuedL3Pair {
  const checkout = newCheckout(p, items[pairIndex % items.length]!);
  return issueL3Pair({
    agentKey: agent,
    l2,
    pairIndex,
    checkoutJwt: checkout.jwt,
    networkAud: NETWORK_AUD,
    merchantAud: MERCHANT_AUD,
    iat: T + 30,
  });
}

export function issueImmediateL2(
  p: StableParties,
  user: SigningKey,
  l1: string,
): IssuedL2Immediate {
  const checkout = newCheckout(p, items[0]!);
  return issueL2Immediate({
    userKey: user,
    l1,
    aud: NETWORK_AUD,
    iat: T,
    pairs: [{ checkoutJwt: checkout.jwt, paymentInstrument: instrument, payee: merchant }],
  });
}

/** Every bundle shape the benchmark verifies, for one holder. */
export interface ChainViews {
  immediateMerchant: PresentationBundle;
  immediateNetwork: PresentationBundle;
  autonomousNetwork: PresentationBundle;
  autonomousDispute: PresentationBundle;
}

/** Build the four single-pair views for one holder (Immediate and Autonomous chains share the L1). */
export async function chainViews(p: StableParties, h: Holder): Promise<ChainViews> {
  const l1 = await issueUserL1(p, h.user);
  const imm = issueImmediateL2(p, h.user, l1);
  const auto = issueAutonomousL2(h.user, h.agent, l1, 1);
  const l3 = fulfilPair(p, h.agent, auto, 0);
  const trust = { issuer_jwks: p.issuerJwks };
  return {
    immediateMerchant: presentToMerchant(
      { l1, l2: imm, pairIndex: 0 },
      { trust: { ...trust, merchant_jwks: p.merchantJwks }, at: NOW },
    ),
    immediateNetwork: presentToNetwork({ l1, l2: imm, pairIndex: 0 }, { trust, at: NOW }),
    autonomousNetwork: presentToNetwork({ l1, l2: auto, pairIndex: 0, l3 }, { trust, at: NOW }),
    autonomousDispute: presentForDispute({ l1, l2: auto, l3: [l3] }, { trust, at: NOW }),
  };
}

/** An Autonomous L2 with `pairs` mandate pairs, every one fulfilled: the dispute view. */
export async function multiPairDispute(
  p: StableParties,
  h: Holder,
  pairs: number,
): Promise<PresentationBundle> {
  const l1 = await issueUserL1(p, h.user);
  const l2 = issueAutonomousL2(h.user, h.agent, l1, pairs);
  const l3s = Array.from({ length: pairs }, (_, i) => fulfilPair(p, h.agent, l2, i));
  return presentForDispute({ l1, l2, l3: l3s }, { trust: { issuer_jwks: p.issuerJwks }, at: NOW });
}
