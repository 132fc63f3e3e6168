/**
 * `vintent network authorize BUNDLE [--ledger SPEC] (--trust JWKS | --trust-url URL) [--merchant-keys JWKS] [--network-aud AUD] [--now SECONDS] [--json]`
 * `vintent network capture AUTHORIZATION_ID [--amount MINOR] [--ledger SPEC] [--check-status (--trust JWKS | --trust-url URL)] [--now SECONDS] [--json]`
 * `vintent network reverse AUTHORIZATION_ID [--ledger SPEC] [--reason TEXT] [--json]`
 * `vintent network revoke REQUEST [--ledger SPEC] (--trust JWKS | --trust-url URL) [--now SECONDS] [--json]`
 *
 * `capture` and `reverse` are the operator's actions: whoever can run it has the ledger
 * database itself. `revoke` records a user's revocation of an L2; REQUEST is
 * the JSON body of POST /v1/network/revoke (`{revocation, l1, l2}`), checked
 * the same way (src/ledger/revocation.ts).
 *
 * The payment network's decision offline, through the very function the
 * HTTP service uses ({@link authorizePresentation}, {@link captureAuthorization}).
 * Exit 0 approved / captured / reversed, 1 declined / refused, 2 usage.
 */

import { VIError } from '../errors.js';
import { remoteJwksResolver } from '../http/jwks-client.js';
import { statusListResolver } from '../http/status-client.js';
import { isRecord } from '../internal/guards.js';
import { isMissingLedger, openLedger, parseLedgerSpec, redactLedgerSpec } from '../ledger/index.js';
import type { Ledger } from '../ledger/types.js';
import {
  type Ap2AuthorizeAnswer,
  type Ap2PaymentContext,
  authorizeAp2Presentation,
} from '../network/ap2.js';
import {
  type AuthorizeAnswer,
  authorizePresentation,
  type NetworkTrust,
} from '../network/authorize.js';
import { type CaptureAnswer, captureAuthorization } from '../network/capture.js';
import { checkRevocationRequest, recordRevocation } from '../network/revoke.js';
import {
  type CommandSpec,
  type ParsedValues,
  readBundleFileOrFail,
  readInputFile,
  runCommand,
  runGroup,
  type Subcommand,
  stringFlag,
  UsageError,
  unixSeconds,
} from './args.js';
import { DEFAULT_LEDGER } from './serve.js';
import { readJwks, readX5cRootsFile, X5C_ROOTS_FLAG } from './verify.js';

const LEDGER_FLAG = {
  type: 'string',
  value: 'SPEC',
  default: DEFAULT_LEDGER,
  help: 'the ledger: sqlite:PATH or postgres://USER:PASS@HOST/DB',
} as const;

/** Flags and help of `vintent network authorize`. */
export const NETWORK_AUTHORIZE_COMMAND: CommandSpec = {
  name: 'network authorize',
  summary:
    "The payment network's decision on one network-view bundle, offline: verify the chain with your issuer keys, then decide on the ledger.",
  operands: 'BUNDLE',
  operandsHelp:
    'the network-view bundle file: VI (L1, L2 payment view, L3a) or AP2 (payment_chain)',
  flags: {
    ledger: LEDGER_FLAG,
    trust: {
      type: 'string',
      value: 'JWKS',
      help: 'issuer public keys (JWK Set file); this or --trust-url is required',
    },
    'trust-url': {
      type: 'string',
      value: 'URL',
      help: "the issuer's JWKS URL, fetched and cached",
    },
    'merchant-keys': {
      type: 'string',
      value: 'JWKS',
      help: 'merchant public keys for checkout_jwt signatures',
    },
    'network-aud': {
      type: 'string',
      value: 'AUD',
      help: 'the audience L3a (or an AP2 closing hop) must name (your network)',
    },
    'transaction-id': {
      type: 'string',
      value: 'HASH',
      help: "AP2: the checkout hash the acquirer asks to be paid (else the bundle's transaction member)",
    },
    'open-checkout-hash': {
      type: 'string',
      value: 'HASH',
      help: 'AP2: the open checkout mandate digest a payment.reference must name',
    },
    'x5c-roots': X5C_ROOTS_FLAG,
    now: {
      type: 'string',
      value: 'SECONDS',
      help: 'decide as of this Unix time instead of the clock',
    },
    json: { type: 'boolean', help: 'JSON Lines on stdout: the answer, then {"summary":true,...}' },
  },
  example: 'network authorize network-view.json --trust issuer-jwks.json --ledger sqlite:ledger.db',
  notes: ['exit status: 0 approved, 1 declined, 2 usage or an unreadable file'],
};

