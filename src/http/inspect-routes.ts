/**
 * The inspector's HTTP surface, as routes for the shared route table:
 *
 * - `GET  /inspect`                the page
 * - `GET  /inspect/assets/<file>`  its CSS and JS (a fixed list of files)
 * - `GET  /inspect/api/preload`    the bundle given on the command line, if any
 * - `POST /inspect/api/verify`     `{bundle, role?, pair?}` → the page's model
 *
 * Verification happens here, not in the browser: the page and `vintent verify`
 * then run one code path (verifyPresentation), and no crypto or SD-JWT code has
 * to be bundled for, or trusted in, the browser.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { ASSETS_DIR } from '../inspect/index.js';
import { isViewRole } from '../inspect/roles.js';
import { type InspectorOptions, inspectText } from '../inspect/service.js';
import { readJsonBody } from './body.js';
import { sendError } from './respond.js';
import { type Route, sendJson } from './router.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** No external requests, no inline script: the page may load only its own files. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** The assets directory next to this module: src/… under tsx, dist/… once built (scripts/post-build.mjs). */
export { ASSETS_DIR };

/** Read every asset once at startup: the set of servable files is fixed, no path ever comes from a request. */
function loadAssets(): Map<string, { body: Buffer; type: string }> {
  const out = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(ASSETS_DIR)) {
    const ext = name.slice(name.lastIndexOf('.'));
    const type = CONTENT_TYPES[ext];
    if (type) out.set(name, { body: readFileSync(join(ASSETS_DIR, name)), type });
  }
  return out;
}

function sendAsset(res: ServerResponse, asset: { body: Buffer; type: string }): void {
  res.writeHead(200, {
    'content-type': asset.type,
    'content-length': asset.body.length,
    ...SECURITY_HEADERS,
  });
  res.end(asset.body);
}

function parsePair(v: unknown): number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v < 1024 ? v : 0;
}

/**
 * The inspector's routes; mount them on any server built on src/http/router.ts
 * (e.g. `createVintentServer({ ..., extraRoutes: inspectorRoutes(options) })`).
 */
export function inspectorRoutes(options: InspectorOptions = {}): Route[] {
  const assets = loadAssets();
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const page = (_req: unknown, res: ServerResponse) => {
    const index = assets.get('index.html');
    if (index) sendAsset(res, index);
    else sendError(res, 500, 'INTERNAL', 'inspector assets are missing');
  };
  return [
    { method: 'GET', path: '/inspect', handler: page },
    { method: 'GET', path: '/inspect/', handler: page },
    {
      method: 'GET',
      path: '/inspect/assets/*',
      handler: (_req, res, url) => {
        const asset = assets.get(url.pathname.slice('/inspect/assets/'.length));
        if (asset) sendAsset(res, asset);
        else sendError(res, 404, 'HTTP_ROUTE_NOT_FOUND', 'no such asset');
      },
    },
    {
      method: 'GET',
      path: '/inspect/api/preload',
      handler: (_req, res) => sendJson(res, 200, options.preload ?? { name: null, bundle: null }),
    },
    {
      method: 'POST',
      path: '/inspect/api/verify',
      handler: async (req, res) => {
        // JSON only (readJsonBody answers 415 otherwise): a cross-site form cannot send it without a CORS preflight, which this server never grants.
        const body = await readJsonBody(req, maxBodyBytes);
        if (!body.ok) {
          sendError(res, body.status, body.code, body.message);
          return;
        }
        const b = (typeof body.value === 'object' && body.value !== null ? body.value : {}) as {
          bundle?: unknown;
          role?: unknown;
          pair?: unknown;
        };
        const role = isViewRole(b.role) ? b.role : 'presented';
        const answer = await inspectText(b.bundle, role, parsePair(b.pair), options);
        if (!answer.ok) {
          sendError(res, answer.status, answer.code, answer.message);
          return;
        }
        sendJson(res, 200, answer.view);
      },
    },
  ];
}
