/**
 * Request bodies with a hard size cap enforced while streaming: an oversized
 * body is refused before any of it is parsed, and never held in memory.
 * Problems with the HTTP request itself carry `HTTP_…` codes; what a bundle
 * got wrong is the verifier's to say.
 */
import type { IncomingMessage } from 'node:http';
import type { ErrorCode } from '../errors.js';
import { DEFAULT_PARSE_LIMITS, jsonDepthExceeds } from '../sdjwt/parse.js';

export type BodyResult =
  | { ok: true; value: unknown }
  | { ok: false; status: number; code: ErrorCode; message: string };

/**
 * After refusing, the rest of the body is read and dropped so the client,
 * still sending, sees our answer instead of a reset (closing with unread
 * bytes resets the connection). Lingering is bounded by time, as nginx's
 * lingering close is, and by a byte ceiling far above any real upload.
 */
const LINGER_MS = 5000;
const LINGER_MAX_BYTES = 256 * 1024 * 1024;

function tooLarge(maxBytes: number): BodyResult {
  return {
    ok: false,
    status: 413,
    code: 'HTTP_BODY_TOO_LARGE',
    message: `request body exceeds ${maxBytes} bytes`,
  };
}

/** Discard the rest of a refused body (bounded), so closing the socket does not reset the connection under the client. */
function drain(req: IncomingMessage): void {
  let dropped = 0;
  req.removeAllListeners('data');
  const stop = setTimeout(() => req.destroy(), LINGER_MS);
  stop.unref();
  req.on('end', () => clearTimeout(stop));
  req.on('close', () => clearTimeout(stop));
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > LINGER_MAX_BYTES) req.destroy();
  });
  req.resume();
}

/** Read the whole body, refusing (413 HTTP_BODY_TOO_LARGE) as soon as it passes `maxBytes`. */
export function readBody(
  req: IncomingMessage,
  maxBytes: number,
): Promise<{ ok: true; text: string } | Extract<BodyResult, { ok: false }>> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    drain(req);
    return Promise.resolve(tooLarge(maxBytes) as Extract<BodyResult, { ok: false }>);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: { ok: true; text: string } | Extract<BodyResult, { ok: false }>) => {
      if (done) return;
      done = true;
      resolve(r);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        chunks.length = 0;
        drain(req);
        finish(tooLarge(maxBytes) as Extract<BodyResult, { ok: false }>);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish({ ok: true, text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', () =>
      finish({
        ok: false,
        status: 400,
        code: 'HTTP_BODY_MALFORMED',
        message: 'request body could not be read',
      }),
    );
    req.on('aborted', () =>
      finish({
        ok: false,
        status: 400,
        code: 'HTTP_BODY_MALFORMED',
        message: 'request body was cut off',
      }),
    );
  });
}

/** Whether a Content-Type header names JSON: `application/json` or any `application/…+json`, parameters allowed. */
export function isJsonContentType(header: string | string[] | undefined): boolean {
  const value = (Array.isArray(header) ? header[0] : header) ?? '';
  const type = value.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * Read and JSON-parse a body: 415 HTTP_UNSUPPORTED_MEDIA_TYPE unless the
 * content type is JSON (which also keeps cross-site form posts out: they
 * cannot send it without a CORS preflight), 413 HTTP_BODY_TOO_LARGE, 400
 * HTTP_BODY_MALFORMED when the body is not JSON.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  if (!isJsonContentType(req.headers['content-type'])) {
    drain(req);
    return {
      ok: false,
      status: 415,
      code: 'HTTP_UNSUPPORTED_MEDIA_TYPE',
      message: 'send the request body as application/json',
    };
  }
  const body = await readBody(req, maxBytes);
  if (!body.ok) return body;
  // The depth limit spec/limits.md promises, before any object is built (JSON.parse itself does not bound it).
  if (jsonDepthExceeds(body.text, DEFAULT_PARSE_LIMITS.maxJsonDepth))
    return {
      ok: false,
      status: 400,
      code: 'LIMIT_EXCEEDED',
      message: `request body nests deeper than ${DEFAULT_PARSE_LIMITS.maxJsonDepth}`,
    };
  try {
    return { ok: true, value: JSON.parse(body.text) as unknown };
  } catch {
    return {
      ok: false,
      status: 400,
      code: 'HTTP_BODY_MALFORMED',
      message: 'request body is not valid JSON',
    };
  }
}