/** Flags and help of `vintent network reverse`. */
export const NETWORK_REVERSE_COMMAND: CommandSpec = {
  name: 'network reverse',
  summary:
    'Reverse an approved authorization: its amount is released from the budget, and the reversal is recorded.',
  operands: 'AUTHORIZATION_ID',
  operandsHelp: 'the authorization_id an approval returned',
  flags: {
    ledger: LEDGER_FLAG,
    reason: { type: 'string', value: 'TEXT', help: 'why, recorded in the audit trail' },
    json: { type: 'boolean', help: 'one JSON object on stdout' },
  },
  example: 'network reverse auth_0123 --reason "customer cancelled" --ledger sqlite:ledger.db',
  notes: ['exit status: 0 reversed, 1 not reversed, 2 usage'],
};

/** Open the ledger for one command; `mustExist` (reverse, capture): a missing database is a usage error, never created. */
async function withLedger<T>(
  spec: string,
  fn: (ledger: Ledger) => Promise<T>,
  mustExist = false,
): Promise<T> {
  try {
    parseLedgerSpec(spec);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let ledger: Ledger;
  try {
    ledger = await openLedger(spec, { mustExist });
  } catch (e) {
    // Acting on authorizations in a ledger that is not there: most likely a typo in --ledger.
    if (isMissingLedger(e))
      throw new UsageError(
        `${redactLedgerSpec((e as Error).message)}: check --ledger (it is not created for this command)`,
      );
    throw new Error(
      `cannot open ledger ${redactLedgerSpec(spec)}: ${redactLedgerSpec((e as Error).message)}`,
    );
  }
  try {
    return await fn(ledger);
  } finally {
    await ledger.close();
  }
}

/**
 * An AP2 payment needs what only the acquirer's message says: the checkout
 * hash to be paid (--transaction-id, or the bundle's `transaction` member as
 * the HTTP endpoint takes it) and the network's audience.
 */
function ap2Payment(
  bundle: Record<string, unknown>,
  values: ParsedValues,
  aud: string | undefined,
): Ap2PaymentContext {
  if (aud === undefined)
    throw new UsageError(
      'an AP2 bundle needs --network-aud (the audience its closing hop must name)',
    );
  const t = isRecord(bundle.transaction) ? bundle.transaction : {};
  const transactionId = stringFlag(values, 'transaction-id') ?? t.transaction_id;
  if (typeof transactionId !== 'string' || transactionId === '')
    throw new UsageError(
      'an AP2 bundle needs --transaction-id (or a transaction.transaction_id member): the checkout hash to be paid',
    );
  const open = stringFlag(values, 'open-checkout-hash') ?? t.open_checkout_hash;
  return {
    transaction_id: transactionId,
    ...(typeof open === 'string' ? { open_checkout_hash: open } : {}),
  };
}

function printAnswer(a: AuthorizeAnswer | Ap2AuthorizeAnswer, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(a)}\n`);
    return;
  }
  if (a.decision === 'approved') {
    process.stdout.write(
      `approved ${a.authorization_id}${a.replayed ? ' (replayed: decided before)' : ''}\n`,
    );
    return;
  }
  process.stdout.write(`declined${a.replayed ? ' (replayed: decided before)' : ''}\n`);
  for (const e of a.errors)
    process.stdout.write(
      `  ${e.code}${e.layer ? ` [${e.layer}${e.pair !== null ? ` pair ${e.pair}` : ''}]` : ''}: ${e.message}\n`,
    );
}

async function authorize(args: string[]): Promise<number> {
  return runCommand(NETWORK_AUTHORIZE_COMMAND, args, async (values, positionals) => {
    if (positionals.length !== 1) throw new UsageError('give exactly one BUNDLE file');
    const trustFile = stringFlag(values, 'trust');
    const trustUrl = stringFlag(values, 'trust-url');
    if ((trustFile === undefined) === (trustUrl === undefined))
      throw new UsageError('give exactly one of --trust FILE or --trust-url URL');
    const at = unixSeconds(stringFlag(values, 'now'));
    // Missing, unreadable, over the bundle limit or not JSON: exit 2 with the path and the code, never a decline.
    const bundle = readBundleFileOrFail(positionals[0]!);
    const trust: Omit<NetworkTrust, 'ledger'> = {
      issuerKeys: trustFile !== undefined ? readJwks(trustFile) : remoteJwksResolver(trustUrl!),
    };
    const merchantKeys = stringFlag(values, 'merchant-keys');
    if (merchantKeys !== undefined) trust.merchantKeys = readJwks(merchantKeys);
    const aud = stringFlag(values, 'network-aud');
    if (aud !== undefined) trust.expect = { l3a: { aud } };
    const json = values.json === true;
    const payment =
      isRecord(bundle) && bundle.ap2_bundle !== undefined
        ? ap2Payment(bundle, values, aud)
        : undefined;
    const x5cRootsFile = stringFlag(values, 'x5c-roots');
    const x5cRoots = x5cRootsFile !== undefined ? readX5cRootsFile(x5cRootsFile) : undefined;
    try {
      const answer = await withLedger(stringFlag(values, 'ledger') ?? DEFAULT_LEDGER, (ledger) =>
        payment
          ? authorizeAp2Presentation(
              bundle,
              {
                ledger,
                issuerKeys: trust.issuerKeys,
                aud: aud!,
                ...(trust.merchantKeys ? { merchantKeys: trust.merchantKeys } : {}),
                ...(x5cRoots ? { x5cRoots } : {}),
              },
              payment,
              at,
            )
          : authorizePresentation(bundle, { ...trust, ledger }, at),
      );
      printAnswer(answer, json);
      if (json)
        process.stdout.write(
          `${JSON.stringify({ summary: true, decision: answer.decision, replayed: answer.replayed ?? false, errors: answer.errors.length })}\n`,
        );
      return answer.decision === 'approved' ? 0 : 1;
    } catch (e) {
      if (e instanceof UsageError) throw e;
      process.stderr.write(`vintent network authorize: ${(e as Error).message.split('\n')[0]}\n`);
      return 1;
    }
  });
}

/** Flags and help of `vintent network capture`. */
export const NETWORK_CAPTURE_COMMAND: CommandSpec = {
  name: 'network capture',
  summary:
    "Capture (settle) a held authorization, after checking again that its mandate was not revoked and, with --check-status, that its L1's status is still VALID.",
  operands: 'AUTHORIZATION_ID',
  operandsHelp: 'the authorization_id an approval returned',
  flags: {
    ledger: LEDGER_FLAG,
    amount: {
      type: 'string',
      value: 'MINOR',
      help: 'capture less than authorized: integer minor units (default: the authorized amount)',
    },
    'check-status': {
      type: 'boolean',
      help: "ask the L1's Token Status List again (needs --trust or --trust-url for the list's signature)",
    },
    'status-fail-open': {
      type: 'boolean',
      help: 'with --check-status: capture even when the status list cannot be fetched',
    },
    trust: {
      type: 'string',
      value: 'JWKS',
      help: 'issuer public keys (JWK Set file) that sign status lists',
    },
    'trust-url': { type: 'string', value: 'URL', help: "the issuer's JWKS URL" },
    now: {
      type: 'string',
      value: 'SECONDS',
      help: 'capture as of this Unix time instead of the clock',
    },
    json: { type: 'boolean', help: 'one JSON object on stdout' },
  },
  example:
    'network capture auth_0123 --amount 4200 --check-status --trust issuer-jwks.json --ledger sqlite:ledger.db',
  notes: ['exit status: 0 captured (or captured before for the same amount), 1 refused, 2 usage'],
};

function printCapture(a: CaptureAnswer, json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify(a)}\n`);
  else if (a.captured)
    process.stdout.write(
      `captured ${a.authorization_id}: ${a.amount} ${a.currency}${a.replayed ? ' (captured before)' : ''}\n`,
    );
  else process.stdout.write(`not captured: ${a.error.code}: ${a.error.message}\n`);
}

