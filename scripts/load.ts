/**
 * Bounded loopback load test of POST /v1/network/authorize.
 *
 * The service runs in a child process (real server, real SQLite ledger) so its
 * memory is measured on its own. The parent sends a mix of valid network
 * presentations (fresh ones, then replays), tampered ones, garbage JSON,
 * wrong shapes and oversized bodies at a fixed concurrency, and meanwhile a
 * few connections that send half a body and stall. Reports throughput,
 * p50/p99 latency, status counts and server RSS before/after, and fails
 * (exit 1) if the server answered 5xx, dropped a connection, died, or did not
 * cut off the slow and oversized bodies.
 *
 *   npm run load -- [--seconds 20] [--requests 20000] [--concurrency 32]
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCheckoutJwt } from '../src/issue/checkout.js';
import { issueL1 } from '../src/issue/l1.js';
import { issueL2Autonomous } from '../src/issue/l2-autonomous.js';
import { issueL3Pair } from '../src/issue/l3.js';
import { presentToNetwork } from '../src/present/index.js';
import type { JwkSet } from '../src/profiles/bundle.js';
import { generateSigningKey } from '../src/sdjwt/keys.js';

const T = 1_781_000_000;
const NOW = T + 200;
/** Short, so the slow-body cut-off is observable within the run. */
const REQUEST_TIMEOUT_MS = 3000;
const MAX_BODY_BYTES = 1024 * 1024;

interface ServeConfig {
  issuerJwks: JwkSet;
  merchantJwks: JwkSet;
}

// ---------------------------------------------------------------- server side

async function serve(): Promise<void> {
  const { openLedger } = await import('../src/ledger/index.js');
  const { createVintentServer } = await import('../src/http/server.js');
  const cfg = await new Promise<ServeConfig>((resolve) =>
    process.once('message', (m) => resolve(m as ServeConfig)),
  );
  const ledger = await openLedger(
    `sqlite:${join(mkdtempSync(join(tmpdir(), 'vintent-load-')), 'ledger.db')}`,
  );
  const svc = createVintentServer({
    port: 0,
    ledger,
    issuerKeys: cfg.issuerJwks,
    merchantKeys: cfg.merchantJwks,
    networkAud: 'https://network.load.test',
    now: () => NOW,
    log: () => {},
    limits: {
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      headersTimeoutMs: REQUEST_TIMEOUT_MS,
      maxBodyBytes: MAX_BODY_BYTES,
    },
  });
  const { url } = await svc.listen();
  process.on('message', (m) => {
    if (m === 'rss') process.send!({ rss: process.memoryUsage().rss });
    if (m === 'stop')
      void svc
        .close()
        .then(() => ledger.close())
        .then(() => process.exit(0));
  });
  process.send!({ url });
}

// ---------------------------------------------------------------- client side

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i < 0 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}

