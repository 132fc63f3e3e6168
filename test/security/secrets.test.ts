/**
 * No private key material ever leaves the verifier: not in a result (claims
 * are echoed there), not in an error message, not in CLI output — for every
 * vector we have and for hostile ones that smuggle private JWKs into trust
 * sets, L1 cnf, mandate cnf and L3 headers. (Key files written 0600 are
 * tested by test/http/cli.test.ts, "writes the private JWK with mode 0600 and
 * prints only the public JWK".)
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { makePropertyDisclosure } from '../../src/sdjwt/build.js';
import { exportPrivateJwk } from '../../src/sdjwt/keys.js';
import type { VerifyOptions } from '../../src/verify/index.js';
import { autonomousBundle, chainKeys, immediateBundle } from '../fixtures/raw-chain.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';
import { freshSeeds } from '../fuzz/corpus.js';
import { REFERENCE_DIR, referenceBundles } from '../support/environment.js';
import type { Obj } from './helpers.js';

const keys = chainKeys();
const priv = (k: typeof keys.issuer) => exportPrivateJwk(k) as Obj & { d: string };
const SECRETS = [keys.issuer, keys.user, keys.agent, keys.merchant].map((k) => priv(k).d);

function hostileBundles(): [string, unknown, VerifyOptions?][] {
  const agentCnf = { jwk: priv(keys.agent), kid: keys.agent.kid };
  const trustD = immediateBundle();
  trustD.trust!.issuer_jwks.keys = [priv(keys.issuer)];
  const merchantD = immediateBundle();
  merchantD.trust!.merchant_jwks = { keys: [priv(keys.merchant)] };
  return [
    ['trust issuer key with d', trustD],
    ['trust merchant key with d', merchantD],
    ['options.issuerKeys with d', immediateBundle(), { issuerKeys: { keys: [priv(keys.issuer)] } }],
    [
      'L1 cnf.jwk with d',
      immediateBundle({ l1Payload: (p) => void (p.cnf = { jwk: priv(keys.user) }) }),
    ],
    [
      'mandate cnf.jwk with d',
      autonomousBundle({
        checkoutMandate: (m) => void (m.cnf = agentCnf),
        paymentMandate: (m) => void (m.cnf = agentCnf),
      }),
    ],
    [
      'L3 header jwk with d',
      autonomousBundle({ l3aHeader: (h) => void (h.jwk = priv(keys.agent)) }, 'network'),
    ],
    [
      'L1 extra claim holding a private JWK',
      immediateBundle({ l1Payload: (p) => void (p.backup = { keys: [priv(keys.user)] }) }),
    ],
    ['L1 claim JWK whose d is selectively disclosed', disclosedD()],
  ];
}

/** An L1 claim `backup` holding a public JWK whose `d` comes from a disclosure: only resolution makes it private. */
function disclosedD(): unknown {
  const d = makePropertyDisclosure('d', priv(keys.user).d);
  return immediateBundle({
    l1Payload: (p) => void (p.backup = { ...keys.user.publicJwk, _sd: [d.digest] }),
    l1Serialized: (s) => `${s}${d.encoded}~`,
  });
}

const SHIPPED_DIRS = [
  join(__dirname, '../../vectors/valid'),
  join(__dirname, '../../vectors/tampered'),
];

/** The shipped vectors always, plus the shared reference bundles when they are beside the checkout. */
function vectorFiles(): string[] {
  const dirs = [...SHIPPED_DIRS, ...(referenceBundles.available ? [REFERENCE_DIR] : [])];
  return dirs.flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(d, f)),
  );
}

/** How many files vectorFiles() must find at least: every shipped vector exists, and the reference set has 40+. */
const MIN_VECTOR_FILES = 30 + (referenceBundles.available ? 40 : 0);

/** Why `text` leaks key material, or undefined. */
function leak(text: string): string | undefined {
  if (/"d"\s*:/.test(text)) return 'a "d": member';
  const s = SECRETS.find((d) => text.includes(d));
  return s ? `a private scalar (${s.slice(0, 6)}…)` : undefined;
}

describe('no private key material in results', () => {
  it('for every vector on disk and every fresh chain', async () => {
    const files = vectorFiles();
    expect(files.length).toBeGreaterThanOrEqual(MIN_VECTOR_FILES);
    const bundles: [string, unknown][] = files.map((f) => [f, JSON.parse(readFileSync(f, 'utf8'))]);
    for (const s of await freshSeeds()) bundles.push([s.name, s.bundle]);
    for (const [name, b] of bundles) {
      const r = await verifyPresentation(b);
      expect(leak(JSON.stringify(r)), name).toBeUndefined();
    }
  });
  for (const [name, bundle, options] of hostileBundles()) {
    it(`${name}: refused or echoed without d, and no message carries it`, async () => {
      const r = await verifyPresentation(bundle, options);
      expect(leak(JSON.stringify(r))).toBeUndefined();
      for (const e of r.errors) expect(leak(e.message)).toBeUndefined();
    });
  }
  it('a d disclosed into an L1 claim JWK is dropped once resolved (the parser flags the disclosure name)', async () => {
    const r = await verifyPresentation(disclosedD());
    expect(r.valid).toBe(true);
    const echoed = r.claims.l1?.claims.backup as Obj;
    expect(echoed).toMatchObject({ kty: 'EC', crv: 'P-256', x: keys.user.publicJwk.x });
    expect(echoed).not.toHaveProperty('d');
  });
  it('the redaction is not vacuous: a private JWK in an L1 claim is echoed, minus d', async () => {
    const r = await verifyPresentation(
      hostileBundles().find(([n]) => n.startsWith('L1 extra'))![1],
    );
    const echoed = (r.claims.l1!.claims.backup as { keys: Obj[] }).keys[0]!;
    expect(echoed).toMatchObject({ kty: 'EC', crv: 'P-256', x: keys.user.publicJwk.x });
    expect(echoed).not.toHaveProperty('d');
  });
});

describe('no private key material in CLI output', () => {
  it('vintent verify --json over every vector and every hostile bundle', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vintent-secrets-'));
    for (const [i, f] of vectorFiles().entries())
      writeFileSync(join(dir, `v-${i}-${f.split('/').pop()}`), readFileSync(f));
    for (const [i, [, b]] of hostileBundles().entries())
      writeFileSync(join(dir, `hostile-${i}.json`), JSON.stringify(b));
    const out: string[] = [];
    const w = vi
      .spyOn(process.stdout, 'write')
      .mockImplementation((s) => (out.push(String(s)), true));
    const e = vi
      .spyOn(process.stderr, 'write')
      .mockImplementation((s) => (out.push(String(s)), true));
    let code: number;
    try {
      code = await main(['verify', '--json', dir]);
    } finally {
      w.mockRestore();
      e.mockRestore();
    }
    expect(code).toBe(1); // the hostile bundles are invalid
    const text = out.join('');
    const verdicts = text.split('\n').filter((l) => l.startsWith('{') && !l.includes('"summary"'));
    expect(verdicts.length).toBe(vectorFiles().length + hostileBundles().length);
    expect(leak(text)).toBeUndefined();
  });
});
