/**
 * Steady-state authorization over loopback HTTP: `vintent serve --workers N`
 * (its defaults: group-committed SQLite ledger, signature cache on) as a child
 * process, driven by keep-alive connections from this process with a fixed
 * number of requests in flight. Wall-clock throughput and latency: the
 * client shares the machine's cores with the workers, as it would not in
 * production, so this understates what the workers alone could do.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openSqliteLedger } from '../src/ledger/sqlite.js';
import { NETWORK_AUD, type StableParties } from './chains.js';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface HttpRun {
  workers: number;
  concurrency: number;
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** Largest approved total of any one mandate pair against its budget (minor units), read back from the ledger. */
  maxPairSpent: number;
  budget: number;
}

function percentile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

function postBody(agent: Agent, url: URL, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: '/v1/network/authorize',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function runHttp(
  p: StableParties,
  bodies: string[],
  workers: number,
  concurrency: number,
  budget: number,
  log: (s: string) => void,
): Promise<HttpRun> {
  const dir = mkdtempSync(join(tmpdir(), 'vintent-bench-http-'));
  const trust = join(dir, 'issuer.jwks.json');
  writeFileSync(trust, JSON.stringify(p.issuerJwks));
  const ledgerPath = join(dir, 'ledger.db');
  const script = `import('./src/cli/main.ts').then((m) => m.main(process.argv.slice(1))).then((c) => process.exit(c))`;
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      script,
      'serve',
      '--port',
      '0',
      '--workers',
      String(workers),
      '--ledger',
      `sqlite:${ledgerPath}`,
      '--trust',
      trust,
      '--network-aud',
      NETWORK_AUD,
    ],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const url = new URL(
      await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', () => reject(new Error('serve exited before printing its URL')));
      }),
    );
    await new Promise((r) => setTimeout(r, 1500)); // every worker up
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const warm = Math.min(Math.floor(bodies.length / 10), 200);
    let errors = 0;
    let next = 0;
    const latencies: number[] = [];
    const drive = async (until: number, record: boolean) => {
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < until) {
            const body = bodies[next++]!;
            const t0 = process.hrtime.bigint();
            const r = await postBody(agent, url, body);
            if (record) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
            if (r.status !== 200 || (JSON.parse(r.text) as { decision?: string }).decision !== 'approved') errors++;
          }
        }),
      );
    };
    await drive(warm, false);
    const t0 = process.hrtime.bigint();
    await drive(bodies.length, true);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    agent.destroy();
    const measured = bodies.length - warm;
    child.kill('SIGTERM');
    await exited;
    // Read the decisions back: no mandate pair may have been approved past its budget.
    const ledger = await openSqliteLedger(ledgerPath);
    const spent = new Map<string, number>();
    try {
      for (const e of await ledger.audit())
        if (e.decision === 'approved' && e.l2Id) spent.set(`${e.l2Id} ${e.pairId}`, (spent.get(`${e.l2Id} ${e.pairId}`) ?? 0) + (e.amount ?? 0));
    } finally {
      await ledger.close();
    }
    const run: HttpRun = {
      workers,
      concurrency,
      requests: measured,
      seconds,
      perSecond: measured / seconds,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      errors,
      maxPairSpent: Math.max(0, ...spent.values()),
      budget,
    };
    log(
      `  http: ${workers} worker(s), ${concurrency} in flight: ${run.perSecond.toFixed(0)}/s, p50 ${run.p50Ms.toFixed(1)} ms, p99 ${run.p99Ms.toFixed(1)} ms, ${errors} errors, max pair spent ${run.maxPairSpent}/${budget}`,
    );
    return run;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
