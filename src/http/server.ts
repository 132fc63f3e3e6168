/**
 * The vintent HTTP service on node:http: merchant verification, network
 * authorization against the ledger, the public JWK Set. Loopback by default.
 *
 * Every request is handled inside its own try/catch: a client can get a typed
 * error code, never a stack trace, and can never take the process down.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VIError } from '../errors.js';
import type { Ledger } from '../ledger/types.js';
import type { JwkSet } from '../profiles/bundle.js';
import { COMMON } from '../profiles/profile.js';
import type { ParsedJwtCache } from '../sdjwt/parse-cache.js';
import type { VerifiedSignatureCache } from '../sdjwt/signature-cache.js';
import type { KeyResolver, VerifyOptions } from '../verify/types.js';
import {
  type EndpointContext,
  type HealthCheck,
  networkAudienceOf,
  serviceRoutes,
} from './endpoints.js';
import {
  localMetricsSource,
  METRICS_CONTENT_TYPE,
  type MetricsSource,
  type ServiceMetrics,
} from './metrics.js';
import { errorCodes, sendError } from './respond.js';
import { logNotes, matchRoute, type Route } from './router.js';

/** The HTTP server's limits (body size, header and request timeouts); distinct from the verifier's input limits. */
export interface ServerLimits {
  /** Largest accepted request body; larger ones get 413 BUNDLE_TOO_LARGE. Default 1 MiB. */
  maxBodyBytes: number;
  /** Time allowed to receive the request headers. Default 10 s. */
  headersTimeoutMs: number;
  /** Time allowed to receive the whole request, body included (slow bodies are cut off). Default 30 s. */
  requestTimeoutMs: number;
  /**
   * A connection that sends no byte for this long is closed, counted from
   * accept (Node's header timeout starts only at the first byte, so a silent
   * socket would otherwise stay open for ever). Default 10 s.
   */
  idleTimeoutMs?: number;
  /**
   * Open connections one server (one worker) holds at most; one more is
   * answered 503 `HTTP_OVERLOADED` and closed. Default 1024, under the usual
   * 1024-descriptor soft limit minus the ledger's and the log's.
   */
  maxConnections?: number;
}

/** Configuration of {@link createVintentServer}: ledger, issuer and merchant keys, expectations, limits, extra routes. */
export interface VintentServerConfig {
  /** Default 127.0.0.1: exposing the service is a deliberate choice. */
  host?: string;
  /** Default 8787; 0 picks a free port. */
  port?: number;
  ledger: Ledger;
  /** Issuer keys trusted for L1. A `trust` member in a request body is ignored. */
  issuerKeys: KeyResolver;
  /** Merchant keys for `checkout_jwt` signatures. */
  merchantKeys?: KeyResolver;
  /** Public keys served at /.well-known/jwks.json (private members are stripped regardless). */
  jwks?: JwkSet;
  /** Expected `aud`/`nonce` values applied to every verification. */
  expect?: VerifyOptions['expect'];
  /**
   * This network's own audience: every L3a must be addressed to it. Without it
   * (here or as `expect.l3a.aud`) the network endpoints are not served.
   */
  networkAud?: string;
  /** This merchant's audience: /v1/merchant/verify requires it as the L3b `aud`. Without it a warning is logged at start. */
  merchantAud?: string;
  /** Bearer token that authorizes `/v1/network/capture` and `/v1/network/reverse`; without it they answer 401 OPERATOR_UNAUTHORIZED. */
  operatorToken?: string;
  /** Seconds an approval is held uncaptured before it expires and releases its budget; default 7 days. */
  holdSeconds?: number;
  /** How often expired holds are swept from the ledger (ms); default 60 000, 0 turns the sweep off. Holds also expire on the way. */
  expirySweepMs?: number;
  /** Checks every L1 that carries a status reference (e.g. statusListResolver). */
  statusResolver?: VerifyOptions['statusResolver'];
  /** Default 'reject': an unavailable status list fails the L1. */
  statusUnavailable?: VerifyOptions['statusUnavailable'];
  /** A Status List Token to serve at GET /v1/status-list (for tests and small issuers); read per request. */
  statusListToken?: () => string | undefined;
  /** Dependency checks for /healthz and /readyz (503 when one fails). */
  health?: () => HealthCheck[];
  /** Metrics to keep and serve at GET /metrics (`createServiceMetrics()`); without them /metrics is not served. */
  metrics?: ServiceMetrics;
  /** Where /metrics reads from; default this process's registry (`serve --workers` sums every worker's). */
  metricsSource?: MetricsSource;
  /** The worker pool as the cluster primary last reported it, shown by /healthz. */
  workers?: () => { configured: number; listening: number } | undefined;
  /** Verified-signature cache shared by every request (`vintent serve` turns one on). Default: none. */
  signatureCache?: VerifiedSignatureCache;
  /** Parse cache of recurring L1/L2 issuer JWTs shared by every request (`vintent serve` turns one on). Default: none. */
  parseCache?: ParsedJwtCache;
  /** Trust anchors for AP2 roots that name their key by `x5c` (base64 DER certificates). */
  x5cRoots?: readonly string[];
  limits?: Partial<ServerLimits>;
  /** More routes, e.g. the inspector's `/inspect`. */
  extraRoutes?: Route[];
  /** Clock, Unix seconds. Presentations are judged at this time, never at a time the body names. */
  now?: () => number;
  /** One JSON line per request and per notable event. Default: stderr. */
  log?: (line: string) => void;
  /**
   * Log the configuration warnings when listening (default true). Workers of
   * one `serve` share one configuration: only one of them says it.
   */
  announceConfig?: boolean;
}

