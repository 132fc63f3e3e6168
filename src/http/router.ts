/**
 * A minimal route table over node:http, shared by the merchant, network,
 * JWKS and inspector endpoints. No framework: the surface is a handful of
 * JSON endpoints and a static page.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An HTTP request handler; the parsed URL comes along. */
export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

/** One HTTP route: method, path (a trailing `*` matches any rest) and handler; pass extra ones as `extraRoutes`. */
export interface Route {
  method: 'GET' | 'POST';
  /** Exact path, or a prefix when it ends with `/*`. */
  path: string;
  handler: Handler;
}

export function matchRoute(
  routes: readonly Route[],
  method: string,
  pathname: string,
): Route | undefined {
  return routes.find((r) => {
    if (r.method !== method) return false;
    if (r.path.endsWith('/*'))
      return pathname.startsWith(r.path.slice(0, -1)) || pathname === r.path.slice(0, -2);
    return r.path === pathname;
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** Fields a handler adds to its request's log line (decision, codes, ...). */
export const logNotes = new WeakMap<ServerResponse, Record<string, unknown>>();

export function annotate(res: ServerResponse, fields: Record<string, unknown>): void {
  logNotes.set(res, { ...logNotes.get(res), ...fields });
}
