/**
 * `vintent serve [--host 127.0.0.1] [--port 8787] [--ledger SPEC]
 *   (--trust ISSUER_JWKS | --trust-url URL) --network-aud AUD [--merchant-aud AUD]
 *   [--operator-token-file FILE] [--merchant-keys JWKS] [--jwks PUBLIC_JWKS]
 *   [--status-list TOKEN_FILE] [--check-status [--status-fail-open]] [--no-signature-cache]`
 *
 * `--check-status` verifies every L1 that carries a `status.status_list`
 * reference against its Token Status List (signed by a trusted issuer key,
 * cached for its ttl); an unreachable list fails closed unless
 * `--status-fail-open`. `--status-list FILE` serves a Status List Token at
 * GET /v1/status-list (re-read on each request), for tests and small issuers.
 *
 * Run the merchant + network service until SIGINT/SIGTERM, then close the
 * server and the ledger cleanly. Prints the URL it listens on (stdout); logs
 * JSON lines to stderr: the effective configuration at start (secrets and
 * database passwords redacted), every request with its decision, code and
 * latency, and every failed `--trust-url` fetch.
 *
 * The ledger serves the network endpoints, so `--network-aud` is required:
 * without it an L3a addressed to another network would be approved. The
 * operator token (reversal) is read from a file or VINTENT_OPERATOR_TOKEN,
 * never from the command line, where other users could read it.
 *
 * Verified signatures are remembered (src/sdjwt/signature-cache.ts): a
 * network sees the same L1 and L2 with every new L3 pair. Every other check
 * still runs per request; `--no-signature-cache` turns the cache off.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { HealthCheck } from '../http/endpoints.js';
import { remoteJwksResolver, type RemoteJwksResolver } from '../http/jwks-client.js';
import { readPublicKeySet } from '../http/key-files.js';
import { statusListResolver } from '../http/status-client.js';
import { inspectorRoutes } from '../http/inspect/routes.js';
import { createVintentServer, DEFAULT_LIMITS, logLine, type VintentServerConfig } from '../http/server.js';
import { openLedger, parseLedgerSpec, redactLedgerSpec } from '../ledger/index.js';
import { VerifiedSignatureCache } from '../sdjwt/signature-cache.js';
import type { KeyResolver } from '../verify/types.js';

export const DEFAULT_LEDGER = 'sqlite:.vintent/ledger.db';

/** Shortest operator token accepted: a guessable one would let anyone void authorizations. */
export const MIN_OPERATOR_TOKEN_LENGTH = 16;

const USAGE =
  'usage: vintent serve [--host 127.0.0.1] [--port 8787] [--ledger sqlite:PATH|PATH|postgres://...]\n' +
  '                     (--trust ISSUER_JWKS | --trust-url URL) --network-aud AUD [--merchant-aud AUD]\n' +
  '                     [--operator-token-file FILE] [--merchant-keys JWKS] [--jwks PUBLIC_JWKS] [--no-signature-cache]\n' +
  '                     [--status-list TOKEN_FILE] [--check-status [--status-fail-open]]\n' +
  '       the operator token may also come from VINTENT_OPERATOR_TOKEN\n';

interface ServeOptions {
  config: Omit<VintentServerConfig, 'ledger'>;
  ledger: string;
  /** What the start line reports (no secrets). */
  effective: Record<string, unknown>;
  remote?: RemoteJwksResolver;
}

class UsageError extends Error {}

const log = (line: string) => process.stderr.write(`${line}\n`);

function operatorToken(file: string | undefined): string | undefined {
  const raw = file !== undefined ? readFileSync(file, 'utf8') : process.env.VINTENT_OPERATOR_TOKEN;
  if (raw === undefined) return undefined;
  const token = raw.trim();
  if (token.length < MIN_OPERATOR_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token)) {
    throw new UsageError(`the operator token must be at least ${MIN_OPERATOR_TOKEN_LENGTH} printable characters without spaces`);
  }
  return token;
}

