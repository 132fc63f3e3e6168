/**
 * The CLI's conventions, for every command: --help (each flag explained, one
 * example), `vintent help`, --version, one-line usage errors with exit 2, an
 * unusable input file named with exit 2, JSON Lines with a closing summary,
 * money and times shown for people.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { type CommandSpec, helpText } from '../../src/cli/args.js';
import { DEMO_COMMAND } from '../../src/cli/demo.js';
import { formatMoney, formatTime, progressLine } from '../../src/cli/format.js';
import { INSPECT_COMMAND } from '../../src/cli/inspect.js';
import { KEYS_GENERATE_COMMAND } from '../../src/cli/keys.js';
import { LEDGER_SHOW_COMMAND } from '../../src/cli/ledger.js';
import { main } from '../../src/cli/main.js';
import { NETWORK_AUTHORIZE_COMMAND, NETWORK_REVERSE_COMMAND } from '../../src/cli/network.js';
import { SERVE_COMMAND } from '../../src/cli/serve.js';
import { VERIFY_COMMAND } from '../../src/cli/verify.js';
import { openSqliteLedger } from '../../src/ledger/sqlite.js';
import { immediateBundle } from '../fixtures/raw-chain.js';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await main(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const SPECS: CommandSpec[] = [
  VERIFY_COMMAND,
  DEMO_COMMAND,
  KEYS_GENERATE_COMMAND,
  SERVE_COMMAND,
  NETWORK_AUTHORIZE_COMMAND,
  NETWORK_REVERSE_COMMAND,
  LEDGER_SHOW_COMMAND,
  INSPECT_COMMAND,
];
const dir = mkdtempSync(join(tmpdir(), 'vintent-cli-'));
const missing = join(dir, 'nope', 'missing.json');
const bundleFile = join(dir, 'bundle.json');
writeFileSync(bundleFile, JSON.stringify(immediateBundle()));

/** Exit 2 and exactly one line on stderr, without Node's parser wording. */
function expectUsageError(r: { code: number; out: string; err: string }): void {
  expect(r.code).toBe(2);
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).not.toMatch(/ERR_PARSE_ARGS|TypeError|ambiguous|Did you forget/);
  expect(r.out).toBe('');
}

describe('vintent --help, help, --version', () => {
  it.each(SPECS.map((s) => [s.name, s] as const))(
    'vintent %s --help: exit 0, every flag explained, one example',
    async (name, spec) => {
      const r = await cli([...name.split(' '), '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toBe(helpText(spec));
      for (const flag of Object.keys(spec.flags))
        expect(r.out).toMatch(new RegExp(`--${flag}\\b.*\\S{3,}`));
      expect(r.out).toContain(`example:\n  vintent ${spec.example}`);
      expect(r.out.match(/example:/g)).toHaveLength(1);
      // Operand and flag names stand apart from their help by at least two spaces.
      if (spec.operands && spec.operandsHelp) expect(r.out).toContain(`  ${spec.operands}  `);
    },
  );

  it.each(['keys', 'network', 'ledger'])(
    'vintent %s --help lists its subcommands',
    async (group) => {
      const r = await cli([group, '--help']);
      expect(r.code).toBe(0);
      for (const s of SPECS.filter((x) => x.name.startsWith(`${group} `)))
        expect(r.out).toContain(s.name);
    },
  );

  it('vintent help, vintent help CMD, vintent --version; no arguments prints usage and exits 2', async () => {
    const top = await cli(['help']);
    expect(top.code).toBe(0);
    for (const c of ['verify', 'demo', 'keys', 'serve', 'network', 'ledger', 'inspect'])
      expect(top.out).toContain(`  ${c} `);
    expect((await cli(['help', 'verify'])).out).toBe(helpText(VERIFY_COMMAND));
    expect((await cli(['help', 'network', 'authorize'])).out).toBe(
      helpText(NETWORK_AUTHORIZE_COMMAND),
    );
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
      version: string;
    };
    expect(await cli(['--version'])).toMatchObject({ code: 0, out: `vintent ${pkg.version}\n` });
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.err).toContain('usage: vintent COMMAND');
  });
});

