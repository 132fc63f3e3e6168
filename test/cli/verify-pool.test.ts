/**
 * `vintent verify` on worker threads: the same reports, in the same order,
 * as verifying every file in this thread, whatever order the chunks finish in.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BundleReport } from '../../src/cli/verify.js';
import { collectBundleFiles } from '../../src/cli/verify.js';
import { PARALLEL_THRESHOLD, threadsFor, verifyReports } from '../../src/cli/verify-pool.js';
import { autonomousBundle, immediateBundle } from '../fixtures/raw-chain.js';

async function all(gen: AsyncGenerator<BundleReport>): Promise<BundleReport[]> {
  const out: BundleReport[] = [];
  for await (const r of gen) out.push(r);
  return out;
}

describe('verifyReports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vintent-verify-pool-'));
  const kinds = [
    JSON.stringify(immediateBundle()),
    JSON.stringify({
      ...autonomousBundle({ l3aPayload: (p) => (p.sd_hash = 'x') }, 'network'),
      verdict: { valid: false },
    }),
    '{ not json',
    JSON.stringify(autonomousBundle({}, 'network')),
  ];
  // 150 files of four kinds, named so that directory order interleaves them.
  for (let i = 0; i < 150; i++)
    writeFileSync(join(dir, `b${String(i).padStart(3, '0')}.json`), kinds[(i * 7) % kinds.length]!);
  const files = collectBundleFiles([dir]);
  const options = { trustFromBundle: true };

  it('gives the same reports in the same order on threads as in this thread', async () => {
    const single = await all(verifyReports(files, options, { threads: 1 }));
    const threaded = await all(verifyReports(files, options, { threads: 3 }));
    expect(threaded).toEqual(single);
    expect(threaded.map((r) => r.file)).toEqual(files);
    expect(new Set(single.map((r) => r.valid))).toEqual(new Set([true, false]));
  }, 60_000);

  it('uses threads only above the threshold', () => {
    expect(threadsFor(PARALLEL_THRESHOLD)).toBe(1);
    expect(threadsFor(10, 4)).toBe(1); // one chunk: no point in more threads
    expect(threadsFor(200, 4)).toBe(4);
  });
});