function parse(args: string[]): ServeOptions {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8787' },
      ledger: { type: 'string', default: DEFAULT_LEDGER },
      trust: { type: 'string' },
      'trust-url': { type: 'string' },
      'merchant-keys': { type: 'string' },
      jwks: { type: 'string' },
      'network-aud': { type: 'string' },
      'merchant-aud': { type: 'string' },
      'operator-token-file': { type: 'string' },
      'no-signature-cache': { type: 'boolean', default: false },
      'status-list': { type: 'string' },
      'check-status': { type: 'boolean', default: false },
      'status-fail-open': { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port takes 0..65535');
  if ((values.trust === undefined) === (values['trust-url'] === undefined)) throw new UsageError('give exactly one of --trust FILE or --trust-url URL');
  if (values['network-aud'] === undefined || values['network-aud'] === '') {
    throw new UsageError('--network-aud is required: the network endpoints must only approve L3a addressed to this network');
  }
  let spec;
  try {
    spec = parseLedgerSpec(values.ledger);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let remote: RemoteJwksResolver | undefined;
  let issuerKeys: KeyResolver;
  if (values.trust !== undefined) {
    issuerKeys = readPublicKeySet(values.trust);
  } else {
    const url = values['trust-url']!;
    remote = remoteJwksResolver(url, { onFetchError: (error) => log(logLine('warn', 'jwks_fetch_failed', { url, error })) });
    issuerKeys = remote;
  }
  const token = operatorToken(values['operator-token-file']);
  const config: Omit<VintentServerConfig, 'ledger'> = { host: values.host, port, issuerKeys, networkAud: values['network-aud'], log };
  if (values['merchant-aud'] !== undefined) config.merchantAud = values['merchant-aud'];
  if (token !== undefined) config.operatorToken = token;
  if (values['merchant-keys'] !== undefined) config.merchantKeys = readPublicKeySet(values['merchant-keys']);
  if (values.jwks !== undefined) config.jwks = readPublicKeySet(values.jwks);
  if (!values['no-signature-cache']) config.signatureCache = new VerifiedSignatureCache();
  if (values['status-fail-open'] && !values['check-status']) throw new UsageError('--status-fail-open needs --check-status');
  if (values['check-status']) {
    config.statusResolver = statusListResolver({ issuerKeys, onFetchError: (uri, error) => log(logLine('warn', 'status_list_fetch_failed', { uri, error })) });
    config.statusUnavailable = values['status-fail-open'] ? 'accept' : 'reject';
  }
  if (values['status-list'] !== undefined) {
    const file = values['status-list'];
    readFileSync(file, 'utf8'); // unreadable now is a start-up error, not a 503 later
    config.statusListToken = () => {
      try {
        return readFileSync(file, 'utf8').trim();
      } catch {
        return undefined;
      }
    };
  }
  if (remote) {
    const jwks = remote;
    config.health = (): HealthCheck[] => {
      const s = jwks.status();
      return [{ name: 'trust_url', ok: s.ok, detail: s.ok ? `${s.keys} keys from ${s.url}` : `${s.url}: ${s.lastError ?? 'failed'}` }];
    };
  }
  const effective: Record<string, unknown> = {
    host: values.host,
    port,
    ledger: spec.backend === 'postgres' ? { backend: 'postgres', url: redactLedgerSpec(spec.url) } : { backend: 'sqlite', path: spec.path },
    trust: values.trust !== undefined ? { file: values.trust } : { url: values['trust-url'] },
    network_aud: values['network-aud'],
    merchant_aud: values['merchant-aud'] ?? null,
    merchant_keys: values['merchant-keys'] ?? null,
    operator_credential: token !== undefined ? 'configured (redacted)' : 'absent: reversal disabled',
    signature_cache: !values['no-signature-cache'],
    status: values['check-status'] ? (values['status-fail-open'] ? 'checked, fail open' : 'checked, fail closed') : 'not checked',
    status_list_served: values['status-list'] ?? null,
    limits: DEFAULT_LIMITS,
  };
  return { config, ledger: values.ledger, effective, ...(remote ? { remote } : {}) };
}

/** Resolves on the first SIGINT or SIGTERM. */
function shutdownSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export async function run(args: string[]): Promise<number> {
  let opts: ServeOptions;
  try {
    opts = parse(args);
  } catch (e) {
    const usage = e instanceof UsageError || (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`vintent serve: ${(e as Error).message}\n${usage ? USAGE : ''}`);
    return usage ? 2 : 1;
  }
  let ledger;
  try {
    ledger = await openLedger(opts.ledger);
  } catch (e) {
    log(logLine('error', 'ledger_open_failed', { ledger: redactLedgerSpec(opts.ledger), error: redactLedgerSpec((e as Error).message) }));
    process.stderr.write(`vintent serve: cannot open ledger ${redactLedgerSpec(opts.ledger)}\n`);
    return 1;
  }
  // A --trust-url that cannot be fetched is reported now (and on every failed refresh), not at the first request.
  if (opts.remote) await opts.remote.refresh();
  // /inspect: the inspector page, verifying with this server's issuer keys.
  const extraRoutes = inspectorRoutes({ issuerKeys: opts.config.issuerKeys, merchantKeys: opts.config.merchantKeys });
  const service = createVintentServer({ ...opts.config, ledger, extraRoutes });
  let url: string;
  try {
    ({ url } = await service.listen());
  } catch (e) {
    process.stderr.write(`vintent serve: cannot listen: ${(e as Error).message}\n`);
    await ledger.close();
    return 1;
  }
  log(logLine('info', 'start', { url, config: opts.effective }));
  const stopped = shutdownSignal();
  process.stdout.write(`${url}\n`);
  const sig = await stopped;
  log(logLine('info', 'stop', { signal: sig }));
  await service.close();
  await ledger.close();
  return 0;
}