describe('usage errors: exit 2, one line on stderr', () => {
  it.each([
    ['unknown command', ['pay']],
    ['unknown option', ['verify', '--bogus', bundleFile]],
    ['verify --trust without a value', ['verify', bundleFile, '--trust']],
    ['verify --trust followed by a flag', ['verify', '--trust', '--json', bundleFile]],
    ['verify without paths', ['verify']],
    ['verify --now not a number', ['verify', '--now', 'soon', bundleFile]],
    ['network authorize --trust without a value', ['network', 'authorize', bundleFile, '--trust']],
    ['network authorize without trust', ['network', 'authorize', bundleFile]],
    ['network without subcommand', ['network']],
    ['serve --trust without a value', ['serve', '--trust']],
    ['serve --port out of range', ['serve', '--port', '70000', '--trust', bundleFile]],
    ['inspect --port not a number', ['inspect', '--port', 'abc']],
    ['ledger show --limit not a number', ['ledger', 'show', '--limit', 'x']],
    ['keys generate --kid with spaces', ['keys', 'generate', '--kid', 'a b']],
    ['a boolean flag given a value', ['verify', '--json=yes', bundleFile]],
    ['help for an unknown command', ['help', 'pay']],
  ])('%s', async (_name, args) => {
    expectUsageError(await cli(args));
  });
});

