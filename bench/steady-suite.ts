/**
 * Steady-state rows (bench/steady-chains.ts): the network view verified and
 * authorized with and without the verified-signature cache. The cache is
 * emptied before each row; in a row every L3 pair is new, so with the cache
 * each authorization still verifies its L3a signature and skips only the
 * recurring L1 and L2 ones. The cache/no-cache ratio is also timed directly,
 * one against the other in alternating loops.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authorizePresentation } from '../src/http/authorize.js';
import { openLedger } from '../src/ledger/index.js';
import { sharedKeyCache } from '../src/sdjwt/keys.js';
import { VerifiedSignatureCache } from '../src/sdjwt/signature-cache.js';
import { verifyPresentation } from '../src/verify/index.js';
import { NOW, type StableParties } from './chains.js';
import { type LoopPlan, timeAgainstFloor } from './harness.js';
import { measureRow } from './measure.js';
import type { Row } from './report.js';
import type { SteadyWorkload } from './steady-chains.js';

export interface SteadyResult {
  rows: Row[];
  /** Cached verify CPU / uncached verify CPU, median of per-loop ratios (alternating loops). */
  cacheRatio: number;
  cacheStats: ReturnType<VerifiedSignatureCache['stats']>;
}

export async function runSteadySuite(p: StableParties, w: SteadyWorkload, plan: LoopPlan, log: (s: string) => void): Promise<SteadyResult> {
  log(`steady state: ${w.users} users, 2 L2s each, ${w.views.length} authorizations with fresh L3 pairs`);
  const rows: Row[] = [];
  const floors = (i: number) => w.floors[i]!;
  const cache = new VerifiedSignatureCache();
  const verifyOpts = (withCache: boolean) => ({ now: NOW, issuerKeys: p.issuerJwks, ...(withCache ? { signatureCache: cache } : {}) });
  let invalid = 0;
  const verifyOp = (withCache: boolean) => {
    const opts = verifyOpts(withCache);
    return async (i: number) => {
      if (!(await verifyPresentation(w.views[i]!, opts)).valid) invalid++;
    };
  };

  for (const withCache of [false, true]) {
    cache.clear();
    sharedKeyCache.clear();
    const name = `steady state: network view, ${withCache ? 'with' : 'no'} signature cache`;
    rows.push(await measureRow({ group: 'verify', name, keys: 'cached', plan, floors, op: verifyOp(withCache) }, log));
  }
  const stats = cache.stats();

  cache.clear();
  const paired = await timeAgainstFloor(verifyOp(true), verifyOp(false), plan);
  log(`  steady state: with cache / without, same loops: ${paired.ratio.toFixed(2)}x`);

  for (const withCache of [false, true]) {
    cache.clear();
    const dir = mkdtempSync(join(tmpdir(), 'vintent-bench-steady-'));
    const ledger = await openLedger(`sqlite:${join(dir, 'ledger.db')}`);
    const trust = { ledger, issuerKeys: p.issuerJwks, ...(withCache ? { signatureCache: cache } : {}) };
    let declined = 0;
    try {
      const name = `steady state: authorize (verify + SQLite), ${withCache ? 'with' : 'no'} signature cache`;
      rows.push(
        await measureRow(
          {
            group: 'network',
            name,
            keys: 'cached',
            plan,
            floors,
            op: async (i) => {
              if ((await authorizePresentation(w.views[i]!, trust, NOW)).decision !== 'approved') declined++;
            },
          },
          log,
        ),
      );
    } finally {
      await ledger.close();
      rmSync(dir, { recursive: true, force: true });
    }
    if (declined) throw new Error(`steady state: ${declined} authorizations declined; the workload expects approvals`);
  }
  if (invalid) throw new Error(`steady state: ${invalid} verifications failed`);
  return { rows, cacheRatio: paired.ratio, cacheStats: stats };
}
