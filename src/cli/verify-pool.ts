/**
 * `vintent verify` over many files on every core: above a few hundred
 * bundles, files are verified by worker threads in chunks, and the reports
 * come back in file order whatever order the chunks finish in, so the
 * output is the same as a single-threaded run, line for line.
 */
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { VerifyOptions } from '../verify/types.js';
import { type BundleReport, verifyFile } from './verify.js';

/** Fewer bundles than this are verified in this thread: starting threads costs more than they save. */
export const PARALLEL_THRESHOLD = 300;
/** Files per message to a thread: small enough to balance, large enough that messages cost little. */
const CHUNK = 32;

const WORKER_EXT = extname(fileURLToPath(import.meta.url));
const WORKER_ENTRY = new URL(`./verify-pool-worker${WORKER_EXT}`, import.meta.url);

export interface PoolOptions {
  /** Threads to verify on, this one included; default: one per core when there are more than {@link PARALLEL_THRESHOLD} files. */
  threads?: number;
}

/** What a thread answers for one chunk. */
export interface ChunkReply {
  chunk: number;
  reports?: BundleReport[];
  error?: string;
}

/** A verify thread. Run from source (tsx, as in the tests), the thread registers tsx itself to read the .ts entry. */
function startThread(options: VerifyOptions): Worker {
  if (WORKER_EXT !== '.ts') return new Worker(WORKER_ENTRY, { workerData: { options } });
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_ENTRY.href)}); })`;
  return new Worker(boot, { eval: true, workerData: { options } });
}

/** Threads for this many files: 1 (this thread) unless there are many files and several cores. */
export function threadsFor(files: number, requested?: number): number {
  if (requested !== undefined) return Math.max(1, Math.min(requested, Math.ceil(files / CHUNK)));
  return files > PARALLEL_THRESHOLD ? Math.min(availableParallelism(), 16) : 1;
}

/**
 * The reports for `files`, in order. Options must be plain data to cross to
 * a thread (JWK Sets, not resolver functions); otherwise this thread does it all.
 */
export async function* verifyReports(
  files: readonly string[],
  options: VerifyOptions,
  pool: PoolOptions = {},
): AsyncGenerator<BundleReport> {
  const threads = threadsFor(files.length, pool.threads);
  const cloneable =
    typeof options.issuerKeys !== 'function' &&
    typeof options.merchantKeys !== 'function' &&
    !options.keyCache &&
    !options.signatureCache &&
    !options.parseCache;
  if (threads <= 1 || !cloneable) {
    for (const file of files) yield await verifyFile(file, options);
    return;
  }
  const chunks: string[][] = [];
  for (let i = 0; i < files.length; i += CHUNK) chunks.push(files.slice(i, i + CHUNK));
  const results = chunks.map(() => {
    let settle!: { resolve: (r: BundleReport[]) => void; reject: (e: Error) => void };
    const promise = new Promise<BundleReport[]>(
      (resolve, reject) => (settle = { resolve, reject }),
    );
    promise.catch(() => undefined);
    return { promise, ...settle };
  });
  // This thread verifies too, so `threads` counts it: it starts at once while the
  // others are still loading their modules (≈ 0.3 s each), and one core is not
  // left to a thread that only waits for answers.
  const workers = Array.from({ length: threads - 1 }, () => startThread(options));
  let next = 0;
  const feed = (w: Worker) => {
    if (next < chunks.length) {
      const chunk = next++;
      w.postMessage({ chunk, files: chunks[chunk] });
    }
  };
  // This thread takes the first chunk, so the first lines print without waiting for a thread to start.
  let stopped = false;
  const here = (async () => {
    while (!stopped && next < chunks.length) {
      const chunk = next++;
      const r = results[chunk]!;
      try {
        const reports: BundleReport[] = [];
        for (const file of chunks[chunk]!) reports.push(await verifyFile(file, options));
        r.resolve(reports);
      } catch (e) {
        r.reject(e instanceof Error ? e : new Error(String(e)));
      }
      // Let the other threads' answers in (and feed them) between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  for (const w of workers) {
    w.on('message', (reply: ChunkReply) => {
      const r = results[reply.chunk]!;
      if (reply.reports) r.resolve(reply.reports);
      else r.reject(new Error(reply.error ?? 'verify thread failed'));
      feed(w);
    });
    w.on('error', (e) => {
      for (const r of results) r.reject(e);
    });
    // Two chunks each: a thread always has the next one queued, even while this
    // thread is busy verifying and cannot answer its message at once.
    feed(w);
    feed(w);
  }
  try {
    for (const r of results) yield* await r.promise;
  } finally {
    stopped = true;
    await here;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
