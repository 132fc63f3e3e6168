/**
 * The runtime smoke suite (smoke.mjs) on every runtime vintent claims, from
 * the `npm pack` tarball as a user installs it, not from the source tree:
 * Node and Bun load it through the `node`/`bun` conditions (node:crypto),
 * Deno through `deno`, headless Chromium and workerd through esbuild bundles
 * for `browser` and `workerd` (the web seam, WebCrypto). A runtime missing
 * from the machine skips with its reason. Each run issues a chain with
 * non-extractable WebCrypto keys, verifies it for every role, refuses broken
 * signatures with their codes, and gives every shipped vector its verdict.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from '../inspect/browser.js';
import { chromium, describeIf, type Requirement } from '../support/environment.js';

const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'node_modules', '.bin');
const run = promisify(execFile);

/** A runtime binary from node_modules/.bin that answers --version. */
function binary(name: string, hint: string): Requirement {
  try {
    execFileSync(join(BIN, name), ['--version'], { stdio: 'ignore', timeout: 20_000 });
    return { available: true, reason: '' };
  } catch {
    return { available: false, reason: `no working ${name} in node_modules/.bin (${hint})` };
  }
}

const built: Requirement = existsSync(join(ROOT, 'dist', 'web', 'index.js'))
  ? { available: true, reason: '' }
  : { available: false, reason: 'dist/ is not built (npm run build)' };

interface Report {
  platform: 'node' | 'web';
  checks: { name: string; ok: boolean; detail?: unknown }[];
  vectors: { passed: number; failed: unknown[] };
}

const VECTOR_DIRS = ['valid', 'tampered', 'ap2/valid', 'ap2/tampered'];
const SHIPPED_VECTORS = VECTOR_DIRS.reduce(
  (n, d) => n + readdirSync(join(ROOT, 'vectors', d)).filter((f) => f.endsWith('.json')).length,
  0,
);

function expectReport(report: Report, platform: 'node' | 'web'): void {
  expect(report.platform).toBe(platform);
  expect(report.checks.filter((c) => !c.ok)).toEqual([]);
  expect(report.checks.map((c) => c.name)).toHaveLength(8);
  expect(report.vectors.failed).toEqual([]);
  expect(report.vectors.passed).toBe(SHIPPED_VECTORS);
}

let work: string;
let project: string;

/** Pack, unpack into project/node_modules/vintent, and link the dependencies npm would install. */
function installTarball(): void {
  work = mkdtempSync(join(tmpdir(), 'vintent-runtimes-'));
  const name = execFileSync(
    'npm',
    ['pack', '--ignore-scripts', '--silent', '--pack-destination', work],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  )
    .trim()
    .split('\n')
    .pop()!;
  execFileSync('tar', ['-xzf', join(work, name), '-C', work]);
  project = join(work, 'project');
  const modules = join(project, 'node_modules');
  mkdirSync(modules, { recursive: true });
  renameSync(join(work, 'package'), join(modules, 'vintent'));
  // The dependencies, as the registry would install them: this checkout's copies of the same versions.
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry.startsWith('.') || entry === 'vintent') continue;
    symlinkSync(join(ROOT, 'node_modules', entry), join(modules, entry));
  }
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'smoke', type: 'module', private: true }),
  );
  copyFileSync(join(__dirname, 'smoke.mjs'), join(project, 'smoke.mjs'));
  // The vectors the tarball ships, as data every runtime can import (no file system in a worker or a page).
  const shipped = join(modules, 'vintent', 'vectors');
  const vectors = VECTOR_DIRS.flatMap((d) =>
    readdirSync(join(shipped, d))
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => ({
        name: `${d}/${f}`,
        bundle: JSON.parse(readFileSync(join(shipped, d, f), 'utf8')),
      })),
  );
  writeFileSync(join(project, 'vectors.json'), JSON.stringify(vectors));
  const head = `import * as v from 'vintent';\nimport { runSmoke } from './smoke.mjs';\nimport vectors from './vectors.json' with { type: 'json' };\n`;
  writeFileSync(
    join(project, 'cli.mjs'),
    `${head}console.log(JSON.stringify(await runSmoke(v, vectors)));\n`,
  );
  writeFileSync(
    join(project, 'worker.mjs'),
    `${head}export default { async fetch() { return Response.json(await runSmoke(v, vectors)); } };\n`,
  );
  writeFileSync(join(project, 'page.mjs'), `${head}globalThis.__smoke = runSmoke(v, vectors);\n`);
}

