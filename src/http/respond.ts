/**
 * Transport-level error answers. Every failure a client can cause gets the one
 * shape `{"error":{"code","message"}}` with a stable {@link ErrorCode}: clients
 * branch on the code, never on the status text or message.
 */
import type { ServerResponse } from 'node:http';
import type { ErrorCode } from '../errors.js';
import { sendJson } from './router.js';

/** The error code each failed response carried, for the server's one-line log. */
export const errorCodes = new WeakMap<ServerResponse, ErrorCode>();

/** The error body every endpoint uses. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** Answer with the error body, unless an answer already started (then just end it). */
export function sendError(
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  errorCodes.set(res, code);
  sendJson(res, status, { error: { code, message } } satisfies ErrorBody);
}
