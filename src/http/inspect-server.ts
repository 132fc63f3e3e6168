/**
 * The inspector on its own (what `vintent inspect` runs): a loopback-only
 * node:http server with just the inspector routes. No ledger, no service
 * endpoints; `vintent serve` mounts the same routes next to its own.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InspectorOptions } from '../inspect/service.js';
import { inspectorRoutes } from './inspect-routes.js';
import { sendError } from './respond.js';
import { matchRoute } from './router.js';

/** A running standalone inspector: its URL, its server, and how to stop it. */
export interface StandaloneInspector {
  /** Base URL of the page, e.g. `http://127.0.0.1:8790/inspect`. */
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Start the inspector on 127.0.0.1 (`port` 0 picks a free one). */
export async function startInspector(
  options: InspectorOptions & { port?: number } = {},
): Promise<StandaloneInspector> {
  const routes = inspectorRoutes(options);
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        if (url.pathname === '/') {
          res.writeHead(302, { location: '/inspect' });
          res.end();
          return;
        }
        const route = matchRoute(routes, req.method ?? 'GET', url.pathname);
        if (route) await route.handler(req, res, url);
        else sendError(res, 404, 'HTTP_ROUTE_NOT_FOUND', `no page ${url.pathname}`);
      } catch {
        sendError(res, 500, 'INTERNAL', 'internal error');
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: the inspector shows credentials and must not be reachable from the network.
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/inspect`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
