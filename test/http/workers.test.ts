/**
 * `vintent serve --workers 2` as a real process tree (node:cluster) on one
 * loopback port sharing one ledger: racing authorizations spread over the
 * workers still approve exactly one per mandate pair and never exceed the
 * L2 budget, on SQLite always and on PostgreSQL when VINTENT_PG_URL is set.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerExecArgv } from '../../src/cli/serve-cluster.js';
import { generateSigningKey } from '../../src/sdjwt/keys.js';
import { describeIf, PG_URL, postgres } from '../support/environment.js';
import { type StartedServe, startServe } from '../support/serve.js';
import { post } from './harness.js';
import { chain, NETWORK_AUD, networkView } from './live-chain.js';

async function serve(ledger: string, trustFile: string, workers: number): Promise<StartedServe> {
  // Every worker up before the race starts, so the race really spans processes.
  return startServe(['--ledger', ledger, '--trust', trustFile, '--network-aud', NETWORK_AUD], {
    workers,
  });
}

function workersSuite(ledgerSpec: () => string): void {
  const issuer = generateSigningKey('w-issuer-1');
  const merchant = generateSigningKey('w-merchant-1');
  let svc: StartedServe;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vintent-workers-'));
    const trust = join(dir, 'issuer.jwks.json');
    writeFileSync(trust, JSON.stringify({ keys: [issuer.publicJwk] }));
    svc = await serve(ledgerSpec(), trust, 2);
  }, 30_000);
  afterAll(async () => {
    expect(await svc.stop()).toBe(0);
  });

  it('runs two workers on one port', () => {
    expect(svc.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(svc.stderr()).toContain('"event":"workers_listening","workers":2');
    // Every line serve writes to stderr is JSON: primary and workers alike.
    for (const line of svc.stderr().split('\n').filter(Boolean))
      expect(() => JSON.parse(line)).not.toThrow();
    // The configuration is said once for the service, not once per worker.
    const events = svc
      .stderr()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event: string; message?: string });
    expect(events.filter((e) => e.event === 'start')).toHaveLength(1);
    const warnings = events.filter((e) => e.event === 'config').map((e) => e.message);
    expect(warnings.length).toBeGreaterThan(0);
    expect(new Set(warnings).size).toBe(warnings.length);
  });

  it('answers /metrics from any worker with every worker summed, and /healthz shows both workers listening', async () => {
    const authorizeDecisions = async (): Promise<number> => {
      const text = await (await fetch(`${svc.url}/metrics`)).text();
      return text
        .split('\n')
        .filter(
          (l) =>
            l.startsWith('vintent_decisions_total{') &&
            l.includes('endpoint="/v1/network/authorize"'),
        )
        .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    };
    const before = await authorizeDecisions();
    const c = await chain(issuer, merchant, 6, 50000);
    // Fresh connections, so the requests spread over both workers.
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        post(svc.url, '/v1/network/authorize', networkView(c, i, 1000)),
      ),
    );
    for (let scrape = 0; scrape < 6; scrape++) expect(await authorizeDecisions()).toBe(before + 6);
    const health = await (await fetch(`${svc.url}/healthz`)).json();
    expect(health).toMatchObject({ status: 'ok', workers: { configured: 2, listening: 2 } });
    expect((await fetch(`${svc.url}/readyz`)).status).toBe(200);
  }, 30_000);

  it('approves exactly one of 16 racing authorizations for one mandate pair', async () => {
    const c = await chain(issuer, merchant, 1, 50000);
    const views = Array.from({ length: 16 }, () => networkView(c, 0, 20000));
    const answers = await Promise.all(views.map((v) => post(svc.url, '/v1/network/authorize', v)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const approved = answers.filter((a) => a.body.decision === 'approved');
    expect(approved).toHaveLength(1);
    for (const a of answers.filter((a) => a.body.decision === 'declined'))
      expect(a.body.errors[0].code).toBe('LEDGER_PAIR_ALREADY_FULFILLED');
  }, 30_000);

  it('never exceeds a budget under racing authorizations of one recurring mandate pair', async () => {
    const c = await chain(issuer, merchant, 1, 100000, true); // USD 1,000 for purchases of USD 300
    const views = Array.from({ length: 16 }, () => networkView(c, 0, 30000));
    const answers = await Promise.all(views.map((v) => post(svc.url, '/v1/network/authorize', v)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const approved = answers.filter((a) => a.body.decision === 'approved');
    expect(approved.length * 30000).toBeLessThanOrEqual(100000);
    expect(approved).toHaveLength(3);
    const codes = new Set(
      answers.filter((a) => a.body.decision === 'declined').map((a) => a.body.errors[0].code),
    );
    for (const code of codes)
      expect(['LEDGER_BUDGET_EXCEEDED', 'LEDGER_PAIR_ALREADY_FULFILLED']).toContain(code);
  }, 30_000);
}

describe('vintent serve --workers 2 on SQLite', () => {
  workersSuite(
    () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'vintent-workers-db-')), 'ledger.db')}`,
  );
});

describeIf(postgres)('vintent serve --workers 2 on PostgreSQL', () => {
  // A schema of its own (dropped afterwards), named to the server through the URL's search_path.
  const schema = `vintent_workers_${randomBytes(6).toString('hex')}`;
  beforeAll(async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.end();
  });
  afterAll(async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });
  workersSuite(
    () =>
      `${PG_URL!}${PG_URL!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
  );
});

describe('workerExecArgv', () => {
  it('keeps loader flags and drops an inline script', () => {
    expect(workerExecArgv(['--import', 'tsx', '-e', 'code()', '--max-old-space-size=512'])).toEqual(
      ['--import', 'tsx', '--max-old-space-size=512'],
    );
    expect(workerExecArgv(['--eval=x', '-p', 'y', '--inspect=9229'])).toEqual([]);
  });
});
