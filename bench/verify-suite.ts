/**
 * Verification scenarios: every view with cached keys (one holder, several
 * chains) and with fresh keys (a new user and agent for every single
 * verification, as at a busy network). Fresh chains are issued before timing.
 */

import type { PresentationBundle } from '../src/present/index.js';
import { sharedKeyCache } from '../src/sdjwt/keys.js';
import { verifyPresentation } from '../src/verify/index.js';
import { bareKeys, bareVerify } from './bare.js';
import {
  type ChainViews,
  chainViews,
  type Holder,
  multiPairDispute,
  NOW,
  newHolder,
  type StableParties,
} from './chains.js';
import { type FloorWork, floorWork, runFloor } from './floor.js';
import { type LoopPlan, opsNeeded } from './harness.js';
import { measureRow } from './measure.js';
import type { KeyState, Row } from './report.js';

export interface VerifyPlans {
  single: LoopPlan;
  multi: LoopPlan;
  /** Chains from one holder that the cached scenarios rotate through. */
  cachedPool: number;
}

interface Input {
  bundle: PresentationBundle;
  floor: FloorWork;
}

type ViewName = keyof ChainViews;

const VIEWS: { view: ViewName; name: string }[] = [
  { view: 'immediateMerchant', name: 'Immediate, merchant view' },
  { view: 'immediateNetwork', name: 'Immediate, network view' },
  { view: 'autonomousNetwork', name: 'Autonomous, network view (+constraints)' },
  { view: 'autonomousDispute', name: 'Autonomous, dispute view (1 pair)' },
];

export const MULTI_PAIRS = 5;
/** Verifications (cycling through the views) run before any row is timed. */
const JIT_WARMUP = 3000;
export const multiName = `Autonomous, dispute view (${MULTI_PAIRS} pairs)`;

async function assertValid(bundle: PresentationBundle, what: string): Promise<void> {
  const r = await verifyPresentation(bundle, { now: NOW, trustFromBundle: true });
  if (!r.valid)
    throw new Error(`${what} does not verify: ${r.errors.map((e) => e.code).join(', ')}`);
}

/** The bare minimum must do exactly the floor's signatures and digests, or its ratio means nothing. */
function assertBareMatchesFloor(bundle: PresentationBundle, floor: FloorWork, what: string): void {
  const done = bareVerify(bundle);
  if (done.signatures !== floor.signatures.length || done.digests !== floor.digests.length) {
    throw new Error(
      `${what}: bare minimum did ${done.signatures} + ${done.digests}, the floor counts ${floor.signatures.length} + ${floor.digests.length}`,
    );
  }
}

function keysOf(p: StableParties, h: Holder) {
  return { issuer: p.issuer, merchant: p.merchant, user: h.user, agent: h.agent };
}

/** Build pools, then time every scenario. Returns the rows and the fresh pool (the memory run reuses it). */
export async function runVerifySuite(
  p: StableParties,
  plans: VerifyPlans,
  log: (s: string) => void,
): Promise<{ rows: Row[]; freshNetwork: PresentationBundle[] }> {
  log('verify: issuing chains');
  const cachedHolder = newHolder();
  const cached = await Promise.all(
    Array.from({ length: plans.cachedPool }, () => chainViews(p, cachedHolder)),
  );
  const freshHolders = Array.from({ length: opsNeeded(plans.single) }, () => newHolder());
  const fresh = await Promise.all(freshHolders.map((h) => chainViews(p, h)));
  const cachedMulti = await Promise.all(
    Array.from({ length: plans.cachedPool }, () => multiPairDispute(p, cachedHolder, MULTI_PAIRS)),
  );
  const freshMultiHolders = Array.from({ length: opsNeeded(plans.multi) }, () => newHolder());
  const freshMulti = await Promise.all(
    freshMultiHolders.map((h) => multiPairDispute(p, h, MULTI_PAIRS)),
  );

  for (const v of VIEWS) await assertValid(cached[0]![v.view], v.name);
  await assertValid(cachedMulti[0]!, multiName);
  const k0 = keysOf(p, cachedHolder);
  for (const v of VIEWS)
    assertBareMatchesFloor(cached[0]![v.view], floorWork(cached[0]![v.view], k0), v.name);
  assertBareMatchesFloor(cachedMulti[0]!, floorWork(cachedMulti[0]!, k0), multiName);

  // JIT warm-up of the whole verifier (and the floor) before the first row: a
  // row's own warm-up of a few hundred ops left the first rows of a mode partly
  // unoptimized (the first Autonomous rows measured ≈ 2.4x where a warm process gives ≈ 1.7x).
  log('verify: JIT warm-up');
  const keys = keysOf(p, cachedHolder);
  for (let i = 0; i < JIT_WARMUP; i++) {
    const b = cached[i % cached.length]![VIEWS[i % VIEWS.length]!.view];
    await verifyPresentation(b, { now: NOW, trustFromBundle: true });
    if (i % 50 === 0)
      await verifyPresentation(cachedMulti[i % cachedMulti.length]!, {
        now: NOW,
        trustFromBundle: true,
      });
  }
  const warmFloors = cached.flatMap((c) => VIEWS.map((v) => floorWork(c[v.view], keys)));
  for (let i = 0; i < JIT_WARMUP; i++) runFloor(warmFloors[i % warmFloors.length]!, false);
  for (let i = 0; i < JIT_WARMUP; i++)
    bareVerify(cached[i % cached.length]![VIEWS[i % VIEWS.length]!.view]);

  const rows: Row[] = [];
  const scenario = async (name: string, keys: KeyState, inputs: Input[], plan: LoopPlan) => {
    // Fresh: start from an empty cache so no user or agent key of the pool is already imported.
    if (keys === 'fresh') {
      sharedKeyCache.clear();
      bareKeys.clear();
    }
    const at = (i: number) => inputs[i % inputs.length]!;
    rows.push(
      await measureRow(
        {
          group: 'verify',
          name,
          keys,
          plan,
          floors: (i) => at(i).floor,
          op: (i) => verifyPresentation(at(i).bundle, { now: NOW, trustFromBundle: true }),
          bare: (i) => bareVerify(at(i).bundle),
        },
        log,
      ),
    );
  };

  for (const v of VIEWS) {
    await scenario(
      v.name,
      'cached',
      cached.map((c) => ({
        bundle: c[v.view],
        floor: floorWork(c[v.view], keysOf(p, cachedHolder)),
      })),
      plans.single,
    );
    await scenario(
      v.name,
      'fresh',
      fresh.map((c, i) => ({
        bundle: c[v.view],
        floor: floorWork(c[v.view], keysOf(p, freshHolders[i]!)),
      })),
      plans.single,
    );
  }
  await scenario(
    multiName,
    'cached',
    cachedMulti.map((b) => ({ bundle: b, floor: floorWork(b, keysOf(p, cachedHolder)) })),
    plans.multi,
  );
  await scenario(
    multiName,
    'fresh',
    freshMulti.map((b, i) => ({
      bundle: b,
      floor: floorWork(b, keysOf(p, freshMultiHolders[i]!)),
    })),
    plans.multi,
  );
  return { rows, freshNetwork: fresh.map((c) => c.autonomousNetwork) };
}