/** Distinct valid network presentations: one Autonomous chain (own L2) per body, so each approval is a new decision. */
async function validBodies(n: number): Promise<{ bodies: string[]; cfg: ServeConfig }> {
  const issuer = generateSigningKey('load-issuer');
  const merchantKey = generateSigningKey('load-merchant');
  const user = generateSigningKey('load-user');
  const agent = generateSigningKey('load-agent');
  const merchant = { id: 'm-1', name: 'Load Shop', website: 'https://shop.load.test' };
  const instrument = { type: 'mastercard.srcDigitalCard', id: 'card-1' };
  const trust = { issuer_jwks: { keys: [issuer.publicJwk] } };
  const l1 = await issueL1({
    issuerKey: issuer,
    iss: 'https://issuer.load.test',
    sub: 'u',
    userPublicJwk: user.publicJwk,
    panLastFour: '4242',
    scheme: 'mastercard',
    iat: T - 1000,
  });
  const bodies: string[] = [];
  for (let i = 0; i < n; i++) {
    const l2 = issueL2Autonomous({
      userKey: user,
      l1,
      aud: 'https://agent.load.test',
      iat: T,
      pairs: [
        {
          agentKey: agent.publicJwk,
          merchants: [merchant],
          lineItems: [
            { id: 'line-1', acceptableItems: [{ id: 'SKU', title: 'Thing' }], quantity: 1 },
          ],
          paymentInstrument: instrument,
          amount: { currency: 'USD', max: 100000 },
        },
      ],
    });
    const co = createCheckoutJwt({
      merchantKey,
      merchant,
      checkoutId: `co-${i}`,
      currency: 'USD',
      items: [{ id: 'SKU', title: 'Thing', quantity: 1, unitPrice: 1000 + i }],
      iat: T + 100,
    });
    const l3 = issueL3Pair({
      agentKey: agent,
      l2,
      pairIndex: 0,
      checkoutJwt: co.jwt,
      networkAud: 'https://network.load.test',
      merchantAud: merchant.website,
      iat: T + 150,
    });
    bodies.push(JSON.stringify(presentToNetwork({ l1, l2, pairIndex: 0, l3 }, { trust })));
  }
  return {
    bodies,
    cfg: {
      issuerJwks: { keys: [issuer.publicJwk] },
      merchantJwks: { keys: [merchantKey.publicJwk] },
    },
  };
}

type Kind = 'valid' | 'tampered' | 'garbage' | 'shape' | 'oversized';

/** The request mix: mostly real presentations, the rest hostile. */
function bodyFor(i: number, valid: string[]): { kind: Kind; body: string | Buffer } {
  const r = i % 20;
  if (r < 9) return { kind: 'valid', body: valid[i % valid.length]! };
  if (r < 12) {
    const b = JSON.parse(valid[i % valid.length]!) as { l3: { payment: string }[] };
    const s = b.l3[0]!.payment;
    const at = 40 + (i % (s.length - 80));
    b.l3[0]!.payment = s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
    return { kind: 'tampered', body: JSON.stringify(b) };
  }
  if (r < 15)
    return {
      kind: 'garbage',
      body: [
        '',
        '{',
        'null',
        '[[[[[[',
        '\u0000\u0001',
        '{"vi_bundle":1,"l1":',
        `${'['.repeat(50_000)}`,
      ][i % 7]!,
    };
  if (r < 19)
    return {
      kind: 'shape',
      body: JSON.stringify(
        [
          { vi_bundle: 1 },
          { vi_bundle: 1, l1: 5, l2: [] },
          { vi_bundle: 1, l1: 'a~', l2: 'b.c.d~', l3: 'x' },
          42,
        ][i % 4],
      ),
    };
  return { kind: 'oversized', body: Buffer.alloc(MAX_BODY_BYTES + 1024, 0x20) };
}

interface Sample {
  kind: Kind;
  status: number;
  ms: number;
}

