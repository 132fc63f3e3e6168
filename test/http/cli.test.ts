/**
 * The service commands on real files and a real SQLite ledger: key files with
 * owner-only permissions, the offline network decision (same function as the
 * HTTP endpoint), reversal, the audit trail, and `serve` as a process that
 * answers over HTTP and exits cleanly on SIGTERM.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run as keys } from '../../src/cli/keys.js';
import { run as ledgerCmd } from '../../src/cli/ledger.js';
import { run as network } from '../../src/cli/network.js';
import { startServe } from '../support/serve.js';
import { autonomousChain, fulfil, networkView, parties, SERVER_NOW } from './chain.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'vintent-cli-'));
}

/** `--json` output: every line is JSON and the last one is the summary; returns the records before it. */
function jsonLines(out: string): any[] {
  const lines = out
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines.at(-1)).toMatchObject({ summary: true });
  return lines.slice(0, -1);
}

/** Run a command in-process and capture what it printed. */
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
    const code = await fn();
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('vintent keys generate', () => {
  it('writes the private JWK with mode 0600 and prints only the public JWK', async () => {
    const dir = tempDir();
    const file = join(dir, 'k.jwk.json');
    const r = await capture(() => keys(['generate', '--kid', 'issuer-2026', '--out', file]));
    expect(r.code).toBe(0);
    const pub = JSON.parse(r.out);
    expect(pub).toMatchObject({ kty: 'EC', crv: 'P-256', kid: 'issuer-2026' });
    expect(pub.d).toBeUndefined();
    expect(r.out).not.toContain('"d"');
    const priv = JSON.parse(readFileSync(file, 'utf8'));
    expect(priv).toMatchObject({ kid: 'issuer-2026', x: pub.x, d: expect.any(String) });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // Never overwrites an existing key.
    expect((await capture(() => keys(['generate', '--out', file]))).code).toBe(1);
    expect(JSON.parse(readFileSync(file, 'utf8')).d).toBe(priv.d);
  });

  it('usage errors exit 2', async () => {
    expect((await capture(() => keys(['make']))).code).toBe(2);
    expect((await capture(() => keys(['generate', '--bogus']))).code).toBe(2);
  });
});

