/**
 * `vintent ledger show [--ledger SPEC] [--l2 L2_ID] [--limit N] [--json]`
 *
 * The network ledger's audit trail, oldest first: every decision and
 * reversal and revocation, including declines and replays. `--json` prints
 * one event per line. It never creates a ledger: a missing database is an error.
 */
import { parseArgs } from 'node:util';
import { openLedger, parseLedgerSpec, redactLedgerSpec } from '../ledger/index.js';
import type { AuditEvent } from '../ledger/types.js';
import { DEFAULT_LEDGER } from './serve.js';

const USAGE = 'usage: vintent ledger show [--ledger SPEC] [--l2 L2_ID] [--limit N] [--json]\n';

function line(e: AuditEvent): string {
  const when = Number.isFinite(e.at) ? new Date(e.at * 1000).toISOString() : String(e.at);
  const money = e.amount !== null ? ` ${e.amount} ${e.currency ?? ''}`.trimEnd() : '';
  const id = e.authorizationId ? ` ${e.authorizationId}` : '';
  const code = e.code ? ` ${e.code}` : '';
  const l2 = e.l2Id ? ` l2=${e.l2Id.slice(0, 10)}…` : '';
  return `#${e.seq} ${when} ${e.kind} ${e.decision}${code}${money}${id}${l2}${e.detail ? ` — ${e.detail}` : ''}`;
}

export async function run(args: string[]): Promise<number> {
  let values: { ledger: string; l2?: string; limit?: string; json: boolean };
  try {
    const [sub, ...rest] = args;
    if (sub !== 'show') throw new Error(sub === undefined ? 'missing subcommand' : `unknown subcommand '${sub}'`);
    ({ values } = parseArgs({
      args: rest,
      strict: true,
      options: { ledger: { type: 'string', default: DEFAULT_LEDGER }, l2: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean', default: false } },
    }));
    if (values.limit !== undefined && !(Number.isSafeInteger(Number(values.limit)) && Number(values.limit) > 0)) throw new Error('--limit takes a positive integer');
    parseLedgerSpec(values.ledger);
  } catch (e) {
    process.stderr.write(`vintent ledger: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    // Reading never creates: a missing file or an empty schema is an error, not a new ledger.
    const ledger = await openLedger(values.ledger, { mustExist: true });
    try {
      const opts: { l2Id?: string; limit?: number } = {};
      if (values.l2 !== undefined) opts.l2Id = values.l2;
      if (values.limit !== undefined) opts.limit = Number(values.limit);
      const events = await ledger.audit(opts);
      for (const e of events) process.stdout.write(values.json ? `${JSON.stringify(e)}\n` : `${line(e)}\n`);
      if (!values.json) process.stderr.write(`${events.length} events\n`);
    } finally {
      await ledger.close();
    }
  } catch (e) {
    process.stderr.write(`vintent ledger: ${redactLedgerSpec((e as Error).message)}\n`);
    return 1;
  }
  return 0;
}
