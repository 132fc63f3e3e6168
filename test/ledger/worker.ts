/**
 * Child process for the multi-process tests (run with `node --import tsx`).
 * Opens the ledger, reports ready, waits for "go" so all workers race at once,
 * then authorizes its requests and reports the decisions.
 *
 * VINTENT_LEDGER_CRASH_POINT=after-insert makes the ledger SIGKILL this process
 * inside the open authorization transaction, after the decision row is written.
 */

import type { LedgerHooks } from '../../src/ledger/hooks.js';
import { openPostgresLedger } from '../../src/ledger/postgres.js';
import { openSqliteLedger } from '../../src/ledger/sqlite.js';
import type {
  AuthorizationRequest,
  CaptureRequest,
  CaptureResult,
  Decision,
  Ledger,
  MerchantMemoryResult,
  MerchantPresentation,
} from '../../src/ledger/types.js';

export interface WorkerTarget {
  /** `sqlite:PATH` or a postgres URL. */
  spec: string;
  /** Postgres schema holding this test run's tables. */
  schema?: string;
}

/** Authorize `requests`, then remember `presentations` (merchant memory races), then run `captures`. */
export type ParentMessage = {
  type: 'go';
  requests: AuthorizationRequest[];
  presentations?: MerchantPresentation[];
  captures?: CaptureRequest[];
};
export type WorkerMessage =
  | { type: 'ready' }
  | {
      type: 'done';
      decisions: Decision[];
      memory: MerchantMemoryResult[];
      captured: CaptureResult[];
    }
  | { type: 'failed'; error: string };

function hooks(): LedgerHooks {
  if (process.env.VINTENT_LEDGER_CRASH_POINT !== 'after-insert') return {};
  return { afterInsert: () => process.kill(process.pid, 'SIGKILL') };
}

async function openTarget(target: WorkerTarget): Promise<Ledger> {
  if (target.spec.startsWith('sqlite:'))
    return openSqliteLedger(target.spec.slice('sqlite:'.length), { hooks: hooks() });
  return openPostgresLedger(target.spec, {
    schema: target.schema,
    hooks: hooks(),
    maxConnections: 1,
  });
}

function send(message: WorkerMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const target = JSON.parse(process.env.VINTENT_LEDGER_WORKER_TARGET ?? '') as WorkerTarget;
  const ledger = await openTarget(target);
  process.once('message', (message: ParentMessage) => {
    void (async () => {
      try {
        const decisions: Decision[] = [];
        for (const req of message.requests) decisions.push(await ledger.authorize(req));
        const memory: MerchantMemoryResult[] = [];
        for (const p of message.presentations ?? [])
          memory.push(await ledger.rememberMerchantPresentation(p));
        const captured: CaptureResult[] = [];
        for (const c of message.captures ?? []) captured.push(await ledger.capture(c));
        send({ type: 'done', decisions, memory, captured });
      } catch (error) {
        send({ type: 'failed', error: String(error) });
      } finally {
        await ledger.close();
        process.disconnect();
      }
    })();
  });
  send({ type: 'ready' });
}

main().catch((error: unknown) => {
  send({ type: 'failed', error: String(error) });
  process.disconnect();
});
