/**
 * Open a network ledger from one spec string, so configuration can name either
 * backend: `postgres://…` / `postgresql://…`, `sqlite:PATH`, or a bare file path.
 */
import { openPostgresLedger, type PostgresLedgerOptions } from './postgres.js';
import { openSqliteLedger } from './sqlite.js';
import type { Ledger } from './types.js';

export type {
  AgentRecurrenceTerms,
  AuditEvent,
  AuthorizationRequest,
  BudgetTerms,
  Decision,
  Ledger,
  MerchantMemoryResult,
  MerchantPresentation,
  RecurrenceTerms,
  ReversalResult,
  RevocationRecord,
  RevocationResult,
} from './types.js';
// LedgerHooks (hooks.ts) is a test seam for the crash-safety tests and deliberately not exported.
export { authorizationRequestFrom } from './request.js';
export { openSqliteLedger } from './sqlite.js';
export { openPostgresLedger, type PostgresLedgerOptions } from './postgres.js';

/** `options.schema` etc. apply to Postgres only; hooks to both. */
export async function openLedger(spec: string, options: PostgresLedgerOptions = {}): Promise<Ledger> {
  if (/^postgres(ql)?:\/\//i.test(spec)) return openPostgresLedger(spec, options);
  const path = spec.startsWith('sqlite:') ? spec.slice('sqlite:'.length) : spec;
  return openSqliteLedger(path, { hooks: options.hooks, groupCommit: options.groupCommit });
}