function post(url: string, agent: Agent, body: string | Buffer): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/v1/network/authorize`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Send the headers and half the body, then stall: the server must cut the request off. */
function slowBody(url: string): Promise<{ ms: number; answer: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        `POST /v1/network/authorize HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"vi_bundle":1,`,
      );
    });
    let answer = '';
    socket.on('data', (d) => (answer += d.toString('latin1')));
    const done = () =>
      resolve({ ms: performance.now() - started, answer: answer.split('\r\n')[0] ?? '' });
    socket.on('close', done);
    socket.on('error', () => {});
  });
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

function ask<T>(child: ChildProcess, msg: unknown, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: unknown) => {
      if (m && typeof m === 'object' && key in m) {
        child.off('message', on);
        resolve((m as Record<string, T>)[key]!);
      }
    };
    child.on('message', on);
    if (msg !== undefined) child.send(msg as never);
  });
}

async function main(): Promise<number> {
  const seconds = arg('seconds', 20);
  const maxRequests = arg('requests', 20_000);
  const concurrency = arg('concurrency', 32);
  const { bodies, cfg } = await validBodies(200);

  const child = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let exitedEarly = false;
  const died = new Promise<never>((_, reject) =>
    child.on(
      'exit',
      (code) => ((exitedEarly = true), reject(new Error(`server process exited (${code})`))),
    ),
  );
  died.catch(() => {});
  const urlP = ask<string>(child, undefined, 'url');
  child.send(cfg);
  const url = await Promise.race([urlP, died]);
  const rssBefore = await ask<number>(child, 'rss', 'rss');

  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const samples: Sample[] = [];
  let transportErrors = 0;
  let next = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const slow = Promise.all(Array.from({ length: 4 }, () => slowBody(url)));
  const worker = async () => {
    while (next < maxRequests && performance.now() < deadline) {
      const { kind, body } = bodyFor(next++, bodies);
      const t0 = performance.now();
      try {
        const { status } = await post(url, agent, body);
        samples.push({ kind, status, ms: performance.now() - t0 });
      } catch {
        // An oversized body may be answered (413) and the socket closed before we finish writing it.
        if (kind !== 'oversized') transportErrors++;
        else samples.push({ kind, status: 413, ms: performance.now() - t0 });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  const slowResults = await slow;
  const rssAfter = await ask<number>(child, 'rss', 'rss');
  const health = await fetch(`${url}/healthz`).then(
    (r) => r.status,
    () => 0,
  );
  agent.destroy();
  child.send('stop');

  const lat = samples.map((s) => s.ms).sort((a, b) => a - b);
  const byStatus = new Map<string, number>();
  for (const s of samples)
    byStatus.set(`${s.kind} ${s.status}`, (byStatus.get(`${s.kind} ${s.status}`) ?? 0) + 1);
  const fiveXX = samples.filter((s) => s.status >= 500).length;
  const oversizedNot413 = samples.filter((s) => s.kind === 'oversized' && s.status !== 413).length;
  const validNot200 = samples.filter((s) => s.kind === 'valid' && s.status !== 200).length;
  const slowCut = slowResults.every(
    (r) => r.ms < REQUEST_TIMEOUT_MS * 3 && /^HTTP\/1\.1 408/.test(r.answer),
  );
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

  console.log(
    `load: ${samples.length} requests in ${elapsed.toFixed(1)} s at concurrency ${concurrency}: ${(samples.length / elapsed).toFixed(0)} req/s`,
  );
  console.log(
    `latency: p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms, max ${(lat[lat.length - 1] ?? NaN).toFixed(1)} ms`,
  );
  const kinds = [...new Set(samples.map((x) => x.kind))].sort();
  console.log(
    `latency by kind: ${kinds
      .map((k) => {
        const l = samples
          .filter((x) => x.kind === k)
          .map((x) => x.ms)
          .sort((a, b) => a - b);
        return `${k} p50 ${pct(l, 50).toFixed(1)} / p99 ${pct(l, 99).toFixed(1)} ms`;
      })
      .join(', ')}`,
  );
  console.log(
    `by kind and status: ${[...byStatus]
      .sort()
      .map(([k, n]) => `${k}: ${n}`)
      .join(', ')}`,
  );
  console.log(
    `errors: ${fiveXX} 5xx, ${transportErrors} transport errors, ${validNot200} valid bodies not answered 200, ${oversizedNot413} oversized not 413`,
  );
  console.log(
    `slow bodies: ${slowResults.map((r) => `${r.answer || '(closed)'} after ${(r.ms / 1000).toFixed(1)} s`).join('; ')} (request timeout ${REQUEST_TIMEOUT_MS} ms)`,
  );
  console.log(
    `server RSS: ${mb(rssBefore)} before, ${mb(rssAfter)} after; /healthz ${health}; server ${exitedEarly ? 'EXITED' : 'alive'}`,
  );

  const ok =
    fiveXX === 0 &&
    transportErrors === 0 &&
    validNot200 === 0 &&
    oversizedNot413 === 0 &&
    slowCut &&
    health === 200 &&
    !exitedEarly;
  console.log(ok ? 'load: PASS' : 'load: FAIL');
  return ok ? 0 : 1;
}

if (process.argv.includes('--serve')) {
  void serve();
} else {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
