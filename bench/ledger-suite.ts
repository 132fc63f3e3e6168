/**
 * The SQLite ledger alone: what one fsync costs on this machine's temp
 * filesystem, and the ledger's wall time per decision (fsync included, which
 * CPU time does not see) when decisions come one at a time and when 32 are in
 * flight, with group commit and with one transaction per decision.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteLedger } from '../src/ledger/sqlite.js';
import type { AuthorizationRequest } from '../src/ledger/types.js';
import { median } from './harness.js';

export interface LedgerBench {
  /** Median wall µs of one 4 KiB write + fsync. */
  fsyncUs: number;
  fsyncP99Us: number;
  /** Wall µs per decision. */
  sequentialUs: number;
  concurrentGroupUs: number;
  concurrentSingleUs: number;
  concurrency: number;
  decisions: number;
  largestBatch?: number;
}

function percentile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

function measureFsync(dir: string, n: number): { median: number; p99: number } {
  const fd = openSync(join(dir, 'fsync-probe'), 'w');
  const block = randomBytes(4096);
  const times: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t0 = process.hrtime.bigint();
      writeSync(fd, block, 0, block.length, (i % 64) * 4096);
      fsyncSync(fd);
      times.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
  } finally {
    closeSync(fd);
  }
  return { median: median(times), p99: percentile(times, 0.99) };
}

let seq = 0;
function request(): AuthorizationRequest {
  const id = `${++seq}-${randomBytes(6).toString('hex')}`;
  return {
    l2Id: `l2-${id}`,
    pairId: `pair-${id}`,
    presentationId: `pres-${id}`,
    signerThumbprint: 'bench-agent',
    nonce: `nonce-${id}`,
    amount: 2999,
    currency: 'USD',
    transactionId: `tx-${id}`,
    mode: 'autonomous',
    at: Math.floor(Date.now() / 1000),
  };
}

async function timeDecisions(
  path: string,
  n: number,
  concurrency: number,
  groupCommit: boolean,
): Promise<number> {
  const ledger = await openSqliteLedger(path, { groupCommit });
  try {
    const reqs = Array.from({ length: n + 32 }, request);
    for (const r of reqs.slice(0, 32)) await ledger.authorize(r); // warm-up
    let next = 32;
    const t0 = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < reqs.length) {
          const d = await ledger.authorize(reqs[next++]!);
          if (d.decision !== 'approved') throw new Error('ledger bench: a decision was declined');
        }
      }),
    );
    return Number(process.hrtime.bigint() - t0) / 1000 / n;
  } finally {
    await ledger.close();
  }
}

export async function runLedgerSuite(
  decisions: number,
  log: (s: string) => void,
): Promise<LedgerBench> {
  const dir = mkdtempSync(join(tmpdir(), 'vintent-bench-ledger-'));
  try {
    const fsync = measureFsync(dir, 200);
    log(
      `ledger: fsync of 4 KiB ${fsync.median.toFixed(0)} µs median, p99 ${fsync.p99.toFixed(0)} µs`,
    );
    const concurrency = 32;
    // Alternate the three, twice, and keep each one's better run: the disk is shared too.
    const runs = { seq: [] as number[], group: [] as number[], single: [] as number[] };
    for (let round = 0; round < 2; round++) {
      runs.seq.push(await timeDecisions(join(dir, `seq-${round}.db`), decisions, 1, true));
      runs.group.push(
        await timeDecisions(join(dir, `group-${round}.db`), decisions, concurrency, true),
      );
      runs.single.push(
        await timeDecisions(join(dir, `single-${round}.db`), decisions, concurrency, false),
      );
    }
    const out: LedgerBench = {
      fsyncUs: fsync.median,
      fsyncP99Us: fsync.p99,
      sequentialUs: Math.min(...runs.seq),
      concurrentGroupUs: Math.min(...runs.group),
      concurrentSingleUs: Math.min(...runs.single),
      concurrency,
      decisions,
    };
    log(
      `ledger: µs per decision (wall): sequential ${out.sequentialUs.toFixed(0)}, ${concurrency} in flight with group commit ${out.concurrentGroupUs.toFixed(0)}, without ${out.concurrentSingleUs.toFixed(0)}`,
    );
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