describe('an input file that cannot be used: exit 2 with its path', () => {
  it.each([
    ['verify PATH', ['verify', missing]],
    ['verify --trust', ['verify', '--trust', missing, bundleFile]],
    [
      'network authorize BUNDLE',
      [
        'network',
        'authorize',
        missing,
        '--trust',
        bundleFile,
        '--ledger',
        `sqlite:${join(dir, 'l.db')}`,
      ],
    ],
    [
      'network authorize --trust',
      [
        'network',
        'authorize',
        bundleFile,
        '--trust',
        missing,
        '--ledger',
        `sqlite:${join(dir, 'l.db')}`,
      ],
    ],
    [
      'serve --trust',
      ['serve', '--port', '0', '--network-aud', 'https://network.example', '--trust', missing],
    ],
    [
      'serve --merchant-keys',
      [
        'serve',
        '--port',
        '0',
        '--network-aud',
        'https://network.example',
        '--trust-url',
        'https://issuer.example/jwks',
        '--merchant-keys',
        missing,
      ],
    ],
    ['inspect BUNDLE', ['inspect', missing, '--port', '0']],
    ['inspect --trust', ['inspect', '--trust', missing, '--port', '0']],
  ])('%s', async (_name, args) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toContain(missing);
  });

  it('a directory given as a file, and a file over the size limit', async () => {
    const d = await cli([
      'network',
      'authorize',
      dir,
      '--trust',
      bundleFile,
      '--ledger',
      `sqlite:${join(dir, 'l.db')}`,
    ]);
    expect(d.code).toBe(2);
    expect(d.err).toContain(`${dir}: is a directory`);
    const big = join(dir, 'big-jwks.json');
    writeFileSync(big, `{"keys":[],"pad":"${'x'.repeat(3 * 1024 * 1024)}"}`);
    const r = await cli(['verify', '--trust', big, bundleFile]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(big);
    expect(r.err).toContain('limit');
  });

  it('one bundle limit for every command: over 2 MiB is BUNDLE_TOO_LARGE and exit 2, from verify, network authorize and inspect', async () => {
    const sub = join(dir, 'large');
    mkdirSync(sub);
    writeFileSync(join(sub, 'huge.json'), `{"pad":"${'x'.repeat(3 * 1024 * 1024)}"}`);
    const authorize = await cli([
      'network',
      'authorize',
      join(sub, 'huge.json'),
      '--trust',
      join(sub, 'huge.json'),
    ]);
    expect(authorize.code).toBe(2);
    expect(authorize.err).toContain('BUNDLE_TOO_LARGE');
    const r = await cli(['verify', '--json', sub]);
    expect(r.code).toBe(2);
    const [report] = r.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(report.errors.map((e: { code: string }) => e.code)).toEqual(['BUNDLE_TOO_LARGE']);
  });

  it('demo --out where no directory can be made fails at once, before any flow runs', async () => {
    const file = join(dir, 'not-a-dir.txt');
    writeFileSync(file, 'x');
    const r = await cli(['demo', '--out', join(file, 'bundles')]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('ENOTDIR');
  });

  it('keys generate --out under a path whose parent is a file says so', async () => {
    const file = join(dir, 'plain.txt');
    writeFileSync(file, 'x');
    const r = await cli(['keys', 'generate', '--out', join(file, 'key.json')]);
    expectUsageError(r);
    expect(r.err).toContain(`${file} is a file`);
  });
});

describe('--json is JSON Lines on stdout with a closing summary', () => {
  it('vintent verify --json vectors: every line parses, the last is the summary', async () => {
    const r = await cli(['verify', '--json', join(__dirname, '../../vectors')]);
    expect(r.err).toBe('');
    const lines = r.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const summary = lines.at(-1);
    // Whether every vector matches is test/vectors' business; here: the shape, and the exit code agreeing with the summary.
    expect(summary).toMatchObject({ summary: true, bundles: lines.length - 1 });
    expect(r.code).toBe(summary.ok ? 0 : 1);
    expect(lines.slice(0, -1).every((l) => typeof l.file === 'string' && !('summary' in l))).toBe(
      true,
    );
  });

  it('vintent ledger show --json on an empty ledger prints only the summary', async () => {
    await (await openSqliteLedger(join(dir, 'empty.db'))).close();
    const r = await cli([
      'ledger',
      'show',
      '--json',
      '--ledger',
      `sqlite:${join(dir, 'empty.db')}`,
    ]);
    expect(r.code).toBe(0);
    expect(
      r.out
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([{ summary: true, events: 0 }]);
  });
});

describe('values for people', () => {
  it('money in major units with the currency, via decimal.js', () => {
    expect(formatMoney(27999, 'USD')).toBe('279.99 USD');
    expect(formatMoney(2500, 'JPY')).toBe('¥2500');
    expect(formatMoney(1250, 'KWD')).toBe('1.250 KWD');
    expect(formatMoney(5, 'EUR')).toBe('0.05 EUR');
    expect(formatMoney(Number.MAX_SAFE_INTEGER, 'USD')).toBe('90071992547409.91 USD');
    expect(formatMoney(1.5, 'USD')).toBe('1.5 USD (minor units)');
    expect(formatMoney(100, 'usd')).toBe('100 usd (minor units)');
  });

  it('times as ISO 8601 UTC', () => {
    expect(formatTime(1_781_000_000)).toBe('2026-06-09T10:13:20Z');
    expect(formatTime(Number.NaN)).toBe('NaN');
  });

  it('a progress line only on a terminal and only for many files', () => {
    const writes: string[] = [];
    const tty = {
      isTTY: true,
      write: (s: string) => writes.push(s),
    } as unknown as NodeJS.WriteStream;
    const pipe = {
      isTTY: false,
      write: (s: string) => writes.push(s),
    } as unknown as NodeJS.WriteStream;
    const quiet = progressLine(1000, 200, pipe);
    quiet.tick(1000);
    quiet.end();
    const few = progressLine(50, 200, tty);
    few.tick(50);
    expect(writes).toEqual([]);
    const many = progressLine(1000, 200, tty);
    many.tick(1);
    many.tick(1000);
    many.end();
    expect(writes[0]).toBe('\rverifying 1/1000 (0%)');
    expect(writes).toContain('\rverifying 1000/1000 (100%)');
  });
});
