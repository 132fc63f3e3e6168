/**
 * The service's own endpoints: merchant verification, network authorization,
 * reversal and revocation, the public JWK Set and a health check. Each handler
 * validates its input and answers with a typed error code; none of them
 * throws on input.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { type ErrorCode, VIError } from '../errors.js';
import { PRIVATE_JWK_MEMBERS } from '../internal/guards.js';
import { merchantPresentationsFrom } from '../ledger/merchant.js';
import type { Ledger } from '../ledger/types.js';
import { acceptAp2Checkout, authorizeAp2Presentation, revokeAp2Mandate } from '../network/ap2.js';
import {
  authorizePresentation,
  type DecisionError,
  type NetworkTrust,
  verifyWithConfiguredTrust,
} from '../network/authorize.js';
import { captureAuthorization } from '../network/capture.js';
import { revokeMandate } from '../network/revoke.js';
import { ap2ErrorOf } from '../profiles/ap2.js';
import { bundleSchema, type JwkSet } from '../profiles/bundle.js';
import { reportOf, reportOfAp2 } from '../verify/report.js';
import { readJsonBody } from './body.js';
import { sendError } from './respond.js';
import { annotate, type Route, sendJson } from './router.js';

/** One dependency's state for /healthz, e.g. a `--trust-url` JWKS. */
export interface HealthCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface EndpointContext extends NetworkTrust {
  ledger: Ledger;
  maxBodyBytes: number;
  /** Trust anchors for AP2 `x5c` roots. */
  x5cRoots?: readonly string[];
  /** Unix seconds: the only clock decisions are judged by. */
  now: () => number;
  jwks: JwkSet;
  /** Bearer token an operator must present to reverse; without one, reversal answers 401. */
  operatorToken?: string;
  /** Expected L3b `aud` at /v1/merchant/verify. */
  merchantAud?: string;
  /** Clock skew the verifier tolerates (seconds); bounds how long merchant memory is kept. */
  skewSeconds: number;
  /** Extra dependency checks reported by /healthz and /readyz. */
  health?: () => HealthCheck[];
  /** The worker pool as the cluster primary last reported it, shown by /healthz. */
  workers?: () => { configured: number; listening: number } | undefined;
  /** The Status List Token served at GET /v1/status-list, if any. */
  statusListToken?: () => string | undefined;
}

function statusList(res: ServerResponse, ctx: EndpointContext): void {
  const token = ctx.statusListToken?.();
  if (token === undefined) {
    sendError(res, 503, 'L1_STATUS_UNAVAILABLE', 'no status list token available');
    return;
  }
  res.writeHead(200, {
    'content-type': 'application/statuslist+jwt',
    'content-length': Buffer.byteLength(token),
    'cache-control': 'no-cache',
  });
  res.end(token);
}

/**
 * Read a JSON body and validate it; answers the error itself and returns undefined on failure.
 * `invalid` is the code for JSON of the wrong shape: BUNDLE_MALFORMED where a bundle is expected.
 */
async function validBody<T>(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: EndpointContext,
  schema: z.ZodType<T>,
  invalid: ErrorCode = 'HTTP_REQUEST_INVALID',
): Promise<T | undefined> {
  const body = await jsonBody(req, res, ctx);
  return body === NO_BODY ? undefined : validated(res, body, schema, invalid);
}

const NO_BODY: unique symbol = Symbol('no body');

/** The request's JSON, or NO_BODY with the transport error answered. */
async function jsonBody(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: EndpointContext,
): Promise<unknown> {
  const body = await readJsonBody(req, ctx.maxBodyBytes);
  if (!body.ok) {
    sendError(
      res,
      body.status,
      body.code,
      body.message,
      body.status === 413 || body.status === 415 ? { connection: 'close' } : {},
    );
    return NO_BODY;
  }
  return body.value;
}

/** An AP2 bundle (BUNDLE-AP2.md) rather than a VI one: dispatched by its version key. */
function isAp2Body(v: unknown): boolean {
  return typeof v === 'object' && v !== null && 'ap2_bundle' in v && !('vi_bundle' in v);
}

function validated<T>(
  res: ServerResponse,
  value: unknown,
  schema: z.ZodType<T>,
  invalid: ErrorCode,
): T | undefined {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    sendError(res, 400, invalid, `${where}${issue?.message ?? 'invalid request body'}`);
    return undefined;
  }
  return parsed.data;
}

/** The network's expectations plus the merchant's own L3b audience. */
function merchantTrust(ctx: EndpointContext): NetworkTrust {
  if (ctx.merchantAud === undefined) return ctx;
  return { ...ctx, expect: { ...ctx.expect, l3b: { ...ctx.expect?.l3b, aud: ctx.merchantAud } } };
}

