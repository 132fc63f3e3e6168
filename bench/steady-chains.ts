/**
 * The steady-state workload a payment network sees: N users, each with one
 * L1 (lives a year) and two Autonomous L2s (up to 30 days) of many mandate
 * pairs, and a stream of authorizations, each with a fresh L3 pair (new
 * nonce, new checkout). The same L1 and L2 bytes recur across authorizations;
 * the L3 pair is always new. Issued before any clock starts.
 */
import type { IssuedL2Autonomous } from '../src/issue/l2-types.js';
import { issueL3Pair } from '../src/issue/l3.js';
import { type PresentationBundle, presentToNetwork } from '../src/present/index.js';
import {
  type Holder,
  issueAutonomousL2,
  issueUserL1,
  MERCHANT_AUD,
  NETWORK_AUD,
  newCheckout,
  newHolder,
  type StableParties,
  T,
} from './chains.js';
import { type FloorWork, floorWork } from './floor.js';

export const L2S_PER_USER = 2;
export const PAIRS_PER_L2 = 16;
/** Well inside each pair's amount range and budget: every authorization is approved. */
export const STEADY_AMOUNT = 2999;

export interface SteadyWorkload {
  users: number;
  /** One network view per authorization, each (L2, pair) used once. */
  views: PresentationBundle[];
  floors: FloorWork[];
  /** The serialized request bodies, for the HTTP runs. */
  bodies: string[];
}

const ITEMS = [
  { id: 'BAB86345', title: 'Babolat Pure Aero' },
  { id: 'HEA23102', title: 'Head Graphene 360 Speed' },
  { id: 'NIK90210', title: 'Nike Air Zoom Vapor Pro 2' },
  { id: 'PEN-BALLS', title: 'Penn Championship balls' },
  { id: 'WIL-GRIP', title: 'Wilson Pro Overgrip' },
];

/** `authorizations` views over ceil(authorizations / (2 × 16)) users; view i uses user i mod N. */
export async function steadyWorkload(
  p: StableParties,
  authorizations: number,
): Promise<SteadyWorkload> {
  const users = Math.ceil(authorizations / (L2S_PER_USER * PAIRS_PER_L2));
  const holders: { h: Holder; l1: string; l2s: IssuedL2Autonomous[] }[] = [];
  for (let u = 0; u < users; u++) {
    const h = newHolder();
    const l1 = await issueUserL1(p, h.user);
    holders.push({
      h,
      l1,
      l2s: Array.from({ length: L2S_PER_USER }, () =>
        issueAutonomousL2(h.user, h.agent, l1, PAIRS_PER_L2),
      ),
    });
  }
  const views: PresentationBundle[] = [];
  const floors: FloorWork[] = [];
  for (let i = 0; i < authorizations; i++) {
    const { h, l1, l2s } = holders[i % users]!;
    const slot = Math.floor(i / users);
    const l2 = l2s[slot % L2S_PER_USER]!;
    const pairIndex = Math.floor(slot / L2S_PER_USER) % PAIRS_PER_L2;
    const checkout = newCheckout(p, ITEMS[pairIndex % ITEMS.length]!, STEADY_AMOUNT);
    const l3 = issueL3Pair({
      agentKey: h.agent,
      l2,
      pairIndex,
      checkoutJwt: checkout.jwt,
      networkAud: NETWORK_AUD,
      merchantAud: MERCHANT_AUD,
      iat: T + 30,
    });
    const view = presentToNetwork(
      { l1, l2, pairIndex, l3 },
      { trust: { issuer_jwks: p.issuerJwks } },
    );
    views.push(view);
    floors.push(floorWork(view, { issuer: p.issuer, user: h.user, agent: h.agent }));
  }
  return { users, views, floors, bodies: views.map((v) => JSON.stringify(v)) };
}