/** A created service: start it with `listen()`, stop it with `close()`. */
export interface VintentServer {
  /** Start listening; resolves with the base URL, e.g. `http://127.0.0.1:8787`. */
  listen(): Promise<{ url: string }>;
  /** Stop accepting, drop idle connections, resolve when closed. Does not close the ledger (its owner does). */
  close(): Promise<void>;
  server: Server;
}

/** Default server limits: 1 MiB bodies, 10 s for headers, 30 s per request. */
export const DEFAULT_LIMITS: ServerLimits = {
  maxBodyBytes: 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 10_000,
  maxConnections: 900,
};

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** One JSON log line: time, level, event, then the event's fields. */
export function logLine(
  level: 'info' | 'warn' | 'error',
  event: string,
  fields: Record<string, unknown> = {},
): string {
  return JSON.stringify({ time: new Date().toISOString(), level, event, ...fields });
}

function withNetworkAudience(
  expect: VerifyOptions['expect'],
  networkAud: string | undefined,
): VerifyOptions['expect'] {
  if (networkAud === undefined) return expect;
  return { ...expect, l3a: { ...expect?.l3a, aud: networkAud } };
}

/** The endpoints whose answers are decisions (counted by outcome and code). */
const DECISION_ROUTES = new Set([
  '/v1/merchant/verify',
  '/v1/network/authorize',
  '/v1/network/capture',
  '/v1/network/reverse',
  '/v1/network/revoke',
]);

/** A decision's outcome as its handler annotated it; a transport or refusal error is `error`. */
function outcomeOf(
  notes: Record<string, unknown> | undefined,
  code: string | undefined,
): string | undefined {
  if (typeof notes?.decision === 'string') return notes.decision;
  if (typeof notes?.valid === 'boolean') return notes.valid ? 'valid' : 'invalid';
  if (notes?.captured === false) return 'refused';
  if (typeof notes?.captured === 'string') return 'captured';
  if (notes?.reversed !== undefined) return 'reversed';
  if (notes?.revoked !== undefined) return 'revoked';
  return code ? 'error' : undefined;
}

function codesOf(notes: Record<string, unknown> | undefined, code: string | undefined): string[] {
  if (Array.isArray(notes?.codes))
    return notes.codes.filter((c): c is string => typeof c === 'string');
  return code ? [code] : [];
}

