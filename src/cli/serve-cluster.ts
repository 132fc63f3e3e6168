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
import { openLedger, redactLedgerSpec } from '../ledger/index.js';

/** The worker entry sits next to this module, compiled (.js) or run from source (.ts). */
const WORKER_ENTRY = fileURLToPath(new URL(`./serve-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

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
  const host = address.addressType === 6 || address.addressType === 'udp6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** Run the primary: fork `workers` servers with the same arguments, until a shutdown signal. */
export async function runServeCluster(workers: number, ledgerSpec: string, args: string[]): Promise<number> {
  try {
    await (await openLedger(ledgerSpec)).close();
  } catch (e) {
    process.stderr.write(`vintent serve: cannot open ledger ${redactLedgerSpec(ledgerSpec)}: ${redactLedgerSpec((e as Error).message)}\n`);
    return 1;
  }
  cluster.setupPrimary({ exec: WORKER_ENTRY, args, execArgv: workerExecArgv(process.execArgv) });
  let stopping = false;
  let printed = false;
  let listening = 0;
  return new Promise<number>((resolve) => {
    const live = new Set<Worker>();
    const fork = () => live.add(cluster.fork());
    const done = () => {
      if (stopping && live.size === 0) resolve(0);
    };
    cluster.on('listening', (_worker, address) => {
      listening++;
      if (!printed) {
        printed = true;
        process.stdout.write(`${urlOf(address)}\n`);
      }
      if (listening === workers) process.stderr.write(`vintent serve: ${workers} workers listening\n`);
    });
    cluster.on('exit', (worker, code, signal) => {
      live.delete(worker);
      if (stopping) return done();
      if (!printed) {
        // A worker that cannot start (port taken, bad configuration) will not start on a retry either.
        stopping = true;
        for (const w of live) w.process.kill('SIGTERM');
        process.stderr.write(`vintent serve: worker exited before listening (${signal ?? code})\n`);
        if (live.size === 0) resolve(1);
        else cluster.on('exit', () => live.size === 0 && resolve(1));
        return;
      }
      process.stderr.write(`vintent serve: worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`);
      fork();
    });
    const stop = (sig: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stderr.write(`vintent serve: ${sig}, closing ${live.size} workers\n`);
      stopping = true;
      for (const w of live) w.process.kill('SIGTERM');
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    for (let i = 0; i < workers; i++) fork();
  });
}
