/**
 * Memory over many verifications: RSS sampled at every tenth of the run
 * (after a full GC when --expose-gc is on). Inputs cycle through a pool of
 * chains whose user and agent keys outnumber the key cache, so the cache is
 * full and evicting throughout: growth would show any unbounded state.
 */

import type { PresentationBundle } from '../src/present/index.js';
import { sharedKeyCache } from '../src/sdjwt/keys.js';
import { verifyPresentation } from '../src/verify/index.js';
import type { VerifyOptions } from '../src/verify/types.js';
import { NOW } from './chains.js';
import type { MemoryReport } from './report.js';

const MB = 2 ** 20;

function sample(after: number) {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { after, rssMb: m.rss / MB, heapUsedMb: m.heapUsed / MB };
}

export async function runMemory(
  pool: readonly PresentationBundle[],
  total: number,
  log: (s: string) => void,
  options: VerifyOptions = {},
): Promise<MemoryReport> {
  const every = total / 10;
  const samples: MemoryReport['samples'] = [];
  let invalid = 0;
  log(`memory: ${total} verifications over ${pool.length} chains`);
  for (let i = 1; i <= total; i++) {
    const r = await verifyPresentation(pool[i % pool.length]!, {
      now: NOW,
      trustFromBundle: true,
      ...options,
    });
    if (!r.valid) invalid++;
    if (i % every === 0) samples.push(sample(i));
  }
  if (invalid) throw new Error(`memory: ${invalid} verifications failed`);
  const baseline = samples[1]!; // the 20% mark: past start-up and JIT warm-up
  const last = samples[samples.length - 1]!;
  const growthPercent = ((last.rssMb - baseline.rssMb) / baseline.rssMb) * 100;
  return {
    verifications: total,
    scenario: 'Autonomous network view, fresh keys',
    distinctKeys: pool.length * 2,
    keyCacheCapacity: sharedKeyCache.capacity,
    gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
    samples,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    baselineAfter: baseline.after,
    growthPercent,
    flat: growthPercent <= 10,
  };
}
