/**
 * `vintent verify` over a directory of many bundles, on 1 core and on 2
 * (pinned with `taskset`, the command choosing its thread count itself, as a
 * user runs it), and on 1 thread and on 2 with both cores free:
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
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './harness.js';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface VerifyThreadsRun {
  /** Cores the process may run on (taskset); undefined: every core of the machine. */
  cores: number | undefined;
  /** `--threads`; undefined: the command's own choice (one per core it may use). */
  threads: number | undefined;
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
  /** Median wall seconds pinned to 1 core and to 2 (default threads); undefined without taskset or 2 cores. */
  oneCoreSeconds?: number;
  twoCoreSeconds?: number;
  /** oneCoreSeconds / twoCoreSeconds: the "on 2 cores ≥ 1.7x faster than on 1". */
  coreSpeedup?: number;
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
    [
      tsc,
      '-p',
      join(REPO_ROOT, 'tsconfig.build.json'),
      '--outDir',
      out,
      '--declaration',
      'false',
      '--sourceMap',
      'false',
    ],
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
  for (let i = 0; i < count; i++)
    copyFileSync(
      sources[i % sources.length]!,
      join(dir, 'bundles', `${String(i).padStart(5, '0')}.json`),
    );
  return dir;
}

/** How one run is placed: pinned to `cores` (taskset -c 0..cores-1) and/or with `--threads`. */
interface Placement {
  cores: number | undefined;
  threads: number | undefined;
}

function runVerify(
  build: string,
  dir: string,
  at: Placement,
): Promise<{ seconds: number; stdout: Buffer; code: number | null }> {
  const main = pathToFileURL(join(build, 'cli', 'main.js')).href;
  const script = `import(${JSON.stringify(main)}).then((m) => m.main(process.argv.slice(1))).then((c) => process.exit(c))`;
  const args = [
    '-e',
    script,
    'verify',
    ...(at.threads === undefined ? [] : ['--threads', String(at.threads)]),
    join(dir, 'bundles'),
  ];
  const [command, argv] =
    at.cores === undefined
      ? [process.execPath, args]
      : [
          'taskset',
          [
            '-c',
            Array.from({ length: at.cores }, (_, i) => i).join(','),
            process.execPath,
            ...args,
          ],
        ];
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(command, argv, {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({
        seconds: Number(process.hrtime.bigint() - t0) / 1e9,
        stdout: Buffer.concat(out),
        code,
      }),
    );
  });
}

/** Whether runs can be pinned to 1 and 2 cores: taskset present and at least 2 cores to pin to. */
function canPin(): boolean {
  return (
    availableParallelism() >= 2 &&
    spawnSync('taskset', ['-c', '0', process.execPath, '-e', '0']).status === 0
  );
}

const label = (at: Placement) =>
  at.cores === undefined
    ? `${at.threads} thread${at.threads === 1 ? '' : 's'}`
    : `${at.cores} core${at.cores === 1 ? '' : 's'} (default threads)`;

export async function runVerifyThreads(
  bundles: number,
  rounds: number,
  log: (s: string) => void,
): Promise<VerifyThreadsResult> {
  const build = compile(log);
  const dir = bundleDir(bundles);
  const placements: Placement[] = [
    { cores: undefined, threads: 1 },
    { cores: undefined, threads: 2 },
  ];
  const pinned = canPin();
  if (pinned) placements.push({ cores: 1, threads: undefined }, { cores: 2, threads: undefined });
  else
    log(
      '  verify threads: no taskset (or fewer than 2 cores): the 1-core / 2-core runs are left out',
    );
  try {
    const runs: VerifyThreadsRun[] = [];
    let first: Buffer | undefined;
    let identical = true;
    for (let r = 0; r < rounds; r++) {
      for (const at of placements) {
        const run = await runVerify(build, dir, at);
        if (run.code !== 0)
          throw new Error(`verify-threads: vintent verify exited ${run.code} on ${label(at)}`);
        if (first === undefined) first = run.stdout;
        else if (!first.equals(run.stdout)) identical = false;
        runs.push({ ...at, seconds: run.seconds, loadAverage: loadavg()[0]! });
        log(
          `  verify threads: ${bundles} bundles, ${label(at)}: ${run.seconds.toFixed(2)} s wall; load ${loadavg()[0]!.toFixed(2)}`,
        );
      }
    }
    const med = (cores: number | undefined, threads: number | undefined) =>
      median(runs.filter((r) => r.cores === cores && r.threads === threads).map((r) => r.seconds));
    const one = med(undefined, 1);
    const two = med(undefined, 2);
    const out: VerifyThreadsResult = {
      bundles,
      oneThreadSeconds: one,
      twoThreadSeconds: two,
      speedup: one / two,
      identicalOutput: identical,
      runs,
    };
    log(
      `  verify threads: 2 threads / 1, both cores free: ${(one / two).toFixed(2)}x faster; output ${identical ? 'byte-identical' : 'DIFFERENT'}`,
    );
    if (pinned) {
      out.oneCoreSeconds = med(1, undefined);
      out.twoCoreSeconds = med(2, undefined);
      out.coreSpeedup = out.oneCoreSeconds / out.twoCoreSeconds;
      log(
        `  verify threads: 2 cores / 1 core (taskset, default threads): ${out.coreSpeedup.toFixed(2)}x faster`,
      );
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