async function capture(args: string[]): Promise<number> {
  return runCommand(NETWORK_CAPTURE_COMMAND, args, async (values, positionals) => {
    if (positionals.length !== 1) throw new UsageError('give exactly one AUTHORIZATION_ID');
    const amountText = stringFlag(values, 'amount');
    if (
      amountText !== undefined &&
      (!/^\d{1,15}$/.test(amountText) || !Number.isSafeInteger(Number(amountText)))
    )
      throw new UsageError('--amount takes integer minor units');
    const checkStatus = values['check-status'] === true;
    const trustFile = stringFlag(values, 'trust');
    const trustUrl = stringFlag(values, 'trust-url');
    if (values['status-fail-open'] === true && !checkStatus)
      throw new UsageError('--status-fail-open needs --check-status');
    if (checkStatus && (trustFile === undefined) === (trustUrl === undefined))
      throw new UsageError('--check-status needs exactly one of --trust FILE or --trust-url URL');
    const input = {
      authorization_id: positionals[0]!,
      ...(amountText === undefined ? {} : { amount: Number(amountText) }),
    };
    const now = unixSeconds(stringFlag(values, 'now'));
    const statusResolver = checkStatus
      ? statusListResolver({
          issuerKeys: trustFile !== undefined ? readJwks(trustFile) : remoteJwksResolver(trustUrl!),
        })
      : undefined;
    try {
      const answer = await withLedger(
        stringFlag(values, 'ledger') ?? DEFAULT_LEDGER,
        (ledger) =>
          captureAuthorization(input, {
            ledger,
            now,
            statusResolver,
            statusUnavailable: values['status-fail-open'] === true ? 'accept' : 'reject',
          }),
        true,
      );
      printCapture(answer, values.json === true);
      return answer.captured ? 0 : 1;
    } catch (e) {
      if (e instanceof UsageError) throw e;
      process.stderr.write(`vintent network capture: ${(e as Error).message.split('\n')[0]}\n`);
      return 1;
    }
  });
}

