/**
 * The benchmark's bare-minimum reference (bench/bare.ts) is only meaningful
 * if it does exactly the floor's cryptography: the same signatures and
 * digests, with keys from the previous layer's cnf. No timing here.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { bareVerify } from '../../bench/bare.js';
import {
  type ChainViews,
  chainViews,
  type Holder,
  multiPairDispute,
  newHolder,
  type StableParties,
  stableParties,
} from '../../bench/chains.js';
import { floorWork } from '../../bench/floor.js';
import type { PresentationBundle } from '../../src/present/index.js';

let parties: StableParties;
let holder: Holder;
let views: ChainViews;
let multi: PresentationBundle;

beforeAll(async () => {
  parties = stableParties();
  holder = newHolder();
  views = await chainViews(parties, holder);
  multi = await multiPairDispute(parties, holder, 3);
});

const keys = () => ({
  issuer: parties.issuer,
  merchant: parties.merchant,
  user: holder.user,
  agent: holder.agent,
});

describe('bench bare minimum', () => {
  const names: (keyof ChainViews)[] = [
    'immediateMerchant',
    'immediateNetwork',
    'autonomousNetwork',
    'autonomousDispute',
  ];
  for (const name of names) {
    it(`does the floor's signatures and digests: ${name}`, () => {
      const floor = floorWork(views[name], keys());
      expect(bareVerify(views[name])).toEqual({
        signatures: floor.signatures.length,
        digests: floor.digests.length,
      });
    });
  }

  it("does the floor's work for a multi-pair dispute view", () => {
    const floor = floorWork(multi, keys());
    expect(bareVerify(multi)).toEqual({
      signatures: floor.signatures.length,
      digests: floor.digests.length,
    });
  });

  it('really checks signatures: a flipped L3 signature byte throws', () => {
    const b = structuredClone(views.autonomousDispute);
    const entry = b.l3![0]!;
    const [jwt, ...rest] = entry.payment!.split('~');
    const sig = Buffer.from(jwt!.split('.')[2]!, 'base64url');
    sig[5] = sig[5]! ^ 1;
    entry.payment = [
      `${jwt!.split('.').slice(0, 2).join('.')}.${sig.toString('base64url')}`,
      ...rest,
    ].join('~');
    expect(() => bareVerify(b)).toThrow(/signature/);
  });
});
