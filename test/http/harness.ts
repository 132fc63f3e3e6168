/** Start a real service on loopback with a real ledger, and talk to it over HTTP. */
import { mkdtempSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createVintentServer,
  type VintentServer,
  type VintentServerConfig,
} from '../../src/http/server.js';
import { openLedger } from '../../src/ledger/index.js';
import type { Ledger } from '../../src/ledger/types.js';
import { NETWORK_AUD, SERVER_NOW } from './chain.js';

export { PG_URL } from '../support/environment.js';

export function sqliteSpec(): string {
  return `sqlite:${join(mkdtempSync(join(tmpdir(), 'vintent-http-')), 'ledger.db')}`;
}

export interface Running {
  url: string;
  ledger: Ledger;
  service: VintentServer;
  logs: string[];
  stop(): Promise<void>;
}

export async function startService(
  ledgerSpec: string,
  config: Omit<VintentServerConfig, 'ledger'>,
): Promise<Running> {
  const ledger = await openLedger(ledgerSpec);
  const logs: string[] = [];
  const service = createVintentServer({
    port: 0,
    now: () => SERVER_NOW,
    log: (l) => logs.push(l),
    networkAud: NETWORK_AUD,
    operatorToken: OPERATOR_TOKEN,
    ...config,
    ledger,
  });
  const { url } = await service.listen();
  return {
    url,
    ledger,
    service,
    logs,
    async stop() {
      await service.close();
      await ledger.close();
    },
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** The operator credential the test services are configured with (reversal needs it). */
export const OPERATOR_TOKEN = 'test-operator-token-0123456789abcdef';
export const OPERATOR = { authorization: `Bearer ${OPERATOR_TOKEN}` };

export async function post(
  url: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

export async function get(url: string, path: string, method = 'GET'): Promise<Answer> {
  const res = await fetch(`${url}${path}`, { method });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/**
 * Send a body in chunks without a content-length (chunked encoding), optionally
 * stopping before the end, and return what the server answered.
 */
export function streamBody(
  url: string,
  path: string,
  chunks: Buffer[],
  opts: { finish?: boolean } = {},
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}${path}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    if (opts.finish !== false) req.end();
  });
}
