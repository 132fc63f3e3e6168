/**
 * `vintent serve [--host 127.0.0.1] [--port 8787] [--ledger SPEC]
 *   (--trust ISSUER_JWKS | --trust-url URL) --network-aud AUD [--merchant-aud AUD]
 *   [--operator-token-file FILE] [--merchant-keys JWKS] [--jwks PUBLIC_JWKS]
 *   [--status-list TOKEN_FILE] [--check-status [--status-fail-open]] [--no-signature-cache] [--workers N]`
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
 * `--workers N` (default: the number of cores) runs N processes on one port
 * sharing the ledger (serve-cluster.ts); `--workers 1` is one process.
 */
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { HealthCheck } from '../http/endpoints.js';
import { inspectorRoutes } from '../http/inspect-routes.js';
import { type RemoteJwksResolver, remoteJwksResolver } from '../http/jwks-client.js';
import { createServiceMetrics } from '../http/metrics.js';
import {
  createVintentServer,
  DEFAULT_LIMITS,
  logLine,
  type VintentServerConfig,
} from '../http/server.js';
import { statusListResolver } from '../http/status-client.js';
import { redactUrl, redactUrlIn } from '../internal/guards.js';
import { openLedger, parseLedgerSpec, redactLedgerSpec } from '../ledger/index.js';
import { DEFAULT_HOLD_SECONDS } from '../network/capture.js';
import { ParsedJwtCache } from '../sdjwt/parse-cache.js';
import { VerifiedSignatureCache } from '../sdjwt/signature-cache.js';
import type { KeyResolver } from '../verify/types.js';
import { type CommandSpec, type ParsedValues, runCommand, stringFlag, UsageError } from './args.js';
import { runServeCluster } from './serve-cluster.js';
import { joinWorkerPool } from './serve-ipc.js';
import { readJwks, readX5cRootsFile, X5C_ROOTS_FLAG } from './verify.js';

export const DEFAULT_LEDGER = 'sqlite:.vintent/ledger.db';

/** Shortest operator token accepted: a guessable one would let anyone void authorizations. */
export const MIN_OPERATOR_TOKEN_LENGTH = 16;

/** Flags and help of `vintent serve`. */
export const SERVE_COMMAND: CommandSpec = {
  name: 'serve',
  summary:
    'Run the merchant and network HTTP service (POST /v1/merchant/verify, /v1/network/authorize, /v1/network/capture, /v1/network/reverse, /v1/network/revoke, /inspect) until SIGINT or SIGTERM.',
  flags: {
    host: { type: 'string', value: 'HOST', default: '127.0.0.1', help: 'address to listen on' },
    port: {
      type: 'string',
      value: 'PORT',
      default: '8787',
      help: 'port to listen on, 0 for any free one',
    },
    ledger: {
      type: 'string',
      value: 'SPEC',
      default: DEFAULT_LEDGER,
      help: 'the network ledger: sqlite:PATH, a bare PATH, or postgres://USER:PASS@HOST/DB',
    },
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
    'x5c-roots': X5C_ROOTS_FLAG,
    jwks: {
      type: 'string',
      value: 'PUBLIC_JWKS',
      help: 'public keys this service publishes at /.well-known/jwks.json',
    },
    'network-aud': {
      type: 'string',
      value: 'AUD',
      help: 'required: the audience an L3a must name (your network)',
    },
    'merchant-aud': {
      type: 'string',
      value: 'AUD',
      help: 'the audience an L3b must name at /v1/merchant/verify (your website)',
    },
    'operator-token-file': {
      type: 'string',
      value: 'FILE',
      help: 'bearer token operators present to /v1/network/capture and /reverse (or VINTENT_OPERATOR_TOKEN); without one both are off',
    },
    'hold-seconds': {
      type: 'string',
      value: 'SECONDS',
      help: 'how long an approval is held uncaptured before it expires and releases its budget (default 604800, 7 days)',
    },
    'status-list': {
      type: 'string',
      value: 'TOKEN_FILE',
      help: 'a Status List Token to serve at GET /v1/status-list (re-read per request)',
    },
    'check-status': {
      type: 'boolean',
      help: 'check the Token Status List an L1 references (status.status_list); unreachable fails closed',
    },
    'status-fail-open': {
      type: 'boolean',
      help: 'with --check-status: accept an L1 whose status list cannot be fetched or verified',
    },
    'status-allow-loopback-http': {
      type: 'boolean',
      help: 'with --check-status: also fetch http:// status lists on loopback (tests only; https otherwise)',
    },
    'no-signature-cache': {
      type: 'boolean',
      help: 'verify every signature afresh instead of remembering verified L1/L2 signatures',
    },
    'no-parse-cache': {
      type: 'boolean',
      help: 'parse every L1/L2 afresh instead of remembering the parse of recurring ones',
    },
    'idle-timeout-ms': {
      type: 'string',
      value: 'MS',
      help: 'close a connection that sends nothing for this long, counted from accept (default 10000)',
    },
    'max-connections': {
      type: 'string',
      value: 'N',
      help: 'open connections per worker; one more is answered 503 HTTP_OVERLOADED (default 900; keep it under the open-files limit)',
    },
    workers: {
      type: 'string',
      value: 'N',
      default: String(availableParallelism()),
      help: 'processes accepting on the one port, sharing the ledger (1: this process only)',
    },
  },
  example:
    'serve --port 8787 --ledger sqlite:.vintent/ledger.db --trust issuer-jwks.json --network-aud https://network.example',
  notes: [
    'logs JSON lines to stderr; exit status: 0 after a clean shutdown, 1 ledger or listen failure, 2 usage or an unreadable key file',
  ],
};

