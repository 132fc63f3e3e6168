/**
 * `vintent serve --workers N`: N processes (node:cluster) accepting on one
 * port, each with its own verifier, signature cache and ledger connection.
 * They share the ledger itself: SQLite in WAL mode with every decision in
 * BEGIN IMMEDIATE under a busy_timeout, or PostgreSQL with its row and
 * advisory locks, so the races the ledger tests run across processes hold
 * across workers too.
 *
 * The primary opens the ledger once first (so the schema is in place before
 * any worker starts), prints the URL when the first worker listens, restarts
 * a worker that dies, and on SIGINT/SIGTERM passes the signal on and waits
 * for every worker to close its server and ledger.
 */
import cluster, { type Worker } from 'node:cluster';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logLine } from '../http/server.js';
import { openLedger, redactLedgerSpec } from '../ledger/index.js';
import { leadWorkerPool } from './serve-ipc.js';

/** Every line the primary writes is JSON, like the workers' (a log pipeline reads crashes first). */
function say(
  level: 'info' | 'warn' | 'error',
  event: string,
  fields: Record<string, unknown> = {},
): void {
  process.stderr.write(`${logLine(level, event, fields)}\n`);
}

/** The worker entry sits next to this module, compiled (.js) or run from source (.ts). */
const WORKER_ENTRY = fileURLToPath(
  new URL(`./serve-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

/** Node flags for the workers: the parent's, without an inline script (`-e`/`-p`) a worker must not run. */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i]!;
    if (a === '-e' || a === '--eval' || a === '-p' || a === '--print') {
      i++;
      continue;
    }
    if (a.startsWith('--eval=') || a.startsWith('--print=') || a.startsWith('--inspect')) continue;
    out.push(a);
  }
  return out;
}

function urlOf(address: { address: string; port: number; addressType: number | string }): string {
  const host =
    address.addressType === 6 || address.addressType === 'udp6'
      ? `[${address.address}]`
      : address.address;
  return `http://${host}:${address.port}`;
}

/** Run the primary: fork `workers` servers with the same arguments, until a shutdown signal. */
export async function runServeCluster(
  workers: number,
  ledgerSpec: string,
  args: string[],
): Promise<number> {
  try {
    await (await openLedger(ledgerSpec)).close();
  } catch (e) {
    say('error', 'ledger_open_failed', {
      ledger: redactLedgerSpec(ledgerSpec),
      error: redactLedgerSpec((e as Error).message),
    });
    return 1;
  }
  // The workers accept on the shared socket themselves: the primary never holds a connection it cannot hand on
  // (round-robin left it accepting for workers out of descriptors, and it stayed dead after the flood).
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  cluster.setupPrimary({ exec: WORKER_ENTRY, args, execArgv: workerExecArgv(process.execArgv) });
  let stopping = false;
  let printed = false;
  let listening = 0;
  return new Promise<number>((resolve) => {
    const live = new Set<Worker>();
    const pool = leadWorkerPool(live, workers);
    const fork = () => live.add(cluster.fork());
    const done = () => {
      if (stopping && live.size === 0) resolve(0);
    };
    const answering = new Set<Worker>();
    cluster.on('listening', (worker, address) => {
      listening++;
      answering.add(worker);
      pool.announce(answering.size);
      if (!printed) {
        printed = true;
        process.stdout.write(`${urlOf(address)}\n`);
      }
      if (listening === workers) say('info', 'workers_listening', { workers });
    });
    cluster.on('exit', (worker, code, signal) => {
      live.delete(worker);
      answering.delete(worker);
      if (!stopping) pool.announce(answering.size);
      if (stopping) return done();
      if (!printed) {
        // A worker that cannot start (port taken, bad configuration) will not start on a retry either.
        stopping = true;
        for (const w of live) w.process.kill('SIGTERM');
        say('error', 'worker_failed_to_start', { pid: worker.process.pid, exit: signal ?? code });
        if (live.size === 0) resolve(1);
        else cluster.on('exit', () => live.size === 0 && resolve(1));
        return;
      }
      say('error', 'worker_exited', {
        pid: worker.process.pid,
        exit: signal ?? code,
        action: 'restarting',
      });
      fork();
    });
    const stop = (sig: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      say('info', 'shutdown', { signal: sig, workers: live.size });
      stopping = true;
      for (const w of live) w.process.kill('SIGTERM');
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    for (let i = 0; i < workers; i++) fork();
  });
}
