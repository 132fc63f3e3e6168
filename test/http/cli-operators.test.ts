/**
 * What an operator sees: `serve` refuses unsafe or unusable configuration,
 * logs its effective configuration as JSON (no secrets), reports a failing
 * --trust-url at start, in its log and at /healthz; `ledger show` never
 * creates a database; `network revoke` records a user's revocation offline.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run as ledgerCmd } from '../../src/cli/ledger.js';
import { run as network } from '../../src/cli/network.js';
import { issueRevocation } from '../../src/issue/revocation.js';
import { IssuerStatusList, statusClaim } from '../../src/issue/status-list.js';
import { type ServeChild, spawnServe } from '../support/serve.js';
import {
  autonomousChain,
  fulfil,
  NETWORK_AUD,
  networkView,
  parties,
  SERVER_NOW,
  T,
} from './chain.js';
import { PG_URL } from './harness.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'vintent-ops-'));

async function capture(
  fn: () => Promise<number>,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((s: any) => ((out += String(s)), true));
  const e = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((s: any) => ((err += String(s)), true));
  try {
    return { code: await fn(), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
afterEach(() => vi.restoreAllMocks());

function serve(args: string[], env: Record<string, string> = {}): ServeChild {
  return spawnServe(args, { env });
}

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));

async function trustFile(dir: string): Promise<string> {
  const c = await autonomousChain(parties('ops'));
  const f = join(dir, 'issuer.jwks.json');
  writeFileSync(f, JSON.stringify(c.p.issuerJwks));
  return f;
}

describe('vintent serve configuration', () => {
  it('refuses to start without --network-aud, with an unknown ledger scheme, or a short operator token (exit 2)', async () => {
    const dir = tempDir();
    const trust = await trustFile(dir);
    const ledger = `sqlite:${join(dir, 'l.db')}`;
    const noAud = serve(['--ledger', ledger, '--trust', trust]);
    expect(await noAud.exited).toBe(2);
    expect(noAud.stderr()).toContain('--network-aud');
    const badScheme = serve([
      '--ledger',
      'mysql://u:pw@h/db',
      '--trust',
      trust,
      '--network-aud',
      'https://n.example',
    ]);
    expect(await badScheme.exited).toBe(2);
    expect(badScheme.stderr()).not.toContain('pw@');
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'short\n');
    expect(
      await serve([
        '--ledger',
        ledger,
        '--trust',
        trust,
        '--network-aud',
        'https://n.example',
        '--operator-token-file',
        tokenFile,
      ]).exited,
    ).toBe(2);
    expect(existsSync(join(dir, 'l.db'))).toBe(false);
  }, 30_000);

  it('logs its effective configuration as JSON with the token redacted, warns without a merchant audience, logs each decision', async () => {
    const dir = tempDir();
    const trust = await trustFile(dir);
    const token = 'operator-secret-token-0123456789';
    const s = serve(
      [
        '--ledger',
        `sqlite:${join(dir, 'l.db')}`,
        '--trust',
        trust,
        '--network-aud',
        'https://n.example',
      ],
      { VINTENT_OPERATOR_TOKEN: token },
    );
    const url = await s.url;
    try {
      const r = await fetch(`${url}/v1/network/reverse`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"authorization_id":"auth_x"}',
      });
      expect(r.status).toBe(404);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      void s.stop();
    }
    expect(await s.exited).toBe(0);
    const lines = jsonLines(s.stderr());
    const start = lines.find((l) => l.event === 'start');
    expect(start.config).toMatchObject({
      ledger: { backend: 'sqlite' },
      network_aud: 'https://n.example',
      merchant_aud: null,
      trust: { file: trust },
    });
    expect(start.config.operator_credential).toMatch(/^configured/);
    expect(lines.some((l) => l.level === 'warn' && /merchant audience/.test(l.message))).toBe(true);
    expect(
      lines.find((l) => l.event === 'request' && l.path === '/v1/network/reverse'),
    ).toMatchObject({ status: 404, code: 'LEDGER_AUTHORIZATION_UNKNOWN' });
    expect(s.stderr()).not.toContain(token);
  }, 30_000);

  it('reports an unreachable --trust-url at start, in the log and at /healthz, never with its credential', async () => {
    const dir = tempDir();
    const secret = 'tok-3f9a1c7e5b';
    const trustUrl = `http://agent:pw-${secret}@127.0.0.1:9/jwks.json?access_token=${secret}`;
    const s = serve([
      '--ledger',
      `sqlite:${join(dir, 'l.db')}`,
      '--trust-url',
      trustUrl,
      '--network-aud',
      'https://n.example',
    ]);
    const url = await s.url;
    let health = '';
    try {
      const h = await fetch(`${url}/healthz`);
      expect(h.status).toBe(503);
      health = await h.text();
      expect(JSON.parse(health)).toMatchObject({
        status: 'degraded',
        checks: [{ name: 'trust_url', ok: false }],
      });
    } finally {
      void s.stop();
    }
    await s.exited;
    const lines = jsonLines(s.stderr());
    expect(
      lines.some(
        (l) =>
          l.event === 'jwks_fetch_failed' &&
          l.url === 'http://127.0.0.1:9/jwks.json?access_token=redacted',
      ),
    ).toBe(true);
    expect(s.stderr()).not.toContain(secret);
    expect(health).not.toContain(secret);
    expect(health).not.toContain('127.0.0.1:9');
  }, 30_000);

  it.skipIf(!PG_URL)(
    'never prints a database password (PostgreSQL: set VINTENT_PG_URL to run)',
    async () => {
      const dir = tempDir();
      const trust = await trustFile(dir);
      const secret = 'not-the-password-9f8e7d';
      const bad = PG_URL!.replace(/\/\/([^:/@]+)(:[^@]*)?@/, `//$1:${secret}@`);
      const s = serve(['--ledger', bad, '--trust', trust, '--network-aud', 'https://n.example']);
      expect(await s.exited).toBe(1);
      expect(s.stderr()).toContain('***');
      expect(s.stderr()).not.toContain(secret);
      const show = await capture(() => ledgerCmd(['show', '--ledger', bad]));
      expect(show.code).toBe(1);
      expect(show.err).not.toContain(secret);
    },
    30_000,
  );
});

describe('vintent serve with credential status', () => {
  it('serves a Status List Token and declines an L1 its issuer revoked (--check-status)', async () => {
    const dir = tempDir();
    const c0 = await autonomousChain(parties('served-status'));
    const trust = join(dir, 'issuer.jwks.json');
    writeFileSync(trust, JSON.stringify(c0.p.issuerJwks));
    const tokenFile = join(dir, 'status.jwt');
    writeFileSync(tokenFile, 'not yet');
    const s = serve([
      '--ledger',
      `sqlite:${join(dir, 'l.db')}`,
      '--trust',
      trust,
      '--network-aud',
      NETWORK_AUD,
      '--status-list',
      tokenFile,
      '--check-status',
      '--status-allow-loopback-http',
    ]);
    const url = await s.url;
    try {
      const list = new IssuerStatusList({ uri: `${url}/v1/status-list`, size: 8 });
      const ref = list.allocate();
      const publish = () =>
        writeFileSync(tokenFile, list.publish({ issuerKey: c0.p.issuer, ttl: 1 }));
      publish();
      const served = await fetch(`${url}/v1/status-list`);
      expect(served.headers.get('content-type')).toBe('application/statuslist+jwt');
      // The service judges at its real clock, past this chain's L2/L3 lifetimes; the L1 (valid a year) and its status check are what count here.
      const c = await autonomousChain(c0.p, { l1Claims: statusClaim(ref) });
      const authorize = async (amount: number) =>
        (
          await fetch(`${url}/v1/network/authorize`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(networkView(c, fulfil(c, 0, amount))),
          })
        ).json() as Promise<any>;
      const first = await authorize(10000);
      expect(first.errors.map((e: any) => e.code)).not.toContain('L1_STATUS_REVOKED');
      expect(first.errors.map((e: any) => e.code)).not.toContain('L1_STATUS_UNAVAILABLE');
      list.set(ref.idx, 'invalid');
      publish();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const later = await authorize(10000);
      expect(later.errors.map((e: any) => e.code)).toContain('L1_STATUS_REVOKED');
    } finally {
      void s.stop();
    }
    await s.exited;
  }, 30_000);
});

describe('vintent ledger show', () => {
  it('never creates a database (a missing one shows as empty); an unknown scheme is a usage error', async () => {
    const dir = tempDir();
    const missing = join(dir, 'nowhere', 'ledger.db');
    const r = await capture(() => ledgerCmd(['show', '--ledger', `sqlite:${missing}`, '--json']));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ summary: true, events: 0 });
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
    expect((await capture(() => ledgerCmd(['show', '--ledger', 'redis://h/0']))).code).toBe(2);
  });
});

describe('vintent network capture', () => {
  it('captures offline for less than authorized, answers a repeat as then, and the captured authorization cannot be reversed', async () => {
    const dir = tempDir();
    const ledger = `sqlite:${join(dir, 'ledger.db')}`;
    const c = await autonomousChain(parties(), { onDemand: true });
    const trust = join(dir, 'issuer.jwks.json');
    writeFileSync(trust, JSON.stringify(c.p.issuerJwks));
    const view = join(dir, 'a.json');
    writeFileSync(view, JSON.stringify(networkView(c, fulfil(c, 0, 10000))));
    const approved = await capture(() =>
      network([
        'authorize',
        view,
        '--ledger',
        ledger,
        '--trust',
        trust,
        '--now',
        String(SERVER_NOW),
        '--json',
      ]),
    );
    const id = JSON.parse(approved.out.split('\n')[0]!).authorization_id;
    const args = ['capture', id, '--ledger', ledger, '--now', String(SERVER_NOW + 5), '--json'];
    const first = await capture(() => network([...args, '--amount', '9000']));
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ captured: true, amount: 9000, replayed: false });
    const again = await capture(() => network([...args, '--amount', '9000']));
    expect(JSON.parse(again.out)).toMatchObject({ captured: true, replayed: true });
    const other = await capture(() => network(args));
    expect(other.code).toBe(1);
    expect(JSON.parse(other.out).error.code).toBe('LEDGER_AUTHORIZATION_CAPTURED');
    expect((await capture(() => network(['reverse', id, '--ledger', ledger]))).code).toBe(1);
    expect((await capture(() => network([...args, '--amount', '1.5']))).code).toBe(2);
    expect((await capture(() => network([...args, '--status-fail-open']))).code).toBe(2);
  });

  it('never creates a ledger for capture or reverse: a mistyped --ledger is a usage error', async () => {
    const dir = tempDir();
    for (const cmd of ['capture', 'reverse']) {
      const typo = join(dir, `typo-${cmd}.db`);
      const r = await capture(() => network([cmd, 'auth_x', '--ledger', `sqlite:${typo}`]));
      expect(r.code).toBe(2);
      expect(r.err).toContain('no ledger database');
      expect(existsSync(typo)).toBe(false);
    }
  });
});

describe('vintent network revoke', () => {
  it('records a revocation offline, idempotently; later authorizations are declined', async () => {
    const dir = tempDir();
    const ledger = `sqlite:${join(dir, 'ledger.db')}`;
    const c = await autonomousChain(parties(), { onDemand: true });
    const trust = join(dir, 'issuer.jwks.json');
    writeFileSync(trust, JSON.stringify(c.p.issuerJwks));
    const file = (name: string, body: unknown) => {
      const f = join(dir, name);
      writeFileSync(f, JSON.stringify(body));
      return f;
    };
    const common = ['--ledger', ledger, '--trust', trust, '--now', String(SERVER_NOW), '--json'];
    expect(
      (
        await capture(() =>
          network(['authorize', file('a.json', networkView(c, fulfil(c, 0, 10000))), ...common]),
        )
      ).code,
    ).toBe(0);
    const request = file('revoke.json', {
      revocation: issueRevocation({ userKey: c.p.user, l2: c.l2.serialized, iat: T + 150 }),
      l1: c.l1,
      l2: c.l2.serialized,
    });
    const first = await capture(() => network(['revoke', request, ...common]));
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({
      revoked: true,
      newly_revoked: true,
      authorizations_kept: 1,
    });
    expect(
      JSON.parse((await capture(() => network(['revoke', request, ...common]))).out),
    ).toMatchObject({ newly_revoked: false });
    const later = await capture(() =>
      network(['authorize', file('b.json', networkView(c, fulfil(c, 1, 10000))), ...common]),
    );
    expect(later.code).toBe(1);
    expect(jsonLines(later.out)[0].errors[0].code).toBe('LEDGER_MANDATE_REVOKED');
    const forged = file('forged.json', {
      revocation: issueRevocation({ userKey: c.p.agent, l2: c.l2.serialized, iat: T + 150 }),
      l1: c.l1,
      l2: c.l2.serialized,
    });
    const refused = await capture(() => network(['revoke', forged, ...common]));
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out).error.code).toBe('REVOCATION_INVALID');
  });
});
