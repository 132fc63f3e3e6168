/**
 * Group commit: the batching layer on its own, and the SQLite ledger with it:
 * decisions queued together are decided in order in one transaction, nothing
 * is answered before COMMIT, and a SIGKILL in the middle of a batch loses no
 * acknowledged decision and leaves no part of the interrupted batch.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type BatchOutcome,
  GroupCommitter,
  LOCK_BUSY,
  type LockMode,
} from '../../src/ledger/group-commit.js';
import { openSqliteLedger } from '../../src/ledger/sqlite.js';
import { MARCH_RECURRENCE, request, uniqueId } from './fixtures.js';
import { BATCH, batchRequest, roundL2 } from './group-commit-fixtures.js';

const CHILD = fileURLToPath(new URL('./group-commit-child.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'vintent-group-commit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let files = 0;
const freshDir = () => join(root, `run-${++files}`);

describe('GroupCommitter', () => {
  const doubling =
    (calls: number[][]) =>
    (items: number[]): BatchOutcome<number>[] => {
      calls.push(items);
      return items.map((n) =>
        n < 0 ? { ok: false, error: new Error(`bad ${n}`) } : { ok: true, value: n * 2 },
      );
    };

  it('commits everything submitted together as one batch, in submission order', async () => {
    const calls: number[][] = [];
    const c = new GroupCommitter(doubling(calls));
    expect(await Promise.all([1, 2, 3, 4].map((n) => c.submit(n)))).toEqual([2, 4, 6, 8]);
    expect(calls).toEqual([[1, 2, 3, 4]]);
    expect(c.stats()).toEqual({ batches: 1, items: 4, largestBatch: 4, busyTries: 0 });
  });

  it('gives awaited, one-at-a-time submissions a batch each', async () => {
    const calls: number[][] = [];
    const c = new GroupCommitter(doubling(calls));
    for (const n of [1, 2, 3]) expect(await c.submit(n)).toBe(n * 2);
    expect(calls).toEqual([[1], [2], [3]]);
  });

  it('settles no promise before the batch call has returned', async () => {
    let committed = false;
    const c = new GroupCommitter((items: number[]) => {
      committed = true;
      return items.map((value) => ({ ok: true as const, value }));
    });
    const p = c.submit(1).then(() => committed);
    expect(committed).toBe(false);
    expect(await p).toBe(true);
  });

  it('rejects only the failed item, and every item when the batch as a whole fails', async () => {
    const calls: number[][] = [];
    const c = new GroupCommitter(doubling(calls));
    const results = await Promise.allSettled([1, -1, 3].map((n) => c.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const failing = new GroupCommitter<number, number>(() => {
      throw new Error('disk full');
    });
    const all = await Promise.allSettled([1, 2].map((n) => failing.submit(n)));
    expect(all.every((r) => r.status === 'rejected')).toBe(true);
  });

  it('splits a long queue into batches of at most maxBatch, drained in order', async () => {
    const calls: number[][] = [];
    const c = new GroupCommitter(doubling(calls), 3);
    const out = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => c.submit(n)));
    expect(out).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(calls).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    const pending = c.submit(9);
    c.drain();
    expect(calls.at(-1)).toEqual([9]);
    expect(await pending).toBe(18);
  });
});

describe('GroupCommitter with a lock another process holds', () => {
  const retry = { firstDelayMs: 1, maxDelayMs: 2, maxTryMs: 60_000 };

  it('puts a batch that found the lock busy back in front, in order, and commits it with what arrived meanwhile', async () => {
    const calls: [number[], LockMode][] = [];
    let busy = 2;
    const c = new GroupCommitter(
      (items: number[], mode: LockMode) => {
        calls.push([items, mode]);
        if (busy-- > 0) return LOCK_BUSY;
        return items.map((value) => ({ ok: true as const, value }));
      },
      256,
      retry,
    );
    const first = [1, 2, 3].map((n) => c.submit(n));
    await new Promise((r) => setImmediate(r)); // the first try has run and failed
    const later = [4, 5].map((n) => c.submit(n));
    expect(await Promise.all([...first, ...later])).toEqual([1, 2, 3, 4, 5]);
    expect(calls.map(([, mode]) => mode)).toEqual(['try', 'try', 'try']);
    expect(calls.at(-1)![0]).toEqual([1, 2, 3, 4, 5]);
    expect(c.stats()).toMatchObject({ batches: 1, items: 5, busyTries: 2 });
  });

  it('keeps the event loop running while it waits: other work proceeds between tries', async () => {
    let locked = true;
    let ticks = 0;
    const c = new GroupCommitter(
      (items: number[]) =>
        locked ? LOCK_BUSY : items.map((value) => ({ ok: true as const, value })),
      256,
      retry,
    );
    const pending = c.submit(7);
    const ticker = setInterval(() => ticks++, 1);
    await new Promise((r) => setTimeout(r, 30));
    locked = false;
    expect(await pending).toBe(7);
    clearInterval(ticker);
    expect(ticks).toBeGreaterThan(5);
  });

  it('waits for the lock after maxTryMs of failed tries, and drain always waits', async () => {
    const modes: LockMode[] = [];
    const c = new GroupCommitter(
      (items: number[], mode: LockMode) => {
        modes.push(mode);
        return mode === 'try' ? LOCK_BUSY : items.map((value) => ({ ok: true as const, value }));
      },
      256,
      { firstDelayMs: 1, maxDelayMs: 2, maxTryMs: 15 },
    );
    expect(await c.submit(1)).toBe(1);
    expect(modes.at(-1)).toBe('wait');
    expect(modes.filter((m) => m === 'try').length).toBeGreaterThan(1);
    const drained = new GroupCommitter((items: number[], mode: LockMode) =>
      mode === 'try' ? LOCK_BUSY : items.map((value) => ({ ok: true as const, value })),
    );
    const p = drained.submit(2);
    drained.drain();
    expect(await p).toBe(2);
  });

  it('rejects the batch when a waiting commit is answered busy', async () => {
    const c = new GroupCommitter<number, number>(() => LOCK_BUSY);
    const p = c.submit(1);
    c.drain();
    await expect(p).rejects.toThrow();
  });
});

describe('sqlite ledger with group commit', () => {
  it('does not sleep in SQLite while another connection holds the write lock, and decides once it is released', async () => {
    const path = join(freshDir(), 'l.db');
    const ledger = await openSqliteLedger(path);
    const other = new Database(path);
    try {
      other.prepare('BEGIN IMMEDIATE').run();
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 1);
      const req = request();
      let settled = false;
      const pending = ledger.authorize(req).finally(() => (settled = true));
      await new Promise((r) => setTimeout(r, 60));
      // Blocked in the driver's busy handler, the event loop would not have ticked and the decision would be in.
      expect(settled).toBe(false);
      expect(ticks).toBeGreaterThan(10);
      other.prepare('COMMIT').run();
      expect(await pending).toMatchObject({ decision: 'approved' });
      clearInterval(ticker);
    } finally {
      if (other.inTransaction) other.prepare('COMMIT').run();
      other.close();
      await ledger.close();
    }
  });

  it(`decides ${BATCH} concurrent authorizations on one budget in arrival order`, async () => {
    const ledger = await openSqliteLedger(join(freshDir(), 'l.db'));
    try {
      // One agent-managed recurring pair: its budget is what every decision of the batch competes for.
      const recurring = {
        l2Id: uniqueId('l2'),
        pairId: uniqueId('pair'),
        agentRecurrence: { ...MARCH_RECURRENCE.agentRecurrence, maxOccurrences: 100 },
      };
      const budget = [{ currency: 'USD', max: 1000 }];
      const decisions = await Promise.all(
        Array.from({ length: BATCH }, () =>
          ledger.authorize(request({ ...recurring, budget, amount: 100 })),
        ),
      );
      // In order: the first ten fit the budget, every later one sees them and is declined.
      expect(decisions.map((d) => d.decision)).toEqual([
        ...Array(10).fill('approved'),
        ...Array(BATCH - 10).fill('declined'),
      ]);
      expect(
        decisions
          .slice(10)
          .every((d) => d.decision === 'declined' && d.code === 'LEDGER_BUDGET_EXCEEDED'),
      ).toBe(true);
      const again = await Promise.all([
        ledger.authorize(request({ ...recurring, budget, amount: 1 })),
        ledger.authorize(request({ amount: 5 })),
      ]);
      expect(again.map((d) => d.decision)).toEqual(['declined', 'approved']);
    } finally {
      await ledger.close();
    }
  });

  it('replays within one batch: the second of two identical presentations is the first decision replayed', async () => {
    const ledger = await openSqliteLedger(join(freshDir(), 'l.db'));
    try {
      const req = request();
      const [a, b] = await Promise.all([ledger.authorize(req), ledger.authorize(req)]);
      expect(a).toMatchObject({ decision: 'approved', replayed: false });
      expect(b).toEqual({ ...a, replayed: true });
    } finally {
      await ledger.close();
    }
  });

  it('commits what is queued when closed', async () => {
    const path = join(freshDir(), 'l.db');
    const ledger = await openSqliteLedger(path);
    const req = request();
    const pending = ledger.authorize(req);
    await ledger.close();
    const first = await pending;
    const reopened = await openSqliteLedger(path);
    try {
      expect(await reopened.authorize(req)).toEqual({ ...first, replayed: true });
    } finally {
      await reopened.close();
    }
  });

  it('matches one transaction per decision (groupCommit: false) decision for decision', async () => {
    const grouped = await openSqliteLedger(join(freshDir(), 'l.db'));
    const single = await openSqliteLedger(join(freshDir(), 'l.db'), { groupCommit: false });
    try {
      const recurring = {
        l2Id: uniqueId('l2'),
        pairId: uniqueId('pair'),
        agentRecurrence: { ...MARCH_RECURRENCE.agentRecurrence, maxOccurrences: 100 },
      };
      const budget = [{ currency: 'USD', max: 750 }];
      const reqs = Array.from({ length: 12 }, (_, i) =>
        request({ ...recurring, budget, amount: 50 + 10 * i }),
      );
      const a = await Promise.all(reqs.map((r) => grouped.authorize(r)));
      const b = await Promise.all(reqs.map((r) => single.authorize(r)));
      const shape = (d: { decision: string; code?: string }) => [d.decision, d.code ?? null];
      expect(a.map(shape)).toEqual(b.map(shape));
    } finally {
      await grouped.close();
      await single.close();
    }
  });
});

interface ChildRun {
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

function runChild(
  args: string[],
  killWhen?: (acksFile: string) => boolean,
  acksFile?: string,
): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let timer: NodeJS.Timeout | undefined;
    if (killWhen && acksFile) {
      timer = setInterval(() => {
        if (killWhen(acksFile)) {
          clearInterval(timer);
          // A moment later, at no particular point of the batch under way.
          setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 20));
        }
      }, 5);
    }
    child.once('exit', (code, signal) => {
      if (timer) clearInterval(timer);
      resolve({ code, signal, stderr });
    });
  });
}

const ackedLines = (file: string) =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

/** Every round is all there or not there at all; every acknowledged round is there and replays. */
async function expectWholeRounds(
  path: string,
  prefix: string,
  rounds: number,
  acked: string[],
): Promise<number[]> {
  const ledger = await openSqliteLedger(path);
  try {
    const present: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const trail = await ledger.audit({ l2Id: roundL2(prefix, r) });
      expect([0, BATCH]).toContain(trail.length);
      if (trail.length === BATCH) present.push(r);
    }
    acked.forEach((line, r) => {
      expect(line.split(' ')).toEqual(
        Array.from({ length: BATCH }, (_, i) => batchRequest(prefix, r, i).presentationId),
      );
      expect(present).toContain(r);
    });
    for (const r of acked.map((_, r) => r)) {
      const replay = await ledger.authorize(batchRequest(prefix, r, 7));
      expect(replay).toMatchObject({ decision: 'approved', replayed: true });
    }
    return present;
  } finally {
    await ledger.close();
  }
}

