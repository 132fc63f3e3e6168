/**
 * `vintent serve` as a child process, run from source, for the tests and the
 * HTTP bench: one way to start it, learn its URL, read its log and stop it.
 *
 * The server's stderr (its JSON log) goes to a file, not a pipe, so a busy
 * server never waits on this process to read its log and a bench client pays
 * nothing for it; {@link ServeChild.stderr} reads the file.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The checkout this helper belongs to (`vintent serve` runs from its src/). */
export const CHECKOUT_DIR = fileURLToPath(new URL('../../', import.meta.url));

const ENTRY_SCRIPT = `import('./src/cli/main.ts').then((m) => m.main(process.argv.slice(1))).then((c) => process.exit(c))`;

export interface ServeChild {
  child: ChildProcess;
  /** The URL the server printed; rejects (with its log) when it exits first. */
  url: Promise<string>;
  /** The exit code (null after a signal). */
  exited: Promise<number | null>;
  /** Everything the server logged so far. */
  stderr: () => string;
  /** SIGTERM (or `signal`), then the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

export interface ServeSpawnOptions {
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Node flags for the server (its workers inherit them). */
  nodeArgs?: readonly string[];
  /** Run under this open-files limit (soft and hard), through util-linux `prlimit`. */
  maxOpenFiles?: number;
}

/** Spawn `vintent serve --port 0 ...args`; nothing awaited yet (a test may expect it to refuse to start). */
export function spawnServe(args: readonly string[], options: ServeSpawnOptions = {}): ServeChild {
  const logDir = mkdtempSync(join(tmpdir(), 'vintent-serve-log-'));
  const logFile = join(logDir, 'stderr.log');
  const fd = openSync(logFile, 'w');
  const argv = [
    ...(options.nodeArgs ?? []),
    '--import',
    'tsx',
    '-e',
    ENTRY_SCRIPT,
    'serve',
    '--port',
    '0',
    ...args,
  ];
  const [command, commandArgs] =
    options.maxOpenFiles === undefined
      ? [process.execPath, argv]
      : [
          'prlimit',
          [`--nofile=${options.maxOpenFiles}:${options.maxOpenFiles}`, process.execPath, ...argv],
        ];
  const child = spawn(command, commandArgs, {
    cwd: CHECKOUT_DIR,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', fd],
  });
  closeSync(fd); // the child holds its own copy
  let finalLog: string | undefined;
  const stderr = () => finalLog ?? readFileSync(logFile, 'utf8');
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      finalLog = readFileSync(logFile, 'utf8');
      rmSync(logDir, { recursive: true, force: true });
      resolve(code);
    }),
  );
  const url = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    exited.then(() => reject(new Error(`serve exited before printing its URL: ${stderr()}`)));
  });
  url.catch(() => undefined);
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return { child, url, exited, stderr, stop };
}

/** A started server: its URL is known and, with `workers`, every worker listens. */
export interface StartedServe extends Omit<ServeChild, 'url'> {
  url: string;
}

/**
 * Spawn `vintent serve` and wait for its URL; with `workers` > 1 also wait
 * (up to `readyMs`) until the primary reports every worker listening, so
 * requests really spread over all of them.
 */
export async function startServe(
  args: readonly string[],
  options: ServeSpawnOptions & { workers?: number; readyMs?: number } = {},
): Promise<StartedServe> {
  const s = spawnServe(
    options.workers !== undefined ? ['--workers', String(options.workers), ...args] : args,
    options,
  );
  let url: string;
  try {
    url = await s.url;
    const workers = options.workers ?? 1;
    const deadline = Date.now() + (options.readyMs ?? 20_000);
    while (
      workers > 1 &&
      !s.stderr().includes(`"event":"workers_listening","workers":${workers}`)
    ) {
      if (Date.now() > deadline)
        throw new Error(`serve: not all ${workers} workers listening: ${s.stderr()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  } catch (e) {
    await s.stop('SIGKILL');
    throw e;
  }
  return { ...s, url };
}