/** One ES module of the page or worker entry with everything it imports, for these conditions. */
async function bundle(entry: string, conditions: string[]): Promise<string> {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [join(project, entry)],
    absWorkingDir: project,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions,
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

async function cli(command: string, args: string[]): Promise<Report> {
  const { stdout } = await run(command, args, {
    cwd: project,
    maxBuffer: 16 * 1024 * 1024,
    timeout: 240_000,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(work, 'deno'), NO_COLOR: '1' },
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Report;
}

describeIf(built)('runtimes, from the packed tarball', { timeout: 240_000 }, () => {
  beforeAll(installTarball, 120_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the browser bundle imports no Node built-in', async () => {
    const { build } = await import('esbuild');
    // platform: 'browser' resolves no node: module: a built-in anywhere in the graph fails the build.
    const out = await build({
      stdin: { contents: "export * from 'vintent';", resolveDir: project },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.some((f) => f.includes('dist/web/sdjwt/platform.js'))).toBe(true);
    expect(inputs.filter((f) => /^node:|better-sqlite3|[/]pg[/]|prom-client/.test(f))).toEqual([]);
  });

  it('Node', async () => {
    expectReport(await cli(process.execPath, ['cli.mjs']), 'node');
  });

  describeIf(binary('bun', 'npm ci installs the bun package'))('Bun', () => {
    it('runs the smoke suite', async () => {
      expectReport(await cli(join(BIN, 'bun'), ['cli.mjs']), 'node');
    });
  });

  describeIf(binary('deno', 'npm ci installs the deno package'))('Deno', () => {
    it('runs the smoke suite', async () => {
      expectReport(
        await cli(join(BIN, 'deno'), [
          'run',
          '--quiet',
          '--no-lock',
          '--node-modules-dir=manual',
          '--allow-read',
          '--allow-env',
          'cli.mjs',
        ]),
        'web',
      );
    });
  });

  describeIf(binary('workerd', 'npm ci installs miniflare, which brings workerd'))(
    'workerd (Miniflare)',
    () => {
      it('runs the smoke suite in a worker', async () => {
        const { Miniflare } = await import('miniflare');
        const script = await bundle('worker.mjs', ['workerd', 'worker', 'browser']);
        const mf = new Miniflare({ modules: true, script, compatibilityDate: '2026-07-30' });
        try {
          const res = await mf.dispatchFetch('http://smoke.test/');
          expectReport((await res.json()) as Report, 'web');
        } finally {
          await mf.dispose();
        }
      });
    },
  );

  describeIf(chromium)('headless Chromium', () => {
    it('runs the smoke suite in a page', async () => {
      const code = await bundle('page.mjs', ['browser']);
      // Loopback http is a secure context: crypto.subtle is there.
      const server = createServer((req, res) => {
        if (req.url === '/smoke.js') {
          res.writeHead(200, { 'content-type': 'text/javascript' }).end(code);
        } else {
          res
            .writeHead(200, { 'content-type': 'text/html' })
            .end('<!doctype html><script type="module" src="/smoke.js"></script>');
        }
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      const browser = await launchChromium();
      try {
        const page = await browser.context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
        await page.waitForFunction(
          () => (globalThis as { __smoke?: unknown }).__smoke !== undefined,
        );
        const report = (await page.evaluate(
          () => (globalThis as unknown as { __smoke: Promise<unknown> }).__smoke,
        )) as Report;
        expect(errors).toEqual([]);
        expectReport(report, 'web');
      } finally {
        await browser.close();
        server.close();
      }
    });
  });
});