async function serveMetrics(res: ServerResponse, source: MetricsSource): Promise<void> {
  const text = await source();
  res.writeHead(200, {
    'content-type': METRICS_CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** Status for an exception that escaped a handler: storage outages are 503, anything else a 500 without details. */
function failureStatus(e: unknown): { status: number; code: VIError['code']; message: string } {
  if (e instanceof VIError && e.code === 'LEDGER_UNAVAILABLE')
    return { status: 503, code: e.code, message: 'ledger unavailable; try again' };
  return { status: 500, code: 'INTERNAL', message: 'internal error' };
}

/**
 * Create (not yet start) the service.
 *
 * @example
 * const svc = createVintentServer({ ledger, issuerKeys: issuerJwks, port: 0 });
 * const { url } = await svc.listen();
 */
export function createVintentServer(config: VintentServerConfig): VintentServer {
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...config.limits };
  const log = config.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const ctx: EndpointContext = {
    ledger: config.ledger,
    issuerKeys: config.issuerKeys,
    merchantKeys: config.merchantKeys,
    expect: withNetworkAudience(config.expect, config.networkAud),
    merchantAud: config.merchantAud,
    operatorToken: config.operatorToken,
    holdSeconds: config.holdSeconds,
    health: config.health,
    workers: config.workers,
    statusResolver: config.statusResolver,
    statusUnavailable: config.statusUnavailable,
    statusListToken: config.statusListToken,
    skewSeconds: COMMON.defaultSkewSeconds,
    signatureCache: config.signatureCache,
    parseCache: config.parseCache,
    x5cRoots: config.x5cRoots,
    maxBodyBytes: limits.maxBodyBytes,
    now: config.now ?? nowSeconds,
    jwks: config.jwks ?? { keys: [] },
  };
  const metrics = config.metrics;
  const metricsRoutes: Route[] = metrics
    ? [
        {
          method: 'GET',
          path: '/metrics',
          handler: (_req, res) =>
            serveMetrics(res, config.metricsSource ?? localMetricsSource(metrics)),
        },
      ]
    : [];
  const routes: Route[] = [...serviceRoutes(ctx), ...metricsRoutes, ...(config.extraRoutes ?? [])];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const method = req.method ?? 'GET';
    let path = '?';
    let routePath = 'unmatched';
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      path = url.pathname;
      const route = matchRoute(routes, method, url.pathname);
      if (route) {
        routePath = route.path;
        await route.handler(req, res, url);
      } else {
        const allowed = (['GET', 'POST'] as const).filter((m) =>
          matchRoute(routes, m, url.pathname),
        );
        if (allowed.length)
          sendError(res, 405, 'HTTP_METHOD_NOT_ALLOWED', `${method} is not allowed here`, {
            allow: allowed.join(', '),
          });
        else sendError(res, 404, 'HTTP_ROUTE_NOT_FOUND', `no endpoint ${url.pathname}`);
      }
    } catch (e) {
      const f = failureStatus(e);
      sendError(res, f.status, f.code, f.message);
      errorCodes.set(res, f.code);
      // One line, no stack: the message alone says enough to find the cause.
      emit('error', 'handler_failed', {
        method,
        path,
        error: `${method} ${path} failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
      });
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const code = errorCodes.get(res);
    const notes = logNotes.get(res);
    emit('info', 'request', {
      method,
      path,
      status: res.statusCode,
      ms: Number(ms.toFixed(1)),
      ...(code ? { code } : {}),
      ...notes,
    });
    if (metrics) {
      metrics.request(routePath, method, res.statusCode, ms / 1000);
      const outcome = outcomeOf(notes, code);
      if (outcome && DECISION_ROUTES.has(routePath))
        metrics.decision(routePath, outcome, codesOf(notes, code));
    }
  }

  function emit(
    level: 'info' | 'warn' | 'error',
    event: string,
    fields: Record<string, unknown>,
  ): void {
    log(logLine(level, event, fields));
  }

  const server = createServer(
    {
      // Node refuses a headers timeout above the request timeout; a shorter request timeout wins.
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      requestTimeout: limits.requestTimeoutMs,
      // Timeouts are checked on this interval; keep it well under the request timeout.
      connectionsCheckingInterval: Math.max(
        25,
        Math.min(30_000, Math.floor(limits.requestTimeoutMs / 4)),
      ),
    },
    (req, res) => {
      void handle(req, res);
    },
  );
  // `Expect: 100-continue` (curl sends it for bodies over 1 MiB): a declared body over the cap is refused
  // before the client sends it, so the 413 arrives instead of a stalled or reset upload.
  server.on('checkContinue', (req, res) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limits.maxBodyBytes) {
      sendError(
        res,
        413,
        'HTTP_BODY_TOO_LARGE',
        `request body exceeds ${limits.maxBodyBytes} bytes`,
        { connection: 'close' },
      );
      emit('info', 'request', {
        method: req.method ?? '?',
        path: '?',
        status: 413,
        code: 'HTTP_BODY_TOO_LARGE',
        expect: '100-continue',
      });
      return;
    }
    res.writeContinue();
    server.emit('request', req, res);
  });
  // Idle from accept: a socket that never sends a byte is closed, so silent connections cannot pile up.
  const idleMs = limits.idleTimeoutMs ?? DEFAULT_LIMITS.idleTimeoutMs!;
  server.timeout = idleMs;
  server.keepAliveTimeout = Math.min(server.keepAliveTimeout, idleMs);
  server.on('timeout', (socket: import('node:net').Socket) => socket.destroy());
  const cap = limits.maxConnections ?? DEFAULT_LIMITS.maxConnections!;
  let open = 0;
  server.on('connection', (socket) => {
    open++;
    socket.once('close', () => open--);
    if (open <= cap) return;
    // Over the cap: a clear refusal, then the descriptor is given back at once.
    const body = JSON.stringify({
      error: {
        code: 'HTTP_OVERLOADED',
        message: `this worker holds ${cap} connections; retry shortly`,
      },
    });
    socket.end(
      `HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\nretry-after: 1\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    socket.destroySoon();
    emit('warn', 'connection_refused', { open, cap });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    // Malformed HTTP or a slow request: answer if the socket still can, never throw.
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const timedOut = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const overflow = err.code === 'HPE_HEADER_OVERFLOW';
    const status = timedOut
      ? '408 Request Timeout'
      : overflow
        ? '431 Request Header Fields Too Large'
        : '400 Bad Request';
    const body = JSON.stringify({
      error: timedOut
        ? {
            code: 'HTTP_REQUEST_TIMEOUT',
            message: `request not received within ${limits.requestTimeoutMs} ms`,
          }
        : overflow
          ? { code: 'HTTP_HEADERS_TOO_LARGE', message: 'request headers too large' }
          : { code: 'HTTP_MALFORMED_REQUEST', message: 'malformed HTTP request' },
    });
    socket.end(
      `HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    emit('warn', 'client_error', {
      status: Number(status.slice(0, 3)),
      ...(err.code ? { code: err.code } : {}),
    });
  });

  // Expired holds are released on the way; the sweep keeps the ledger tidy for operators reading it.
  let sweep: NodeJS.Timeout | undefined;
  const sweepMs = config.expirySweepMs ?? 60_000;
  function startSweep(): void {
    if (networkAudienceOf(ctx) === undefined || sweepMs <= 0) return;
    sweep = setInterval(() => {
      ctx.ledger.expireHolds(ctx.now()).then(
        (released) => {
          if (released > 0) emit('info', 'holds_expired', { released });
        },
        (e: unknown) =>
          emit('warn', 'expiry_sweep_failed', {
            error: e instanceof Error ? e.message : String(e),
          }),
      );
    }, sweepMs);
    sweep.unref();
  }

  /** What the configuration leaves unchecked, said once when listening. */
  const warnAboutConfig = () => {
    if (config.merchantAud === undefined)
      emit('warn', 'config', {
        message: 'no merchant audience configured: /v1/merchant/verify does not check the L3b aud',
      });
    if (networkAudienceOf(ctx) === undefined)
      emit('warn', 'config', {
        message: 'no network audience configured: the /v1/network endpoints are not served',
      });
    if (networkAudienceOf(ctx) !== undefined && !config.operatorToken)
      emit('warn', 'config', {
        message:
          'no operator credential configured: /v1/network/capture and /v1/network/reverse answer 401',
      });
  };

  return {
    server,
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port ?? 8787, config.host ?? '127.0.0.1', () => {
          server.off('error', reject);
          const addr = server.address() as AddressInfo;
          const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
          if (config.announceConfig !== false) warnAboutConfig();
          startSweep();
          resolve({ url: `http://${host}:${addr.port}` });
        });
      });
    },
    close() {
      clearInterval(sweep);
      return new Promise((resolve) => {
        if (!server.listening) {
          resolve();
          return;
        }
        server.close(() => resolve());
        server.closeIdleConnections();
        // In-flight requests get the request timeout at most; then their sockets go too.
        setTimeout(() => server.closeAllConnections(), limits.requestTimeoutMs).unref();
      });
    },
  };
}
