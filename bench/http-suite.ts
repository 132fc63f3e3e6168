/**
 * Steady-state authorization over loopback HTTP: `vintent serve --workers N`
 * (its defaults: group-committed SQLite ledger, signature cache on) as a child
 * process, driven from this process with a fixed number of requests in flight.
 *
 * The client shares the machine's cores with the workers, so it is kept as
 * lean as a client can be: every request's bytes (request line, headers and
 * body) are built before the clock starts and written whole to one of
 * `concurrency` raw keep-alive sockets (node:net); a response is read only as
 * far as its status line, Content-Length and the decision at the start of its
 * body. The run reports the client's own CPU (process.cpuUsage) and the
 * server's (its process tree, from /proc), so a reader can see how much of the
 * machine the client took.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteLedger } from '../src/ledger/sqlite.js';
import { startServe } from '../test/support/serve.js';
import { NETWORK_AUD, type StableParties } from './chains.js';
import { median } from './harness.js';

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
  /** CPU the load client (this process) used per measured request, µs. */
  clientCpuUsPerRequest: number;
  /** CPU the whole server process tree (primary and workers) used per measured request, µs; NaN without /proc. */
  serverCpuUsPerRequest: number;
  /** The part of it spent outside the processes' main threads (V8's GC and compiler threads, libuv's pool), µs. */
  serverOtherThreadsUsPerRequest: number;
  /** Client CPU / (client + server CPU) over the measured requests. */
  clientCpuShare: number;
  /** 1-minute load average when the run ended (other processes on the machine). */
  loadAverage: number;
}

/** The figures of alternating runs of each worker count: each field the median over its runs, plus the runs. */
export interface HttpSummary extends HttpRun {
  runs: HttpRun[];
}

function percentile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU seconds of a process tree: its main threads, and every other thread (GC, JIT compiler, libuv pool). */
export interface TreeCpu {
  main: number;
  other: number;
}

/** utime + stime (fields 14, 15) of a /proc stat line; the command name may hold spaces, so count from its `)`. */
function statTicks(stat: string): { ppid: number; ticks: number } {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
}