async function merchantVerify(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: EndpointContext,
): Promise<void> {
  const body = await jsonBody(req, res, ctx);
  if (body === NO_BODY) return;
  if (isAp2Body(body)) return merchantVerifyAp2(res, body, ctx);
  const bundle = validated(res, body, bundleSchema, 'BUNDLE_MALFORMED');
  if (bundle === undefined) return;
  const result = await verifyWithConfiguredTrust(bundle, merchantTrust(ctx), ctx.now(), 'merchant');
  const report = reportOf('-', bundle, result);
  // Replay memory: every verified L3b is remembered; one seen before (same content, or its nonce) is refused.
  const replays: DecisionError[] = [];
  for (const { entry, presentation } of merchantPresentationsFrom(
    bundle,
    result,
    ctx.skewSeconds,
  )) {
    const seen = await ctx.ledger.rememberMerchantPresentation(presentation);
    if (!seen.firstSeen) {
      const what = seen.matched === 'content' ? 'this L3b' : "this L3b's nonce";
      replays.push({
        code: 'L3B_REPLAY',
        layer: 'l3b',
        pair: result.pairs.length === 1 ? result.pairs[0]!.index : null,
        message: `${what} was presented before (first at ${seen.firstSeenAt}, l3 entry ${entry})`,
      });
    }
  }
  if (replays.length) {
    report.valid = false;
    report.errors.push(...replays);
  }
  annotate(res, { valid: report.valid, codes: report.errors.map((e) => e.code) });
  // An invalid presentation is a verdict, not a transport error: still 200.
  // The CLI's per-file fields (file, verdict_match) have no meaning here.
  const { file: _file, verdict_match: _match, ...verdict } = report;
  sendJson(res, 200, { ...verdict, checks: result.checks, pairs: result.pairs });
}

async function networkAuthorize(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: EndpointContext,
): Promise<void> {
  const body = await jsonBody(req, res, ctx);
  if (body === NO_BODY) return;
  if (isAp2Body(body)) return networkAuthorizeAp2(res, body, ctx);
  const bundle = validated(res, body, bundleSchema, 'BUNDLE_MALFORMED');
  if (bundle === undefined) return;
  const answer = await authorizePresentation(bundle, ctx, ctx.now());
  annotate(res, {
    decision: answer.decision,
    codes: answer.errors.map((e) => e.code),
    replayed: answer.replayed ?? false,
  });
  sendJson(res, 200, answer);
}

/**
 * AP2 at the merchant endpoint: the checkout chain verified with the
 * merchant's keys and audience, its closing hop remembered against replay.
 */
async function merchantVerifyAp2(
  res: ServerResponse,
  body: unknown,
  ctx: EndpointContext,
): Promise<void> {
  const { result, replay } = await acceptAp2Checkout(
    body,
    {
      ledger: ctx.ledger,
      issuerKeys: ctx.issuerKeys,
      merchantKeys: ctx.merchantKeys ?? { keys: [] },
      aud: ctx.merchantAud ?? ctx.expect?.l3b?.aud ?? '',
      skewSeconds: ctx.skewSeconds,
      ...(ctx.signatureCache ? { signatureCache: ctx.signatureCache } : {}),
      ...(ctx.parseCache ? { parseCache: ctx.parseCache } : {}),
      ...(ctx.x5cRoots ? { x5cRoots: ctx.x5cRoots } : {}),
    },
    ctx.now(),
  );
  const { file: _file, verdict_match: _match, ...report } = reportOfAp2('-', body, result);
  if (replay) {
    report.valid = false;
    report.errors.push(replay);
    report.ap2_error = ap2ErrorOf(replay.code);
  }
  annotate(res, { valid: report.valid, codes: report.errors.map((e) => e.code) });
  sendJson(res, 200, { ...report, checks: result.checks });
}

/** What the network's caller (the acquirer side) asserts about the payment, beside the AP2 bundle. */
const ap2TransactionSchema = z.object({
  transaction_id: z.string().min(1).max(200),
  open_checkout_hash: z.string().min(1).max(200).optional(),
});

