/**
 * The purchase flows the demo runs and the vector script records: real
 * issuers, real presenters, nothing hand-assembled.
 */

import type { IssuedL3Pair } from '../issue/index.js';
import {
  createCheckoutJwt,
  issueL1,
  issueL2Autonomous,
  issueL2Immediate,
  issueL3Pair,
} from '../issue/index.js';
import type { PresentationBundle } from '../present/index.js';
import { presentForDispute, presentToMerchant, presentToNetwork } from '../present/index.js';
import type { WireProfile } from '../profiles/profile.js';
import { generateSigningKey, type SigningKey } from '../sdjwt/keys.js';

export interface Actors {
  issuer: SigningKey;
  user: SigningKey;
  agent: SigningKey;
  merchants: SigningKey[];
}

export function newActors(): Actors {
  return {
    issuer: generateSigningKey('issuer-key-2026'),
    user: generateSigningKey('user-device-key-1'),
    agent: generateSigningKey('agent-key-1'),
    merchants: [generateSigningKey('merchant-key-1'), generateSigningKey('merchant-key-2')],
  };
}

export const SHOPS = [
  { id: 'm-racket-house', name: 'Racket House', website: 'https://racket-house.example' },
  { id: 'm-string-shop', name: 'String Shop', website: 'https://string-shop.example' },
];
export const CARD = {
  type: 'mastercard.srcDigitalCard',
  id: 'f199c3dd-7106-478b-9b5f-7af9ca725170',
  description: 'Mastercard **** 4242',
};
export const AUDIENCES = {
  wallet: 'https://wallet.example',
  agent: 'https://agent.example',
  network: 'https://network.example/vi/authorize',
};

export interface Step {
  actor: string;
  action: string;
}

export interface Flow {
  name: string;
  mode: 'immediate' | 'autonomous';
  steps: Step[];
  /** Role views by file-friendly name, e.g. `merchant`, `network-pair-1`, `dispute`. */
  bundles: Record<string, PresentationBundle>;
}

/** The bundles' trust member: the issuer's and the merchants' public keys. */
export function trustOf(a: Actors) {
  return {
    issuer_jwks: { keys: [a.issuer.publicJwk] },
    merchant_jwks: { keys: a.merchants.map((m) => m.publicJwk) },
  };
}

/** The user's L1 as the wallet presents it (without the email disclosure). */
export async function l1For(a: Actors, iat: number): Promise<string> {
  const full = await issueL1({
    issuerKey: a.issuer,
    iss: 'https://issuer.example-bank.test',
    sub: 'user-7f3a21',
    userPublicJwk: a.user.publicJwk,
    panLastFour: '4242',
    scheme: 'mastercard',
    cardId: CARD.id, // the delegated instrument is the card this L1 vouches for
    email: 'alice@example.com',
    aud: AUDIENCES.wallet,
    iat: iat - 86400,
  });
  // The wallet presents L1 without the email disclosure; L2 binds exactly that string.
  return `${full.split('~')[0]}~`;
}

/** Immediate mode: the user confirms one final cart; no agent credential. */
export async function immediateFlow(
  a: Actors,
  at: number,
  profile?: string | WireProfile,
): Promise<Flow> {
  const l1 = await l1For(a, at);
  const checkout = createCheckoutJwt({
    merchantKey: a.merchants[0]!,
    merchant: SHOPS[0]!,
    checkoutId: 'checkout-imm-1',
    currency: 'USD',
    items: [{ id: 'HEA23102', title: 'Head Graphene 360 Speed', quantity: 1, unitPrice: '249.99' }],
    iat: at - 60,
  });
  const l2 = issueL2Immediate({
    profile,
    userKey: a.user,
    l1,
    aud: AUDIENCES.agent,
    iat: at - 30,
    pairs: [{ checkoutJwt: checkout.jwt, paymentInstrument: CARD, payee: SHOPS[0]! }],
  });
  const trust = trustOf(a);
  const expect = { l2: { aud: AUDIENCES.agent } };
  return {
    name: 'immediate',
    mode: 'immediate',
    steps: [
      {
        actor: 'issuer',
        action: `signs L1 (kid ${a.issuer.kid}) binding the user key; email selectively disclosable`,
      },
      {
        actor: 'merchant',
        action: `signs checkout_jwt (kid ${a.merchants[0]!.kid}): 1 × HEA23102, total 249.99 USD`,
      },
      {
        actor: 'user',
        action:
          'signs L2 (kb-sd-jwt) with the L1 cnf key: final checkout + payment mandates, sd_hash over L1',
      },
    ],
    bundles: {
      merchant: presentToMerchant(
        { l1, l2, pairIndex: 0 },
        { trust, at, expect, name: 'immediate/merchant' },
      ),
      network: presentToNetwork(
        { l1, l2, pairIndex: 0 },
        { trust, at, expect, name: 'immediate/network' },
      ),
      dispute: presentForDispute({ l1, l2 }, { trust, at, expect, name: 'immediate/dispute' }),
    },
  };
}

