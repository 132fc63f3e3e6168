/** Runs ledger workers as separate OS processes and collects their decisions. */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type {
  AuthorizationRequest,
  CaptureRequest,
  CaptureResult,
  Decision,
  MerchantMemoryResult,
  MerchantPresentation,
} from '../../src/ledger/types.js';
import type { ParentMessage, WorkerMessage, WorkerTarget } from './worker.js';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  result: Promise<WorkerOutcome>;
}

export interface WorkerOutcome {
  decisions: Decision[] | null;
  memory: MerchantMemoryResult[] | null;
  captured: CaptureResult[] | null;
  error: string | null;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

function startWorker(target: WorkerTarget, env: Record<string, string>): Worker {
  const child = fork(WORKER, [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env, VINTENT_LEDGER_WORKER_TARGET: JSON.stringify(target) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let decisions: Decision[] | null = null;
  let memory: MerchantMemoryResult[] | null = null;
  let captured: CaptureResult[] | null = null;
  let error: string | null = null;
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') resolve();
      if (message.type === 'done') ({ decisions, memory, captured } = message);
      if (message.type === 'failed') {
        error = message.error;
        reject(new Error(`worker failed: ${message.error}`));
      }
    });
    child.once('exit', () =>
      reject(new Error(`worker exited before it was ready: ${error ?? ''}`)),
    );
  });
  ready.catch(() => undefined);
  const result = new Promise<WorkerOutcome>((resolve) => {
    child.once('exit', (exitCode, signal) =>
      resolve({ decisions, memory, captured, error, exitCode, signal }),
    );
  });
  return { child, ready, result };
}

/**
 * Start one process per request batch, wait until every one has its ledger
 * open, then release them together so their authorizations overlap.
 */
export async function raceInProcesses(
  target: WorkerTarget,
  batches: AuthorizationRequest[][],
  env: Record<string, string> = {},
  presentations: MerchantPresentation[][] = [],
  captures: CaptureRequest[][] = [],
): Promise<WorkerOutcome[]> {
  const workers = batches.map(() => startWorker(target, env));
  try {
    await Promise.all(workers.map((w) => w.ready));
  } catch (error) {
    for (const w of workers) w.child.kill('SIGKILL');
    throw error;
  }
  for (const [i, w] of workers.entries())
    w.child.send({
      type: 'go',
      requests: batches[i]!,
      presentations: presentations[i] ?? [],
      captures: captures[i] ?? [],
    } satisfies ParentMessage);
  return Promise.all(workers.map((w) => w.result));
}