interface ServeOptions {
  config: Omit<VintentServerConfig, 'ledger'>;
  ledger: string;
  workers: number;
  /** What the start line reports (no secrets). */
  effective: Record<string, unknown>;
  remote?: RemoteJwksResolver;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

function operatorToken(file: string | undefined): string | undefined {
  const raw = file !== undefined ? readFileSync(file, 'utf8') : process.env.VINTENT_OPERATOR_TOKEN;
  if (raw === undefined) return undefined;
  const token = raw.trim();
  if (token.length < MIN_OPERATOR_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token)) {
    throw new UsageError(
      `the operator token must be at least ${MIN_OPERATOR_TOKEN_LENGTH} printable characters without spaces`,
    );
  }
  return token;
}

function parse(values: ParsedValues): ServeOptions {
  // One registry per process; under --workers, /metrics sums them through the primary.
  const metrics = createServiceMetrics();
  const portText = stringFlag(values, 'port') ?? '8787';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new UsageError('--port takes 0..65535');
  const trust = stringFlag(values, 'trust');
  const trustUrl = stringFlag(values, 'trust-url');
  if ((trust === undefined) === (trustUrl === undefined))
    throw new UsageError('give exactly one of --trust FILE or --trust-url URL');
  const workersText = stringFlag(values, 'workers') ?? String(availableParallelism());
  const workers = Number(workersText);
  if (!/^\d+$/.test(workersText) || workers < 1 || workers > 256)
    throw new UsageError('--workers takes 1..256');
  const ledgerText = stringFlag(values, 'ledger') ?? DEFAULT_LEDGER;
  let spec: ReturnType<typeof parseLedgerSpec>;
  try {
    spec = parseLedgerSpec(ledgerText);
  } catch (e) {
    throw new UsageError(redactLedgerSpec((e as Error).message));
  }
  let remote: RemoteJwksResolver | undefined;
  let issuerKeys: KeyResolver;
  if (trust !== undefined) {
    issuerKeys = readJwks(trust);
  } else {
    const url = trustUrl!;
    // A JWKS URL may carry a credential (userinfo, ?access_token=): logged and shown only redacted.
    remote = remoteJwksResolver(url, {
      onFetch: (ok) => metrics.fetch('jwks', ok),
      onCacheLookup: (hit) => metrics.cacheLookup('jwks', hit),
      onFetchError: (error) =>
        log(
          logLine('warn', 'jwks_fetch_failed', {
            url: redactUrl(url),
            error: redactUrlIn(error, url),
          }),
        ),
    });
    issuerKeys = remote;
  }
  const merchantKeys = stringFlag(values, 'merchant-keys');
  const merchantKeySet = merchantKeys !== undefined ? readJwks(merchantKeys) : undefined;
  const x5cRootsFile = stringFlag(values, 'x5c-roots');
  const x5cRoots = x5cRootsFile !== undefined ? readX5cRootsFile(x5cRootsFile) : undefined;
  // Checked after the key files are read, so an unreadable file is reported with its path first.
  const networkAud = stringFlag(values, 'network-aud');
  if (networkAud === undefined || networkAud === '') {
    throw new UsageError(
      '--network-aud is required: the network endpoints must only approve L3a addressed to this network',
    );
  }
  const token = operatorToken(stringFlag(values, 'operator-token-file'));
  const host = stringFlag(values, 'host') ?? '127.0.0.1';
  const limits = { ...DEFAULT_LIMITS };
  const idleText = stringFlag(values, 'idle-timeout-ms');
  if (idleText !== undefined) {
    if (!/^\d+$/.test(idleText) || Number(idleText) < 100)
      throw new UsageError('--idle-timeout-ms takes an integer of at least 100');
    limits.idleTimeoutMs = Number(idleText);
  }
  const capText = stringFlag(values, 'max-connections');
  if (capText !== undefined) {
    if (!/^\d+$/.test(capText) || Number(capText) < 1)
      throw new UsageError('--max-connections takes a positive integer');
    limits.maxConnections = Number(capText);
  }
  const config: Omit<VintentServerConfig, 'ledger'> = {
    host,
    port,
    issuerKeys,
    networkAud,
    log,
    limits,
  };
  const holdText = stringFlag(values, 'hold-seconds');
  if (holdText !== undefined) {
    if (!/^\d+$/.test(holdText) || Number(holdText) < 1 || Number(holdText) > 400 * 86400)
      throw new UsageError('--hold-seconds takes 1..34560000');
    config.holdSeconds = Number(holdText);
  }
  const merchantAud = stringFlag(values, 'merchant-aud');
  if (merchantAud !== undefined) config.merchantAud = merchantAud;
  if (token !== undefined) config.operatorToken = token;
  if (merchantKeySet !== undefined) config.merchantKeys = merchantKeySet;
  if (x5cRoots !== undefined) config.x5cRoots = x5cRoots;
  const jwks = stringFlag(values, 'jwks');
  if (jwks !== undefined) config.jwks = readJwks(jwks);
  const signatureCache = values['no-signature-cache'] !== true;
  if (signatureCache) config.signatureCache = new VerifiedSignatureCache();
  const parseCache = values['no-parse-cache'] !== true;
  if (parseCache) config.parseCache = new ParsedJwtCache();
  config.metrics = metrics;
  metrics.watchCaches({ signature: config.signatureCache, parse: config.parseCache });
  const checkStatus = values['check-status'] === true;
  const failOpen = values['status-fail-open'] === true;
  if (failOpen && !checkStatus) throw new UsageError('--status-fail-open needs --check-status');
  if (checkStatus) {
    config.statusResolver = statusListResolver({
      onFetch: (ok) => metrics.fetch('status_list', ok),
      onCacheLookup: (hit) => metrics.cacheLookup('status_list', hit),
      issuerKeys,
      allowLoopbackHttp: values['status-allow-loopback-http'] === true,
      onFetchError: (uri, error) =>
        log(logLine('warn', 'status_list_fetch_failed', { uri, error })),
    });
    config.statusUnavailable = failOpen ? 'accept' : 'reject';
  }
  const statusFile = stringFlag(values, 'status-list');
  if (statusFile !== undefined) {
    readFileSync(statusFile, 'utf8'); // unreadable now is a start-up error, not a 503 later
    config.statusListToken = () => {
      try {
        return readFileSync(statusFile, 'utf8').trim();
      } catch {
        return undefined;
      }
    };
  }
  if (remote) {
    const jwksClient = remote;
    config.health = (): HealthCheck[] => {
      const s = jwksClient.status();
      // Health, not configuration: neither the URL nor a fetch error (which may quote it) is shown.
      return [
        {
          name: 'trust_url',
          ok: s.ok,
          detail: s.ok ? `${s.keys} keys` : 'the issuer JWKS cannot be fetched',
        },
      ];
    };
  }
  const effective: Record<string, unknown> = {
    host,
    port,
    ledger:
      spec.backend === 'postgres'
        ? { backend: 'postgres', url: redactLedgerSpec(spec.url) }
        : { backend: 'sqlite', path: spec.path },
    trust: trust !== undefined ? { file: trust } : { url: redactUrl(trustUrl!) },
    network_aud: networkAud,
    merchant_aud: merchantAud ?? null,
    merchant_keys: merchantKeys ?? null,
    x5c_roots: x5cRootsFile ?? null,
    operator_credential:
      token !== undefined ? 'configured (redacted)' : 'absent: capture and reversal disabled',
    hold_seconds: config.holdSeconds ?? DEFAULT_HOLD_SECONDS,
    signature_cache: signatureCache,
    parse_cache: parseCache,
    status: checkStatus
      ? failOpen
        ? 'checked, fail open'
        : 'checked, fail closed'
      : 'not checked',
    status_list_served: statusFile ?? null,
    workers,
    limits,
  };
  return { config, ledger: ledgerText, workers, effective, ...(remote ? { remote } : {}) };
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
  return runCommand(SERVE_COMMAND, args, async (values) => serve(parse(values), args));
}