async function reverse(args: string[]): Promise<number> {
  return runCommand(NETWORK_REVERSE_COMMAND, args, async (values, positionals) => {
    if (positionals.length !== 1) throw new UsageError('give exactly one AUTHORIZATION_ID');
    const id = positionals[0]!;
    const reason = stringFlag(values, 'reason');
    try {
      const r = await withLedger(
        stringFlag(values, 'ledger') ?? DEFAULT_LEDGER,
        (ledger) => ledger.reverse(id, Math.floor(Date.now() / 1000), reason),
        true,
      );
      if (values.json === true)
        process.stdout.write(
          `${JSON.stringify(r.ok ? { reversed: true, authorization_id: id } : { error: { code: r.code, message: r.message } })}\n`,
        );
      else
        process.stdout.write(r.ok ? `reversed ${id}\n` : `not reversed: ${r.code}: ${r.message}\n`);
      return r.ok ? 0 : 1;
    } catch (e) {
      if (e instanceof UsageError) throw e;
      process.stderr.write(`vintent network reverse: ${(e as Error).message.split('\n')[0]}\n`);
      return 1;
    }
  });
}

/** Flags and help of `vintent network revoke`. */
export const NETWORK_REVOKE_COMMAND: CommandSpec = {
  name: 'network revoke',
  summary:
    "Record a user's revocation of an Autonomous L2: every later authorization under it is declined LEDGER_MANDATE_REVOKED; earlier ones stay.",
  operands: 'REQUEST',
  operandsHelp:
    'a JSON file {"revocation": JWS, "l1": L1, "l2": L2} (issueRevocation builds the JWS)',
  flags: {
    ledger: LEDGER_FLAG,
    trust: {
      type: 'string',
      value: 'JWKS',
      help: 'issuer public keys (JWK Set file); this or --trust-url is required',
    },
    'trust-url': {
      type: 'string',
      value: 'URL',
      help: "the issuer's JWKS URL, fetched and cached",
    },
    now: {
      type: 'string',
      value: 'SECONDS',
      help: 'judge as of this Unix time instead of the clock',
    },
    json: { type: 'boolean', help: 'one JSON object on stdout' },
  },
  example: 'network revoke revocation.json --trust issuer-jwks.json --ledger sqlite:ledger.db',
  notes: ['exit status: 0 revoked (or already revoked), 1 refused, 2 usage or an unreadable file'],
};

