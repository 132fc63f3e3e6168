/**
 * `vintent network authorize BUNDLE [--ledger SPEC] (--trust JWKS | --trust-url URL) [--merchant-keys JWKS] [--network-aud AUD] [--now SECONDS] [--json]`
 * `vintent network reverse AUTHORIZATION_ID [--ledger SPEC] [--reason TEXT] [--json]`
 * `vintent network revoke REQUEST [--ledger SPEC] (--trust JWKS | --trust-url URL) [--now SECONDS] [--json]`
 *
 * `reverse` is the operator's action: whoever can run it has the ledger
 * database itself. `revoke` records a user's revocation of an L2; REQUEST is
 * the JSON body of POST /v1/network/revoke (`{revocation, l1, l2}`), checked
 * the same way (src/ledger/revocation.ts).
 *
 * The payment network's decision offline, through the very function the
 * HTTP service uses ({@link authorizePresentation}). Exit 0 approved /
 * reversed, 1 declined / not reversed, 2 usage.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { authorizePresentation, type AuthorizeAnswer, type NetworkTrust } from '../http/authorize.js';
import { remoteJwksResolver } from '../http/jwks-client.js';
import { readPublicKeySet } from '../http/key-files.js';
import { checkRevocation, openLedger, parseLedgerSpec, redactLedgerSpec } from '../ledger/index.js';
import type { Ledger } from '../ledger/types.js';
import { DEFAULT_LEDGER } from './serve.js';

const USAGE =
  'usage: vintent network authorize BUNDLE [--ledger SPEC] (--trust JWKS | --trust-url URL) [--merchant-keys JWKS] [--network-aud AUD] [--now SECONDS] [--json]\n' +
  '       vintent network reverse AUTHORIZATION_ID [--ledger SPEC] [--reason TEXT] [--json]\n' +
  '       vintent network revoke REQUEST [--ledger SPEC] (--trust JWKS | --trust-url URL) [--now SECONDS] [--json]\n';

class UsageError extends Error {}

function usageError(message: string): number {
  process.stderr.write(`vintent network: ${message}\n${USAGE}`);
  return 2;
}

async function withLedger<T>(spec: string, fn: (ledger: Ledger) => Promise<T>): Promise<T> {
  try {
    parseLedgerSpec(spec);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let ledger: Ledger;
  try {
    ledger = await openLedger(spec);
  } catch (e) {
    throw new Error(`cannot open ledger ${redactLedgerSpec(spec)}: ${redactLedgerSpec((e as Error).message)}`);
  }
  try {
    return await fn(ledger);
  } finally {
    await ledger.close();
  }
}

function printAnswer(a: AuthorizeAnswer, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(a)}\n`);
    return;
  }
  if (a.decision === 'approved') {
    process.stdout.write(`approved ${a.authorization_id}${a.replayed ? ' (replayed: decided before)' : ''}\n`);
    return;
  }
  process.stdout.write(`declined${a.replayed ? ' (replayed: decided before)' : ''}\n`);
  for (const e of a.errors) process.stdout.write(`  ${e.code}${e.layer ? ` [${e.layer}${e.pair !== null ? ` pair ${e.pair}` : ''}]` : ''}: ${e.message}\n`);
}

async function authorize(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      ledger: { type: 'string', default: DEFAULT_LEDGER },
      trust: { type: 'string' },
      'trust-url': { type: 'string' },
      'merchant-keys': { type: 'string' },
      'network-aud': { type: 'string' },
      now: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one BUNDLE file');
  if ((values.trust === undefined) === (values['trust-url'] === undefined)) throw new UsageError('give exactly one of --trust FILE or --trust-url URL');
  const at = values.now === undefined ? Math.floor(Date.now() / 1000) : Number(values.now);
  if (!Number.isSafeInteger(at) || at < 0) throw new UsageError('--now takes Unix seconds');
  const trust: Omit<NetworkTrust, 'ledger'> = {
    issuerKeys: values.trust !== undefined ? readPublicKeySet(values.trust) : remoteJwksResolver(values['trust-url']!),
  };
  if (values['merchant-keys'] !== undefined) trust.merchantKeys = readPublicKeySet(values['merchant-keys']);
  if (values['network-aud'] !== undefined) trust.expect = { l3a: { aud: values['network-aud'] } };

  let bundle: unknown;
  try {
    bundle = JSON.parse(readFileSync(positionals[0]!, 'utf8'));
  } catch {
    bundle = undefined; // declined as a malformed bundle, like the service would
  }
  const answer = await withLedger(values.ledger, (ledger) => authorizePresentation(bundle, { ...trust, ledger }, at));
  printAnswer(answer, values.json);
  return answer.decision === 'approved' ? 0 : 1;
}

async function reverse(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { ledger: { type: 'string', default: DEFAULT_LEDGER }, reason: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one AUTHORIZATION_ID');
  const id = positionals[0]!;
  const r = await withLedger(values.ledger, (ledger) => ledger.reverse(id, Math.floor(Date.now() / 1000), values.reason));
  if (values.json) process.stdout.write(`${JSON.stringify(r.ok ? { reversed: true, authorization_id: id } : { error: { code: r.code, message: r.message } })}\n`);
  else process.stdout.write(r.ok ? `reversed ${id}\n` : `not reversed: ${r.code}: ${r.message}\n`);
  return r.ok ? 0 : 1;
}

async function revoke(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      ledger: { type: 'string', default: DEFAULT_LEDGER },
      trust: { type: 'string' },
      'trust-url': { type: 'string' },
      now: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one REQUEST file ({"revocation","l1","l2"})');
  if ((values.trust === undefined) === (values['trust-url'] === undefined)) throw new UsageError('give exactly one of --trust FILE or --trust-url URL');
  const at = values.now === undefined ? Math.floor(Date.now() / 1000) : Number(values.now);
  if (!Number.isSafeInteger(at) || at < 0) throw new UsageError('--now takes Unix seconds');
  const issuerKeys = values.trust !== undefined ? readPublicKeySet(values.trust) : remoteJwksResolver(values['trust-url']!);
  let body: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as unknown;
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // refused below as BUNDLE_MALFORMED, like the service
  }
  const record = await checkRevocation({ revocation: body.revocation, l1: body.l1, l2: body.l2 }, { issuerKeys, now: at });
  if (!('l2Id' in record)) {
    process.stdout.write(values.json ? `${JSON.stringify({ error: { code: record.code, message: record.message } })}\n` : `not revoked: ${record.code}: ${record.message}\n`);
    return 1;
  }
  const r = await withLedger(values.ledger, (ledger) => ledger.revoke(record));
  const answer = { revoked: true, l2_id: r.l2Id, newly_revoked: r.newlyRevoked, revoked_at: r.revokedAt, authorizations_kept: r.authorizationsKept };
  process.stdout.write(
    values.json
      ? `${JSON.stringify(answer)}\n`
      : `${r.newlyRevoked ? 'revoked' : 'already revoked'} ${r.l2Id}; ${r.authorizationsKept} earlier authorization(s) stay\n`,
  );
  return 0;
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (sub === 'authorize') return await authorize(rest);
    if (sub === 'reverse') return await reverse(rest);
    if (sub === 'revoke') return await revoke(rest);
    return usageError(sub === undefined ? 'missing subcommand' : `unknown subcommand '${sub}'`);
  } catch (e) {
    // parseArgs throws TypeErrors with codes for bad flags; those are usage errors too.
    if (e instanceof UsageError || (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) return usageError((e as Error).message);
    process.stderr.write(`vintent network: ${(e as Error).message}\n`);
    return 1;
  }
}
