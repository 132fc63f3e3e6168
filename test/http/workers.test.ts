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
import { createCheckoutJwt } from '../../src/issue/checkout.js';
import { issueL1 } from '../../src/issue/l1.js';
import { issueL2Autonomous } from '../../src/issue/l2-autonomous.js';
import type { IssuedL2Autonomous } from '../../src/issue/l2-types.js';
import { issueL3Pair } from '../../src/issue/l3.js';
import { generateSigningKey, type SigningKey } from '../../src/sdjwt/keys.js';
import { describeIf, PG_URL, postgres } from '../support/environment.js';
import { type StartedServe, startServe } from '../support/serve.js';
import { post } from './harness.js';

const NETWORK_AUD = 'https://network.example/authorize';
const tennis = { id: 'm-tw-001', name: 'Tennis Warehouse', website: 'https://tennis-warehouse.example' };
const instrument = { type: 'mastercard.srcDigitalCard', id: 'card-1', description: 'Mastercard **** 4242' };
const item = { id: 'BAB86345', title: 'Babolat Pure Aero' };
/** The server judges by its own clock: these credentials are live now. */
const T = Math.floor(Date.now() / 1000) - 60;

interface Chain {
  issuer: SigningKey;
  merchant: SigningKey;
  agent: SigningKey;
  l1: string;
  l2: IssuedL2Autonomous;
}

const day = (offset: number) => new Date((T + offset * 86400) * 1000).toISOString().slice(0, 10);

async function chain(issuer: SigningKey, merchant: SigningKey, pairs: number, budget: number, recurring = false): Promise<Chain> {
  const user = generateSigningKey('w-user');
  const agent = generateSigningKey('w-agent');
  const l1 = await issueL1({
    issuerKey: issuer,
    iss: 'https://issuer.example',
    sub: 'user-w',
    userPublicJwk: user.publicJwk,
    panLastFour: '4242',
    scheme: 'mastercard',
    iat: T - 100,
  });
  const pair = () => ({
    agentKey: agent.publicJwk,
    merchants: [tennis],
    lineItems: [{ id: 'line-1', acceptableItems: [item], quantity: 1 }],
    paymentInstrument: instrument,
    amount: { currency: 'USD', min: 100, max: 40000 },
    budget: { currency: 'USD', max: budget },
    ...(recurring ? { agentRecurrence: { frequency: 'ON_DEMAND', start_date: day(-1), end_date: day(30), max_occurrences: 50 } } : {}),
  });
  const l2 = issueL2Autonomous({ userKey: user, l1, aud: 'https://agent.example', iat: T, pairs: Array.from({ length: pairs }, pair) });
  return { issuer, merchant, agent, l1, l2 };
}

let seq = 0;
function networkView(c: Chain, pairIndex: number, amount: number): Record<string, unknown> {
  const checkout = createCheckoutJwt({
    merchantKey: c.merchant,
    merchant: tennis,
    checkoutId: `w-${++seq}`,
    currency: 'USD',
    items: [{ ...item, quantity: 1, unitPrice: amount }],
    iat: T + 10,
  });
  const l3 = issueL3Pair({
    agentKey: c.agent,
    l2: c.l2,
    pairIndex,
    checkoutJwt: checkout.jwt,
    networkAud: NETWORK_AUD,
    merchantAud: 'https://tennis-warehouse.example',
    iat: T + 20,
  });
  return { vi_bundle: 1, role: 'network', l1: c.l1, l2: l3.paymentL2, l3: [{ payment: l3.payment }] };
}

async function serve(ledger: string, trustFile: string, workers: number): Promise<StartedServe> {
  // Every worker up before the race starts, so the race really spans processes.
  return startServe(['--ledger', ledger, '--trust', trustFile, '--network-aud', NETWORK_AUD], { workers });
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
    for (const line of svc.stderr().split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('approves exactly one of 16 racing authorizations for one mandate pair', async () => {
    const c = await chain(issuer, merchant, 1, 50000);
    const views = Array.from({ length: 16 }, () => networkView(c, 0, 20000));
    const answers = await Promise.all(views.map((v) => post(svc.url, '/v1/network/authorize', v)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const approved = answers.filter((a) => a.body.decision === 'approved');
    expect(approved).toHaveLength(1);
    for (const a of answers.filter((a) => a.body.decision === 'declined')) expect(a.body.errors[0].code).toBe('LEDGER_PAIR_ALREADY_FULFILLED');
  }, 30_000);

  it('never exceeds a budget under racing authorizations of one recurring mandate pair', async () => {
    const c = await chain(issuer, merchant, 1, 100000, true); // USD 1,000 for purchases of USD 300
    const views = Array.from({ length: 16 }, () => networkView(c, 0, 30000));
    const answers = await Promise.all(views.map((v) => post(svc.url, '/v1/network/authorize', v)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const approved = answers.filter((a) => a.body.decision === 'approved');
    expect(approved.length * 30000).toBeLessThanOrEqual(100000);
    expect(approved).toHaveLength(3);
    const codes = new Set(answers.filter((a) => a.body.decision === 'declined').map((a) => a.body.errors[0].code));
    for (const code of codes) expect(['LEDGER_BUDGET_EXCEEDED', 'LEDGER_PAIR_ALREADY_FULFILLED']).toContain(code);
  }, 30_000);
}

describe('vintent serve --workers 2 on SQLite', () => {
  workersSuite(() => `sqlite:${join(mkdtempSync(join(tmpdir(), 'vintent-workers-db-')), 'ledger.db')}`);
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
  workersSuite(() => `${PG_URL!}${PG_URL!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`);
});

describe('workerExecArgv', () => {
  it('keeps loader flags and drops an inline script', () => {
    expect(workerExecArgv(['--import', 'tsx', '-e', 'code()', '--max-old-space-size=512'])).toEqual(['--import', 'tsx', '--max-old-space-size=512']);
    expect(workerExecArgv(['--eval=x', '-p', 'y', '--inspect=9229'])).toEqual([]);
  });
});