async function revoke(args: string[]): Promise<number> {
  return runCommand(NETWORK_REVOKE_COMMAND, args, async (values, positionals) => {
    if (positionals.length !== 1)
      throw new UsageError('give exactly one REQUEST file ({"revocation","l1","l2"})');
    const trust = stringFlag(values, 'trust');
    const trustUrl = stringFlag(values, 'trust-url');
    if ((trust === undefined) === (trustUrl === undefined))
      throw new UsageError('give exactly one of --trust FILE or --trust-url URL');
    const now = stringFlag(values, 'now');
    const at = now === undefined ? Math.floor(Date.now() / 1000) : unixSeconds(now);
    const issuerKeys = trust !== undefined ? readJwks(trust) : remoteJwksResolver(trustUrl!);
    const text = readInputFile(positionals[0]!);
    let body: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
    } catch {
      // refused below as BUNDLE_MALFORMED, like the service
    }
    const json = values.json === true;
    // The same check as the service (one function, one skew), before any ledger is opened.
    const record = await checkRevocationRequest(
      { revocation: body.revocation, l1: body.l1, l2: body.l2 },
      { issuerKeys, now: at },
    );
    if (record instanceof VIError) {
      process.stdout.write(
        json
          ? `${JSON.stringify({ error: { code: record.code, message: record.message } })}\n`
          : `not revoked: ${record.code}: ${record.message}\n`,
      );
      return 1;
    }
    try {
      const answer = await withLedger(stringFlag(values, 'ledger') ?? DEFAULT_LEDGER, (ledger) =>
        recordRevocation(ledger, record),
      );
      process.stdout.write(
        json
          ? `${JSON.stringify(answer)}\n`
          : `${answer.newly_revoked ? 'revoked' : 'already revoked'} ${answer.l2_id}; ${answer.authorizations_kept} earlier authorization(s) stay\n`,
      );
      return 0;
    } catch (e) {
      if (e instanceof UsageError) throw e;
      process.stderr.write(`vintent network revoke: ${(e as Error).message.split('\n')[0]}\n`);
      return 1;
    }
  });
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  authorize: { spec: NETWORK_AUTHORIZE_COMMAND, run: authorize },
  capture: { spec: NETWORK_CAPTURE_COMMAND, run: capture },
  reverse: { spec: NETWORK_REVERSE_COMMAND, run: reverse },
  revoke: { spec: NETWORK_REVOKE_COMMAND, run: revoke },
};

export async function run(args: string[]): Promise<number> {
  return runGroup('network', SUBCOMMANDS, args);
}