/** AP2 at the network endpoint: the payment chain decided against the ledger (network/ap2.ts). */
async function networkAuthorizeAp2(
  res: ServerResponse,
  body: unknown,
  ctx: EndpointContext,
): Promise<void> {
  const transaction = validated(
    res,
    (body as { transaction?: unknown }).transaction,
    ap2TransactionSchema,
    'HTTP_REQUEST_INVALID',
  );
  if (transaction === undefined) return;
  const answer = await authorizeAp2Presentation(
    body,
    {
      ledger: ctx.ledger,
      issuerKeys: ctx.issuerKeys,
      aud: networkAudienceOf(ctx)!,
      ...(ctx.holdSeconds === undefined ? {} : { holdSeconds: ctx.holdSeconds }),
      ...(ctx.signatureCache ? { signatureCache: ctx.signatureCache } : {}),
      ...(ctx.parseCache ? { parseCache: ctx.parseCache } : {}),
      ...(ctx.x5cRoots ? { x5cRoots: ctx.x5cRoots } : {}),
    },
    transaction,
    ctx.now(),
  );
  annotate(res, {
    decision: answer.decision,
    codes: answer.errors.map((e) => e.code),
    replayed: answer.replayed ?? false,
  });
  sendJson(res, 200, answer);
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * The request carries `Authorization: Bearer <operator token>`. Compared as
 * SHA-256 digests with timingSafeEqual: equal lengths, constant time, so the
 * comparison leaks neither the token nor its length.
 */
export function hasOperatorCredential(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined || token === '') return false;
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^bearer +([\x21-\x7e]+)$/i.exec(header) : null;
  if (!match) return false;
  return timingSafeEqual(digest(match[1]!), digest(token));
}

const reversalSchema = z.object({
  authorization_id: z.string().min(1).max(200),
  reason: z.string().max(500).optional(),
});

async function networkReverse(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: EndpointContext,
): Promise<void> {
  // The body is read (size-capped, media type checked) before the credential, so transport errors answer alike on every endpoint.
  const body = await validBody(req, res, ctx, reversalSchema);
  if (body === undefined || !operatorOnly(req, res, ctx, 'reversal')) return;
  const r = await ctx.ledger.reverse(body.authorization_id, ctx.now(), body.reason);
  if (!r.ok) {
    const code = r.code ?? 'LEDGER_AUTHORIZATION_UNKNOWN';
    // Reversed, expired or captured conflicts with the authorization's state; never approved is not found.
    sendError(
      res,
      code === 'LEDGER_AUTHORIZATION_UNKNOWN' ? 404 : 409,
      code,
      r.message ?? 'authorization cannot be reversed',
    );
    return;
  }
  annotate(res, { reversed: r.authorizationId });
  sendJson(res, 200, { reversed: true, authorization_id: r.authorizationId });
}

/** The operator credential, or a 401 answered; true when the request may go on. */
function operatorOnly(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: EndpointContext,
  action: string,
): boolean {
  if (hasOperatorCredential(req, ctx.operatorToken)) return true;
  const why = ctx.operatorToken
    ? `${action} needs the operator bearer token`
    : `${action} is disabled: this server has no operator credential configured`;
  sendError(res, 401, 'OPERATOR_UNAUTHORIZED', why, {
    'www-authenticate': 'Bearer realm="vintent-operator"',
  });
  return false;
}

