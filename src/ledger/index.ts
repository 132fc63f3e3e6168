/**
 * Open a network ledger from one spec string, so configuration can name either
 * backend: `postgres://…` / `postgresql://…`, `sqlite:PATH`, or a bare file path.
 * Anything else that looks like a URL (`mysql://…`, `sqlit:x`) is refused, not
 * taken for a file name.
 */
import { existsSync } from 'node:fs';
import { VIError } from '../errors.js';
import { openPostgresLedger, type PostgresLedgerOptions } from './postgres.js';
import { openSqliteLedger } from './sqlite.js';
import type { Ledger } from './types.js';

export { openPostgresLedger, type PostgresLedgerOptions } from './postgres.js';
// LedgerHooks (hooks.ts) is a test seam for the crash-safety tests and deliberately not exported.
export { authorizationRequestFrom } from './request.js';
export {
  checkRevocation,
  type RevocationCheckOptions,
  type RevocationInput,
} from './revocation.js';
export { openSqliteLedger } from './sqlite.js';
export type {
  AgentRecurrenceTerms,
  AgentReuseTerms,
  AuditEvent,
  AuthorizationRecord,
  AuthorizationRequest,
  AuthorizationState,
  BudgetTerms,
  CaptureRequest,
  CaptureResult,
  Decision,
  Ledger,
  MandateUsage,
  MerchantMemoryResult,
  MerchantPresentation,
  RecurrenceTerms,
  ReversalResult,
  RevocationRecord,
  RevocationResult,
} from './types.js';

/** A parsed ledger spec: a SQLite file or a PostgreSQL URL. */
export type LedgerSpec = { backend: 'sqlite'; path: string } | { backend: 'postgres'; url: string };

/** Parse a ledger spec; throws VIError LEDGER_UNAVAILABLE (a usage problem) for anything but the three accepted forms. */
export function parseLedgerSpec(spec: string): LedgerSpec {
  if (/^postgres(ql)?:\/\//i.test(spec)) return { backend: 'postgres', url: spec };
  if (spec.startsWith('sqlite:')) {
    const path = spec.slice('sqlite:'.length);
    if (path === '') throw badSpec('sqlite: needs a path');
    return { backend: 'sqlite', path };
  }
  // A scheme of two or more letters (one letter could be a Windows drive): not a file path.
  if (spec === '' || /^[A-Za-z][A-Za-z0-9+.-]+:/.test(spec))
    throw badSpec(
      `unsupported ledger ${redactLedgerSpec(spec)}: use sqlite:PATH, a file path, or postgres://...`,
    );
  return { backend: 'sqlite', path: spec };
}

function badSpec(message: string): VIError {
  return new VIError({ code: 'LEDGER_UNAVAILABLE', layer: 'ledger', message });
}

/** A spec or message with every URL password (`user:PASSWORD@`, `?password=`) replaced by `***`, for logs and messages. */
export function redactLedgerSpec(text: string): string {
  return text
    .replace(/([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#@:\s]*:)[^@/?#\s]*@/g, '$1***@')
    .replace(/([?&]password=)[^&#\s]*/gi, '$1***');
}

/** `claim` of the error {@link openLedger} throws with `mustExist` when there is no ledger yet. */
export const MISSING_LEDGER = 'ledger.missing';

/** The error says there is no ledger yet (as opposed to one that failed to open). */
export function isMissingLedger(error: unknown): boolean {
  return error instanceof VIError && error.claim === MISSING_LEDGER;
}

/** Options of {@link openLedger}: the PostgreSQL ones, and whether the database must already exist. */
export interface OpenLedgerOptions extends PostgresLedgerOptions {
  /** Refuse to create a new database: a missing SQLite file or an empty PostgreSQL schema is an error. */
  mustExist?: boolean;
}

/** `options.schema` etc. apply to Postgres only; hooks to both.
 *
 * @example
 * const ledger = await openLedger('postgres://vintent:secret@db/vintent');   // or 'sqlite:.vintent/ledger.db'
 * const decision = await ledger.authorize(request);
 */
export async function openLedger(spec: string, options: OpenLedgerOptions = {}): Promise<Ledger> {
  const parsed = parseLedgerSpec(spec);
  if (parsed.backend === 'postgres') return openPostgresLedger(parsed.url, options);
  if (options.mustExist && parsed.path !== ':memory:' && !existsSync(parsed.path)) {
    throw new VIError({
      code: 'LEDGER_UNAVAILABLE',
      layer: 'ledger',
      claim: MISSING_LEDGER,
      message: `no ledger database at ${parsed.path}`,
    });
  }
  return openSqliteLedger(parsed.path, {
    hooks: options.hooks,
    groupCommit: options.groupCommit,
    onCommit: options.onCommit,
  });
}