/** Autonomous mode: the user delegates bounded authority; the agent buys within it. */
export async function autonomousFlow(
  a: Actors,
  at: number,
  pairCount = 1,
  profile?: string | WireProfile,
): Promise<Flow> {
  const l1 = await l1For(a, at);
  const shops = SHOPS.slice(0, Math.max(1, Math.min(pairCount, SHOPS.length)));
  const l2 = issueL2Autonomous({
    profile,
    userKey: a.user,
    l1,
    aud: AUDIENCES.agent,
    iat: at - 3600,
    lifetimeSeconds: 7 * 86400,
    pairs: shops.map((shop, i) => ({
      agentKey: a.agent.publicJwk,
      merchants: [shop],
      lineItems: [
        {
          id: 'line-1',
          acceptableItems:
            i === 0
              ? [
                  { id: 'BAB86345', title: 'Babolat Pure Aero' },
                  { id: 'HEA23102', title: 'Head Graphene 360 Speed' },
                ]
              : [{ id: 'LUX-ALU', title: 'Luxilon ALU Power 200m' }],
          quantity: i === 0 ? 1 : 2,
        },
      ],
      paymentInstrument: CARD,
      amount: { currency: 'USD', min: '10.00', max: '400.00' },
      budget: { currency: 'USD', max: '600.00' },
      promptSummary:
        i === 0 ? 'Buy a tennis racket under $400' : 'Restring: two reels of ALU Power',
    })),
  });
  const carts = [
    { id: 'BAB86345', title: 'Babolat Pure Aero', quantity: 1, unitPrice: '279.99' },
    { id: 'LUX-ALU', title: 'Luxilon ALU Power 200m', quantity: 2, unitPrice: '89.50' },
  ];
  const l3: IssuedL3Pair[] = shops.map((shop, i) => {
    const checkout = createCheckoutJwt({
      merchantKey: a.merchants[i]!,
      merchant: shop,
      checkoutId: `checkout-auto-${i}`,
      currency: 'USD',
      items: [carts[i]!],
      iat: at - 120,
    });
    return issueL3Pair({
      agentKey: a.agent,
      l2,
      pairIndex: i,
      checkoutJwt: checkout.jwt,
      networkAud: AUDIENCES.network,
      merchantAud: shop.website,
      iat: at - 60,
    });
  });
  const trust = trustOf(a);
  const bundles: Record<string, PresentationBundle> = {};
  l3.forEach((pair, i) => {
    const suffix = shops.length > 1 ? `-pair-${i}` : '';
    bundles[`merchant${suffix}`] = presentToMerchant(
      { l1, l2, pairIndex: i, l3: pair },
      {
        trust,
        at,
        name: `autonomous/merchant${suffix}`,
        expect: { l3b: { aud: shops[i]!.website } },
      },
    );
    bundles[`network${suffix}`] = presentToNetwork(
      { l1, l2, pairIndex: i, l3: pair },
      {
        trust,
        at,
        name: `autonomous/network${suffix}`,
        expect: { l3a: { aud: AUDIENCES.network } },
      },
    );
  });
  bundles.dispute = presentForDispute(
    { l1, l2, l3 },
    { trust, at, name: `autonomous/dispute${shops.length > 1 ? '-multi-pair' : ''}` },
  );
  return {
    name: shops.length > 1 ? 'autonomous-multi-pair' : 'autonomous',
    mode: 'autonomous',
    steps: [
      { actor: 'issuer', action: `signs L1 (kid ${a.issuer.kid}) binding the user key` },
      {
        actor: 'user',
        action: `signs L2 (kb-sd-jwt+kb): ${shops.length} open mandate pair(s) with amount, payee, merchant, line-item and budget constraints; agent key ${a.agent.kid} in cnf`,
      },
      ...shops.map((s, i) => ({
        actor: 'merchant',
        action: `${s.name} signs checkout_jwt ${i}: ${carts[i]!.quantity} × ${carts[i]!.id}`,
      })),
      {
        actor: 'agent',
        action: `signs ${shops.length} L3a (to the network) + L3b (to the merchant) pair(s) with key ${a.agent.kid}, each sd_hash over its recipient's L2 view`,
      },
    ],
    bundles,
  };
}