describe('vintent network / ledger (offline)', () => {
  it('authorizes, replays, declines over budget, reverses, and shows the audit trail', async () => {
    const dir = tempDir();
    const ledger = `sqlite:${join(dir, 'ledger.db')}`;
    const c = await autonomousChain(parties(), { onDemand: true });
    const trust = join(dir, 'issuer.jwks.json');
    writeFileSync(trust, JSON.stringify(c.p.issuerJwks));
    const bundle = (name: string, b: unknown) => {
      const f = join(dir, name);
      writeFileSync(f, JSON.stringify(b));
      return f;
    };
    const first = bundle('first.json', networkView(c, fulfil(c, 0, 30000)));
    const common = ['--ledger', ledger, '--trust', trust, '--now', String(SERVER_NOW), '--json'];

    const a = await capture(() => network(['authorize', first, ...common]));
    expect(a.code).toBe(0);
    const [approved] = jsonLines(a.out);
    expect(approved.decision).toBe('approved');

    const again = await capture(() => network(['authorize', first, ...common]));
    expect(jsonLines(again.out)[0]).toMatchObject({
      decision: 'approved',
      authorization_id: approved.authorization_id,
      replayed: true,
    });

    const over = await capture(() =>
      network(['authorize', bundle('over.json', networkView(c, fulfil(c, 0, 30000))), ...common]),
    );
    expect(over.code).toBe(1);
    expect(jsonLines(over.out)[0].errors[0].code).toBe('LEDGER_BUDGET_EXCEEDED');

    const rev = await capture(() =>
      network(['reverse', approved.authorization_id, '--ledger', ledger]),
    );
    expect(rev.code).toBe(0);
    const twice = await capture(() =>
      network(['reverse', approved.authorization_id, '--ledger', ledger, '--json']),
    );
    expect(twice.code).toBe(1);
    expect(JSON.parse(twice.out).error.code).toBe('LEDGER_AUTHORIZATION_REVERSED');

    const show = await capture(() => ledgerCmd(['show', '--ledger', ledger, '--json']));
    expect(show.code).toBe(0);
    const events = jsonLines(show.out);
    expect(events.map((e) => e.decision)).toEqual(
      expect.arrayContaining(['approved', 'declined', 'reversed']),
    );
    expect(events.find((e) => e.decision === 'declined').code).toBe('LEDGER_BUDGET_EXCEEDED');
    const human = await capture(() => ledgerCmd(['show', '--ledger', ledger]));
    expect(human.out).toContain('LEDGER_BUDGET_EXCEEDED');
  });

  it('a bundle carrying its own trust is judged by --trust only; a file that is not JSON exits 2 saying where it breaks', async () => {
    const dir = tempDir();
    const c = await autonomousChain();
    const other = await autonomousChain(parties('other'));
    const trust = join(dir, 'issuer.jwks.json');
    writeFileSync(trust, JSON.stringify(other.p.issuerJwks));
    const f = join(dir, 'b.json');
    writeFileSync(
      f,
      JSON.stringify(
        networkView(c, fulfil(c, 0, 30000), { trust: { issuer_jwks: c.p.issuerJwks } }),
      ),
    );
    const args = [
      '--ledger',
      `sqlite:${join(dir, 'l.db')}`,
      '--trust',
      trust,
      '--now',
      String(SERVER_NOW),
      '--json',
    ];
    const r = await capture(() => network(['authorize', f, ...args]));
    expect(r.code).toBe(1);
    expect(jsonLines(r.out)[0].errors.map((e: any) => e.code)).toContain('L1_ISSUER_KEY_UNKNOWN');
    writeFileSync(join(dir, 'junk.json'), '{\n  not json');
    const junk = await capture(() => network(['authorize', join(dir, 'junk.json'), ...args]));
    expect(junk.code).toBe(2);
    expect(junk.out).toBe('');
    expect(junk.err).toMatch(
      /junk\.json: BUNDLE_MALFORMED: bundle is not JSON: .*\(line 2, column 3\)/,
    );
  });

  it('refuses a trust file holding a private key, and usage errors exit 2', async () => {
    const dir = tempDir();
    const priv = join(dir, 'priv.json');
    await capture(() => keys(['generate', '--out', priv]));
    const f = join(dir, 'b.json');
    writeFileSync(f, '{}');
    const r = await capture(() =>
      network(['authorize', f, '--trust', priv, '--ledger', `sqlite:${join(dir, 'l.db')}`]),
    );
    expect(r.code).toBe(2); // an unusable input file, named in one line
    expect(r.err).toContain('private key');
    expect(r.err).toContain(priv);
    expect((await capture(() => network(['authorize', f]))).code).toBe(2);
    expect((await capture(() => network(['pay']))).code).toBe(2);
    expect((await capture(() => ledgerCmd(['show', '--limit', 'x']))).code).toBe(2);
  });
});

describe('vintent serve', () => {
  it('prints its URL, answers, and exits 0 on SIGTERM', async () => {
    const dir = tempDir();
    const trust = join(dir, 'issuer.jwks.json');
    const priv = join(dir, 'issuer.private.json');
    const gen = await capture(() => keys(['generate', '--kid', 'served', '--out', priv]));
    writeFileSync(trust, gen.out); // a single public JWK is accepted as a trust file
    const served = await startServe([
      '--ledger',
      `sqlite:${join(dir, 'l.db')}`,
      '--trust',
      trust,
      '--jwks',
      trust,
      '--network-aud',
      'https://network.example',
    ]);
    const url = served.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const jwks = (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    expect(jwks.keys[0]?.kid).toBe('served');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(await served.stop()).toBe(0);
  }, 20_000);
});
