/**
 * `vintent verify` over a directory of many bundles, on 1 thread and on 2:
 * the real command, spawned as a process, wall time from spawn to exit
 * (process start, module loading, thread start-up, file reads, output all
 * included). The command runs compiled (tsc into a cache folder inside
 * node_modules, so the build resolves the same packages), as an installed
 * `vintent` does: run from source, every worker thread would first have to
 * load the TypeScript loader and compile the modules again, a cost no user
 * pays. Thread counts alternate (1, 2, 1, 2, ...) so load changes hit both
 * alike; the output of every run must be byte-identical to the first.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './harness.js';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface VerifyThreadsRun {
  threads: number;
  seconds: number;
  /** 1-minute load average when the run ended. */
  loadAverage: number;
}

export interface VerifyThreadsResult {
  bundles: number;
  /** Median wall seconds per thread count. */
  oneThreadSeconds: number;
  twoThreadSeconds: number;
  /** oneThreadSeconds / twoThreadSeconds. */
  speedup: number;
  /** Every run printed exactly the bytes the first did. */
  identicalOutput: boolean;
  /** Every run, in the order they ran. */
  runs: VerifyThreadsRun[];
}

/** Compile src/ (no declarations, no maps) into a folder whose imports resolve to this checkout's node_modules. */
function compile(log: (s: string) => void): string {
  const out = join(REPO_ROOT, 'node_modules', '.cache', 'vintent-bench-build');
  rmSync(out, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const t0 = Date.now();
  const r = spawnSync(
    process.execPath,
    [tsc, '-p', join(REPO_ROOT, 'tsconfig.build.json'), '--outDir', out, '--declaration', 'false', '--sourceMap', 'false'],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`verify-threads: tsc failed: ${r.stdout}${r.stderr}`);
  log(`  verify threads: compiled src/ in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

/** `count` bundle files in a new folder: the shipped vectors (valid and tampered, each with its verdict), cycled. */
function bundleDir(count: number): string {
  const sources: string[] = [];
  for (const kind of ['valid', 'tampered']) {
    const dir = join(REPO_ROOT, 'vectors', kind);
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.json')) sources.push(join(dir, f));
  }
  const dir = mkdtempSync(join(tmpdir(), 'vintent-bench-verify-'));
  mkdirSync(join(dir, 'bundles'));
  for (let i = 0; i < count; i++) copyFileSync(sources[i % sources.length]!, join(dir, 'bundles', `${String(i).padStart(5, '0')}.json`));
  return dir;
}

function runVerify(build: string, dir: string, threads: number): Promise<{ seconds: number; stdout: Buffer; code: number | null }> {
  const main = pathToFileURL(join(build, 'cli', 'main.js')).href;
  const script = `import(${JSON.stringify(main)}).then((m) => m.main(process.argv.slice(1))).then((c) => process.exit(c))`;
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, ['-e', script, 'verify', '--threads', String(threads), join(dir, 'bundles')], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, stdout: Buffer.concat(out), code }));
  });
}

export async function runVerifyThreads(bundles: number, rounds: number, log: (s: string) => void): Promise<VerifyThreadsResult> {
  const build = compile(log);
  const dir = bundleDir(bundles);
  try {
    const runs: VerifyThreadsRun[] = [];
    let first: Buffer | undefined;
    let identical = true;
    for (let r = 0; r < rounds; r++) {
      for (const threads of [1, 2]) {
        const run = await runVerify(build, dir, threads);
        if (run.code !== 0) throw new Error(`verify-threads: vintent verify exited ${run.code} on ${threads} thread(s)`);
        if (first === undefined) first = run.stdout;
        else if (!first.equals(run.stdout)) identical = false;
        runs.push({ threads, seconds: run.seconds, loadAverage: loadavg()[0]! });
        log(`  verify threads: ${bundles} bundles, ${threads} thread(s): ${run.seconds.toFixed(2)} s wall; load ${loadavg()[0]!.toFixed(2)}`);
      }
    }
    const one = median(runs.filter((r) => r.threads === 1).map((r) => r.seconds));
    const two = median(runs.filter((r) => r.threads === 2).map((r) => r.seconds));
    log(`  verify threads: 2 threads / 1: ${(one / two).toFixed(2)}x faster; output ${identical ? 'byte-identical' : 'DIFFERENT'}`);
    return { bundles, oneThreadSeconds: one, twoThreadSeconds: two, speedup: one / two, identicalOutput: identical, runs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