/** CPU of `root` and every live descendant, per thread kind, from /proc; NaN where there is no /proc. */
export function processTreeCpu(root: number): TreeCpu {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return { main: Number.NaN, other: Number.NaN };
  }
  const parent = new Map<number, number>();
  for (const e of entries) {
    try {
      parent.set(Number(e), statTicks(readFileSync(`/proc/${e}/stat`, 'latin1')).ppid);
    } catch {
      // the process ended meanwhile
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = parent.get(p) ?? 0, hops++)
      if (p === root) return true;
    return false;
  };
  const cpu: TreeCpu = { main: 0, other: 0 };
  for (const pid of parent.keys()) {
    if (!inTree(pid)) continue;
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const { ticks } = statTicks(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1'));
        if (Number(tid) === pid) cpu.main += ticks;
        else cpu.other += ticks;
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return { main: cpu.main / ticksPerSecond(), other: cpu.other / ticksPerSecond() };
}

/**
 * Requests each worker gets before the clock starts. V8 keeps optimizing
 * (and re-optimizing) the request path on its background compiler thread for
 * the first few thousand requests: measured on this machine, CPU off the main
 * threads was ≈ 270 µs per request with 600 warm-up requests per worker and
 * 25–45 µs after 5,000. A shorter warm-up times the compiler, not the server,
 * and charges a second worker its whole warm-up again (each process compiles
 * its own code), which no long-running deployment pays per request.
 */
export const WARM_UP_PER_WORKER = 5000;

/** The bytes of one POST /v1/network/authorize, ready to write. */
function requestBytes(host: string, body: string): Buffer {
  const payload = Buffer.from(body, 'utf8');
  const head = `POST /v1/network/authorize HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\ncontent-length: ${payload.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), payload]);
}

const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
const APPROVED = Buffer.from('{"decision":"approved"', 'latin1');

/**
 * One keep-alive connection: `send` writes one request and resolves with
 * whether the answer was a 200 approval. HTTP/1.1 answers arrive in order
 * and only one request is in flight per connection, so no matching is needed.
 */
class LeanConnection {
  private pending: Buffer | undefined;
  private settle: ((approved: boolean) => void) | undefined;
  private fail: ((e: Error) => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.fail?.(e));
    socket.on('close', () => this.fail?.(new Error('server closed the connection')));
  }

  static open(port: number, host: string): Promise<LeanConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host, () => {
        socket.off('error', reject);
        resolve(new LeanConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  send(request: Buffer): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
      this.socket.write(request);
    });
  }

  close(): void {
    this.fail = undefined;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const headerEnd = buf.indexOf(HEADER_END);
    if (headerEnd < 0) {
      this.pending = buf;
      return;
    }
    const head = buf.toString('latin1', 0, headerEnd);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    const bodyStart = headerEnd + HEADER_END.length;
    const bodyLength = length ? Number(length[1]) : 0;
    if (buf.length < bodyStart + bodyLength) {
      this.pending = buf;
      return;
    }
    this.pending =
      buf.length > bodyStart + bodyLength ? buf.subarray(bodyStart + bodyLength) : undefined;
    const approved =
      head.startsWith('HTTP/1.1 200') &&
      buf.subarray(bodyStart, bodyStart + APPROVED.length).equals(APPROVED);
    const settle = this.settle;
    this.settle = undefined;
    this.fail = undefined;
    settle?.(approved);
  }
}

export interface HttpOptions {
  /**
   * `shared-file` (default): one SQLite file all workers share, as deployed.
   * `memory-per-worker`: a diagnostic: each worker its own in-memory ledger
   * (no lock shared, no fsync), so a run shows what the shared ledger costs.
   */
  ledger?: 'shared-file' | 'memory-per-worker';
  /** More `vintent serve` flags (e.g. `--no-signature-cache`). */
  serveArgs?: string[];
  /** Node flags for the server and its workers. */
  nodeArgs?: string[];
  /** Requests per worker sent before the clock starts (default {@link WARM_UP_PER_WORKER}). */
  warmUpPerWorker?: number;
  /** Requests timed after the warm-up (default: every body left). */
  measured?: number;
}

/** One run: a fresh ledger, `vintent serve --workers N`, every body once (warm-up first), then the ledger read back. */
export async function runHttp(
  p: StableParties,
  bodies: string[],
  workers: number,
  concurrency: number,
  budget: number,
  log: (s: string) => void,
  options: HttpOptions = {},
): Promise<HttpRun> {
  const dir = mkdtempSync(join(tmpdir(), 'vintent-bench-http-'));
  const trust = join(dir, 'issuer.jwks.json');
  writeFileSync(trust, JSON.stringify(p.issuerJwks));
  const ledgerPath = join(dir, 'ledger.db');
  const inMemory = options.ledger === 'memory-per-worker';
  const served = await startServe(
    [
      '--ledger',
      inMemory ? 'sqlite::memory:' : `sqlite:${ledgerPath}`,
      ...(options.serveArgs ?? []),
      '--trust',
      trust,
      '--network-aud',
      NETWORK_AUD,
    ],
    { workers, nodeArgs: options.nodeArgs ?? [] },
  );
  try {
    const url = new URL(served.url);
    const requests = bodies.map((b) => requestBytes(url.host, b));
    const connections = await Promise.all(
      Array.from({ length: concurrency }, () =>
        LeanConnection.open(Number(url.port), url.hostname),
      ),
    );
    // Warm-up: every worker's JIT and signature cache see traffic before the clock starts.
    const warm = Math.min(
      Math.floor(bodies.length / 3),
      (options.warmUpPerWorker ?? WARM_UP_PER_WORKER) * workers,
    );
    const end =
      options.measured === undefined
        ? bodies.length
        : Math.min(bodies.length, warm + options.measured);
    let errors = 0;
    let next = 0;
    const latencies: number[] = [];
    const drive = async (until: number, record: boolean) => {
      await Promise.all(
        connections.map(async (c) => {
          while (next < until) {
            const request = requests[next++]!;
            const t0 = process.hrtime.bigint();
            const approved = await c.send(request);
            if (record) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
            if (!approved) errors++;
          }
        }),
      );
    };
    await drive(warm, false);
    const serverCpu0 = processTreeCpu(served.child.pid!);
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await drive(end, true);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    const serverCpu1 = processTreeCpu(served.child.pid!);
    const serverMain = serverCpu1.main - serverCpu0.main;
    const serverOther = serverCpu1.other - serverCpu0.other;
    const serverCpu = serverMain + serverOther;
    for (const c of connections) c.close();
    const measured = end - warm;
    await served.stop();
    // Read the decisions back: no mandate pair may have been approved past its budget.
    const spent = new Map<string, number>();
    if (!inMemory) {
      const ledger = await openSqliteLedger(ledgerPath);
      try {
        for (const e of await ledger.audit())
          if (e.decision === 'approved' && e.l2Id)
            spent.set(
              `${e.l2Id} ${e.pairId}`,
              (spent.get(`${e.l2Id} ${e.pairId}`) ?? 0) + (e.amount ?? 0),
            );
      } finally {
        await ledger.close();
      }
    }
    const clientCpuUs = cpu.user + cpu.system;
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
      clientCpuUsPerRequest: clientCpuUs / measured,
      serverCpuUsPerRequest: (serverCpu * 1e6) / measured,
      serverOtherThreadsUsPerRequest: (serverOther * 1e6) / measured,
      clientCpuShare: clientCpuUs / (clientCpuUs + serverCpu * 1e6),
      loadAverage: loadavg()[0]!,
    };
    log(
      `  http: ${workers} worker(s), ${concurrency} in flight: ${run.perSecond.toFixed(0)}/s, p50 ${run.p50Ms.toFixed(1)} ms, p99 ${run.p99Ms.toFixed(1)} ms, ${errors} errors, max pair spent ${run.maxPairSpent}/${budget}; CPU per request: client ${run.clientCpuUsPerRequest.toFixed(0)} µs, server ${run.serverCpuUsPerRequest.toFixed(0)} µs (${run.serverOtherThreadsUsPerRequest.toFixed(0)} of it off the main threads) (client share ${(run.clientCpuShare * 100).toFixed(1)}%); load ${run.loadAverage.toFixed(2)}`,
    );
    return run;
  } finally {
    await served.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs of every worker count in turn, `rounds` times (1, 2, 1, 2, ...), so
 * a change in the machine's load hits each count alike; each count's figures
 * are the medians over its runs.
 */
export async function runHttpAlternating(
  p: StableParties,
  bodies: string[],
  workerCounts: readonly number[],
  rounds: number,
  concurrency: number,
  budget: number,
  log: (s: string) => void,
  options: HttpOptions = {},
): Promise<HttpSummary[]> {
  const runs = new Map<number, HttpRun[]>(workerCounts.map((w) => [w, []]));
  for (let r = 0; r < rounds; r++)
    for (const w of workerCounts)
      runs.get(w)!.push(await runHttp(p, bodies, w, concurrency, budget, log, options));
  return workerCounts.map((w) => {
    const rs = runs.get(w)!;
    const m = (f: (r: HttpRun) => number) => median(rs.map(f));
    return {
      workers: w,
      concurrency,
      requests: rs[0]!.requests,
      seconds: m((r) => r.seconds),
      perSecond: m((r) => r.perSecond),
      p50Ms: m((r) => r.p50Ms),
      p99Ms: m((r) => r.p99Ms),
      errors: rs.reduce((n, r) => n + r.errors, 0),
      maxPairSpent: Math.max(...rs.map((r) => r.maxPairSpent)),
      budget,
      clientCpuUsPerRequest: m((r) => r.clientCpuUsPerRequest),
      serverCpuUsPerRequest: m((r) => r.serverCpuUsPerRequest),
      serverOtherThreadsUsPerRequest: m((r) => r.serverOtherThreadsUsPerRequest),
      clientCpuShare: m((r) => r.clientCpuShare),
      loadAverage: m((r) => r.loadAverage),
      runs: rs,
    };
  });
}