async function serve(opts: ServeOptions, args: string[]): Promise<number> {
  if (opts.workers > 1 && cluster.isPrimary)
    return runServeCluster(opts.workers, opts.ledger, args);
  let ledger: Awaited<ReturnType<typeof openLedger>>;
  try {
    const metrics = opts.config.metrics;
    ledger = await openLedger(opts.ledger, metrics ? { onCommit: (n) => metrics.commit(n) } : {});
  } catch (e) {
    log(
      logLine('error', 'ledger_open_failed', {
        ledger: redactLedgerSpec(opts.ledger),
        error: redactLedgerSpec((e as Error).message),
      }),
    );
    process.stderr.write(`vintent serve: cannot open ledger ${redactLedgerSpec(opts.ledger)}\n`);
    return 1;
  }
  // A --trust-url that cannot be fetched is reported now (and on every failed refresh), not at the first request.
  if (opts.remote) await opts.remote.refresh();
  // /inspect: the inspector page, verifying with this server's issuer keys.
  const extraRoutes = inspectorRoutes({
    issuerKeys: opts.config.issuerKeys,
    merchantKeys: opts.config.merchantKeys,
  });
  const pool =
    cluster.isWorker && opts.config.metrics ? joinWorkerPool(opts.config.metrics) : undefined;
  // With workers, the first one says the configuration; the others share it.
  const announce = !cluster.isWorker || cluster.worker?.id === 1;
  const service = createVintentServer({
    ...opts.config,
    ledger,
    extraRoutes,
    announceConfig: announce,
    ...(pool ? { metricsSource: pool.source, workers: pool.workers } : {}),
  });
  let url: string;
  try {
    ({ url } = await service.listen());
  } catch (e) {
    process.stderr.write(`vintent serve: cannot listen: ${(e as Error).message}\n`);
    await ledger.close();
    return 1;
  }
  if (announce) log(logLine('info', 'start', { url, config: opts.effective }));
  const stopped = shutdownSignal();
  if (!cluster.isWorker) process.stdout.write(`${url}\n`); // with workers, the primary prints it
  const sig = await stopped;
  log(logLine('info', 'stop', { signal: sig }));
  await service.close();
  await ledger.close();
  return 0;
}
