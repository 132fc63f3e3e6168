/**
 * `vintent ledger show [--ledger SPEC] [--l2 L2_ID] [--limit N] [--json]`
 *
 * The network ledger's audit trail, oldest first: every decision and
 * reversal and revocation, including declines and replays. `--json` prints
 * JSON Lines: one event per line (minor units, Unix seconds), then
 * `{"summary":true,...}`. It never creates a ledger: a missing database is an error.
 */
import { isMissingLedger, openLedger, parseLedgerSpec, redactLedgerSpec } from '../ledger/index.js';
import type { AuditEvent } from '../ledger/types.js';
import {
  type CommandSpec,
  runCommand,
  runGroup,
  type Subcommand,
  stringFlag,
  UsageError,
} from './args.js';
import { formatMoney, formatTime } from './format.js';
import { DEFAULT_LEDGER } from './serve.js';

/** Flags and help of `vintent ledger show`. */
export const LEDGER_SHOW_COMMAND: CommandSpec = {
  name: 'ledger show',
  summary:
    'The network ledger audit trail, oldest first: every decision, reversal and revocation, including declines and replays. Never creates a ledger.',
  flags: {
    ledger: {
      type: 'string',
      value: 'SPEC',
      default: DEFAULT_LEDGER,
      help: 'the ledger: sqlite:PATH or postgres://USER:PASS@HOST/DB',
    },
    l2: {
      type: 'string',
      value: 'L2_ID',
      help: 'only the events of this L2 (its id as the ledger shows it)',
    },
    limit: { type: 'string', value: 'N', help: 'at most N events' },
    json: {
      type: 'boolean',
      help: 'JSON Lines on stdout: one event per line, then {"summary":true,...}',
    },
  },
  example: 'ledger show --ledger sqlite:.vintent/ledger.db --limit 20',
  notes: ['exit status: 0 shown, 1 the ledger could not be opened or read, 2 usage'],
};

function line(e: AuditEvent): string {
  const when = formatTime(e.at);
  const money = e.amount !== null ? ` ${formatMoney(e.amount, e.currency)}` : '';
  const id = e.authorizationId ? ` ${e.authorizationId}` : '';
  const code = e.code ? ` ${e.code}` : '';
  const l2 = e.l2Id ? ` l2=${e.l2Id.slice(0, 10)}…` : '';
  return `#${e.seq} ${when} ${e.kind} ${e.decision}${code}${money}${id}${l2}${e.detail ? ` — ${e.detail}` : ''}`;
}

async function show(args: string[]): Promise<number> {
  return runCommand(LEDGER_SHOW_COMMAND, args, async (values) => {
    const spec = stringFlag(values, 'ledger') ?? DEFAULT_LEDGER;
    const l2 = stringFlag(values, 'l2');
    const limit = stringFlag(values, 'limit');
    if (
      limit !== undefined &&
      !(/^\d+$/.test(limit) && Number.isSafeInteger(Number(limit)) && Number(limit) > 0)
    )
      throw new UsageError('--limit takes a positive integer');
    const json = values.json === true;
    try {
      parseLedgerSpec(spec);
    } catch (e) {
      throw new UsageError(redactLedgerSpec((e as Error).message));
    }
    try {
      // Reading never creates: a missing file or an empty schema is shown as an empty trail, and stays missing.
      let ledger: Awaited<ReturnType<typeof openLedger>>;
      try {
        ledger = await openLedger(spec, { mustExist: true });
      } catch (e) {
        if (!isMissingLedger(e)) throw e;
        if (json) process.stdout.write(`${JSON.stringify({ summary: true, events: 0 })}\n`);
        else process.stderr.write(`0 events (${(e as Error).message}; nothing created)\n`);
        return 0;
      }
      try {
        const opts: { l2Id?: string; limit?: number } = {};
        if (l2 !== undefined) opts.l2Id = l2;
        if (limit !== undefined) opts.limit = Number(limit);
        const events = await ledger.audit(opts);
        for (const e of events)
          process.stdout.write(json ? `${JSON.stringify(e)}\n` : `${line(e)}\n`);
        if (json)
          process.stdout.write(`${JSON.stringify({ summary: true, events: events.length })}\n`);
        else process.stderr.write(`${events.length} events\n`);
      } finally {
        await ledger.close();
      }
    } catch (e) {
      process.stderr.write(
        `vintent ledger show: ${redactLedgerSpec((e as Error).message.split('\n')[0] ?? '')}\n`,
      );
      return 1;
    }
    return 0;
  });
}

const SUBCOMMANDS: Record<string, Subcommand> = { show: { spec: LEDGER_SHOW_COMMAND, run: show } };

export async function run(args: string[]): Promise<number> {
  return runGroup('ledger', SUBCOMMANDS, args);
}
