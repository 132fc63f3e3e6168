/**
 * `vintent network authorize BUNDLE [--ledger SPEC] (--trust JWKS | --trust-url URL) [--merchant-keys JWKS] [--network-aud AUD] [--now SECONDS] [--json]`
 * `vintent network reverse AUTHORIZATION_ID [--ledger SPEC] [--reason TEXT] [--json]`
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
import { openLedger } from '../ledger/index.js';
import type { Ledger } from '../ledger/types.js';
import { DEFAULT_LEDGER } from './serve.js';

const USAGE =
  'usage: vintent network authorize BUNDLE [--ledger SPEC] (--trust JWKS | --trust-url URL) [--merchant-keys JWKS] [--network-aud AUD] [--now SECONDS] [--json]\n' +
  '       vintent network reverse AUTHORIZATION_ID [--ledger SPEC] [--reason TEXT] [--json]\n';

class UsageError extends Error {}

function usageError(message: string): number {
  process.stderr.write(`vintent network: ${message}\n${USAGE}`);
  return 2;
}

async function withLedger<T>(spec: string, fn: (ledger: Ledger) => Promise<T>): Promise<T> {
  const ledger = await openLedger(spec);
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

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (sub === 'authorize') return await authorize(rest);
    if (sub === 'reverse') return await reverse(rest);
    return usageError(sub === undefined ? 'missing subcommand' : `unknown subcommand '${sub}'`);
  } catch (e) {
    // parseArgs throws TypeErrors with codes for bad flags; those are usage errors too.
    if (e instanceof UsageError || (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) return usageError((e as Error).message);
    process.stderr.write(`vintent network: ${(e as Error).message}\n`);
    return 1;
  }
}
