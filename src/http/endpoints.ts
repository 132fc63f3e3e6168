/**
 * The service's own endpoints: merchant verification, network authorization
 * and reversal, the public JWK Set and a health check. Each handler validates
 * its input and answers with a typed error code; none of them throws on input.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { ErrorCode } from '../errors.js';
import { reportOf } from '../cli/verify.js';
import type { Ledger } from '../ledger/types.js';
import { bundleSchema, type JwkSet } from '../spec/bundle.js';
import { authorizePresentation, verifyWithConfiguredTrust, type NetworkTrust } from './authorize.js';
import { readJsonBody } from './body.js';
import { sendError } from './respond.js';
import { sendJson, type Route } from './router.js';

export interface EndpointContext extends NetworkTrust {
  ledger: Ledger;
  maxBodyBytes: number;
  /** Unix seconds: the only clock decisions are judged by. */
  now: () => number;
  jwks: JwkSet;
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
  const body = await readJsonBody(req, ctx.maxBodyBytes);
  if (!body.ok) {
    sendError(res, body.status, body.code, body.message, body.status === 413 || body.status === 415 ? { connection: 'close' } : {});
    return undefined;
  }
  const parsed = schema.safeParse(body.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    sendError(res, 400, invalid, `${where}${issue?.message ?? 'invalid request body'}`);
    return undefined;
  }
  return parsed.data;
}

async function merchantVerify(req: IncomingMessage, res: ServerResponse, ctx: EndpointContext): Promise<void> {
  const bundle = await validBody(req, res, ctx, bundleSchema, 'BUNDLE_MALFORMED');
  if (bundle === undefined) return;
  const result = await verifyWithConfiguredTrust(bundle, ctx, ctx.now());
  // An invalid presentation is a verdict, not a transport error: still 200.
  // The CLI's per-file fields (file, verdict_match) have no meaning here.
  const { file: _file, verdict_match: _match, ...verdict } = reportOf('-', bundle, result);
  sendJson(res, 200, { ...verdict, checks: result.checks, pairs: result.pairs });
}

async function networkAuthorize(req: IncomingMessage, res: ServerResponse, ctx: EndpointContext): Promise<void> {
  const bundle = await validBody(req, res, ctx, bundleSchema, 'BUNDLE_MALFORMED');
  if (bundle === undefined) return;
  sendJson(res, 200, await authorizePresentation(bundle, ctx, ctx.now()));
}

const reversalSchema = z.object({ authorization_id: z.string().min(1).max(200), reason: z.string().max(500).optional() });

async function networkReverse(req: IncomingMessage, res: ServerResponse, ctx: EndpointContext): Promise<void> {
  const body = await validBody(req, res, ctx, reversalSchema);
  if (body === undefined) return;
  const r = await ctx.ledger.reverse(body.authorization_id, ctx.now(), body.reason);
  if (!r.ok) {
    const code = r.code ?? 'LEDGER_AUTHORIZATION_UNKNOWN';
    // Already reversed is a conflict with the authorization's state; never-approved is not found.
    sendError(res, code === 'LEDGER_AUTHORIZATION_REVERSED' ? 409 : 404, code, r.message ?? 'authorization cannot be reversed');
    return;
  }
  sendJson(res, 200, { reversed: true, authorization_id: r.authorizationId });
}

/** Members of a JWK that must never leave the server (RSA/EC private parts, symmetric keys). */
const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

/** The JWK Set with every private member stripped, whatever configuration said. */
export function publicJwkSet(jwks: JwkSet): JwkSet {
  return { keys: jwks.keys.map((k) => Object.fromEntries(Object.entries(k).filter(([name]) => !PRIVATE_MEMBERS.has(name)))) };
}

/** The route table of the service's own endpoints. */
export function serviceRoutes(ctx: EndpointContext): Route[] {
  const served = publicJwkSet(ctx.jwks);
  return [
    { method: 'POST', path: '/v1/merchant/verify', handler: (req, res) => merchantVerify(req, res, ctx) },
    { method: 'POST', path: '/v1/network/authorize', handler: (req, res) => networkAuthorize(req, res, ctx) },
    { method: 'POST', path: '/v1/network/reverse', handler: (req, res) => networkReverse(req, res, ctx) },
    { method: 'GET', path: '/.well-known/jwks.json', handler: (_req, res) => sendJson(res, 200, served) },
    { method: 'GET', path: '/healthz', handler: (_req, res) => sendJson(res, 200, { status: 'ok' }) },
  ];
}