const captureSchema = z.object({
  authorization_id: z.string().min(1).max(200),
  amount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

/** HTTP status of a refused capture: unknown 404, a bad amount 400, a status list that cannot be read 503, a state or standing that forbids it 409. */
function captureStatus(code: ErrorCode): number {
  if (code === 'LEDGER_AUTHORIZATION_UNKNOWN') return 404;
  if (code === 'LEDGER_CAPTURE_AMOUNT_INVALID') return 400;
  if (code === 'L1_STATUS_UNAVAILABLE') return 503;
  return 409;
}

async function networkCapture(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: EndpointContext,
): Promise<void> {
  const body = await validBody(req, res, ctx, captureSchema);
  if (body === undefined || !operatorOnly(req, res, ctx, 'capture')) return;
  const options = {
    ledger: ctx.ledger,
    now: ctx.now(),
    statusResolver: ctx.statusResolver,
    statusUnavailable: ctx.statusUnavailable,
  };
  const answer = await captureAuthorization(body, options);
  if (!answer.captured) {
    annotate(res, { captured: false, codes: [answer.error.code] });
    sendError(res, captureStatus(answer.error.code), answer.error.code, answer.error.message);
    return;
  }
  annotate(res, { captured: answer.authorization_id, replayed: answer.replayed });
  sendJson(res, 200, answer);
}

const revocationSchema = z.object({
  revocation: z
    .string()
    .min(1)
    .max(16 * 1024),
  l1: z.string().min(1),
  l2: z.string().min(1),
});

/** An operator's revocation of an AP2 open mandate: any chain from its root, or the root alone. */
const ap2RevocationSchema = z.object({
  ap2_chain: z
    .string()
    .min(1)
    .max(1024 * 1024),
});

async function networkRevoke(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: EndpointContext,
): Promise<void> {
  const body = await validBody(req, res, ctx, z.union([revocationSchema, ap2RevocationSchema]));
  if (body === undefined) return;
  if ('ap2_chain' in body) {
    // AP2 chains carry no user key a revocation could be checked against: the operator's call.
    if (!operatorOnly(req, res, ctx, 'an AP2 revocation')) return;
    const r = await revokeAp2Mandate(body.ap2_chain, { ledger: ctx.ledger, now: ctx.now() });
    if (r instanceof VIError) {
      sendError(res, 400, r.code, r.message);
      return;
    }
    annotate(res, { revoked: r.l2_id, newly_revoked: r.newly_revoked });
    sendJson(res, 200, r);
    return;
  }
  const answer = await revokeMandate(body, {
    ledger: ctx.ledger,
    issuerKeys: ctx.issuerKeys,
    now: ctx.now(),
    skewSeconds: ctx.skewSeconds,
  });
  if (answer instanceof VIError) {
    sendError(
      res,
      answer.code === 'BUNDLE_MALFORMED' || answer.code === 'LIMIT_EXCEEDED' ? 400 : 403,
      answer.code,
      answer.message,
    );
    return;
  }
  annotate(res, { revoked: answer.l2_id, newly_revoked: answer.newly_revoked });
  sendJson(res, 200, answer);
}

/** The JWK Set with every private member stripped, whatever configuration said. */
export function publicJwkSet(jwks: JwkSet): JwkSet {
  return {
    keys: jwks.keys.map((k) =>
      Object.fromEntries(Object.entries(k).filter(([name]) => !PRIVATE_JWK_MEMBERS.has(name))),
    ),
  };
}

/**
 * Liveness: this process answers. 503 "degraded" when a dependency check
 * fails (the `--trust-url` JWKS). Under `--workers` it shows how many
 * workers the primary last saw listening: a worker answering says so itself.
 */
function healthz(res: ServerResponse, ctx: EndpointContext): void {
  const checks = ctx.health?.() ?? [];
  const workers = ctx.workers?.();
  const ok = checks.every((c) => c.ok);
  sendJson(res, ok ? 200 : 503, {
    status: ok ? 'ok' : 'degraded',
    ...(checks.length ? { checks } : {}),
    ...(workers ? { workers } : {}),
  });
}

/**
 * Readiness: whether this process can decide now. The ledger must answer a
 * trivial query and every dependency check pass (the trusted keys
 * fetched); a load balancer sends traffic only while it is 200.
 */
async function readyz(res: ServerResponse, ctx: EndpointContext): Promise<void> {
  const checks: HealthCheck[] = [...(ctx.health?.() ?? [])];
  try {
    await ctx.ledger.ping();
    checks.push({ name: 'ledger', ok: true });
  } catch (e) {
    // The code only: a driver message could name the host or the user.
    checks.push({
      name: 'ledger',
      ok: false,
      detail: e instanceof VIError ? e.code : 'LEDGER_UNAVAILABLE',
    });
  }
  const ready = checks.every((c) => c.ok);
  sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', checks });
}

/** The network's own L3a audience, when configured: without it the network endpoints are not served. */
export function networkAudienceOf(ctx: Pick<EndpointContext, 'expect'>): string | undefined {
  return ctx.expect?.l3a?.aud;
}

/** The route table of the service's own endpoints. */
export function serviceRoutes(ctx: EndpointContext): Route[] {
  const served = publicJwkSet(ctx.jwks);
  const network: Route[] =
    networkAudienceOf(ctx) === undefined
      ? []
      : [
          {
            method: 'POST',
            path: '/v1/network/authorize',
            handler: (req, res) => networkAuthorize(req, res, ctx),
          },
          {
            method: 'POST',
            path: '/v1/network/capture',
            handler: (req, res) => networkCapture(req, res, ctx),
          },
          {
            method: 'POST',
            path: '/v1/network/reverse',
            handler: (req, res) => networkReverse(req, res, ctx),
          },
          {
            method: 'POST',
            path: '/v1/network/revoke',
            handler: (req, res) => networkRevoke(req, res, ctx),
          },
        ];
  return [
    {
      method: 'POST',
      path: '/v1/merchant/verify',
      handler: (req, res) => merchantVerify(req, res, ctx),
    },
    ...network,
    {
      method: 'GET',
      path: '/.well-known/jwks.json',
      handler: (_req, res) => sendJson(res, 200, served),
    },
    { method: 'GET', path: '/healthz', handler: (_req, res) => healthz(res, ctx) },
    { method: 'GET', path: '/readyz', handler: (_req, res) => readyz(res, ctx) },
    ...(ctx.statusListToken
      ? [
          {
            method: 'GET' as const,
            path: '/v1/status-list',
            handler: (_req: IncomingMessage, res: ServerResponse) => statusList(res, ctx),
          },
        ]
      : []),
  ];
}