describe('sqlite group commit under SIGKILL', () => {
  it('killed in the middle of a batch: earlier acknowledged batches all there, the interrupted one not at all', async () => {
    const dir = freshDir();
    const path = join(dir, 'l.db');
    const acks = join(dir, 'acks.txt');
    const crashAt = 3 * BATCH + 17; // the 18th decision of the fourth batch
    const run = await runChild([path, acks, 'mid', '8', String(crashAt)]);
    expect(run.signal, run.stderr).toBe('SIGKILL');
    const acked = ackedLines(acks);
    expect(acked).toHaveLength(3);
    expect(await expectWholeRounds(path, 'mid', 8, acked)).toEqual([0, 1, 2]);
  }, 60_000);

  it('killed from outside at a random moment: no acknowledged decision lost, no batch partly written', async () => {
    const dir = freshDir();
    const path = join(dir, 'l.db');
    const acks = join(dir, 'acks.txt');
    const rounds = 400;
    const run = await runChild(
      [path, acks, 'rnd', String(rounds)],
      (f) => ackedLines(f).length >= 3,
      acks,
    );
    const acked = ackedLines(acks);
    if (run.signal !== 'SIGKILL') expect(run.code, run.stderr).toBe(0); // finished before the kill landed
    const present = await expectWholeRounds(path, 'rnd', Math.min(rounds, acked.length + 2), acked);
    // At most the round in flight committed without being acknowledged.
    expect(present.length - acked.length).toBeLessThanOrEqual(1);
  }, 60_000);
});
