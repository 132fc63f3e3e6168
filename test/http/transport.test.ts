/**
 * The service as an HTTP citizen: size limits enforced while streaming, typed
 * 4xx for bad input, 404/405, slow bodies cut off, the JWK Set, health, extra
 * routes, and no stack traces or crashes when a handler fails.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson } from '../../src/http/router.js';
import { exportPrivateJwk, generateSigningKey } from '../../src/sdjwt/keys.js';
import { parties } from './chain.js';
import {
  get,
  OPERATOR,
  post,
  type Running,
  sqliteSpec,
  startService,
  streamBody,
} from './harness.js';

const p = parties('transport');
const served = generateSigningKey('served-1');
let svc: Running;

beforeAll(async () => {
  svc = await startService(sqliteSpec(), {
    issuerKeys: p.issuerJwks,
    // A private key by mistake in config: only its public members may be served.
    jwks: { keys: [exportPrivateJwk(served)] },
    limits: { maxBodyBytes: 4096, requestTimeoutMs: 400, headersTimeoutMs: 400 },
    extraRoutes: [
      {
        method: 'GET',
        path: '/inspect/*',
        handler: (_req, res, url) => sendJson(res, 200, { mounted: url.pathname }),
      },
      {
        method: 'GET',
        path: '/boom',
        handler: () => {
          throw new Error('handler bug with a secret stack');
        },
      },
    ],
  });
});
afterAll(() => svc.stop());

/** curl is what operators reach for, and it sends `Expect: 100-continue`; the test skips (saying so) without it. */
const HAS_CURL = spawnSync('curl', ['--version']).status === 0;
if (!HAS_CURL)
  console.warn('transport.test: curl not found; the Expect: 100-continue cases are skipped');

describe('request bodies', () => {
  it('refuses a declared oversized body with 413 HTTP_BODY_TOO_LARGE before reading it', async () => {
    const r = await post(
      svc.url,
      '/v1/merchant/verify',
      JSON.stringify({ vi_bundle: 1, pad: 'x'.repeat(10_000) }),
    );
    expect(r.status).toBe(413);
    expect(r.body).toEqual({ error: { code: 'HTTP_BODY_TOO_LARGE', message: expect.any(String) } });
  });

  it.each([
    ['declared', 12],
    ['declared', 40],
    ['chunked', 20],
  ])(
    'lets the 413 reach a client that sends a %s body of %i MiB (no connection reset)',
    async (how, mib) => {
      const big = Buffer.alloc(mib * 1024 * 1024, 0x20);
      const body =
        how === 'declared'
          ? big
          : new ReadableStream({
              start(controller) {
                for (let i = 0; i < mib; i++)
                  controller.enqueue(big.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024));
                controller.close();
              },
            });
      const res = await fetch(`${svc.url}/v1/merchant/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        ...(how === 'chunked' ? { duplex: 'half' } : {}),
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'HTTP_BODY_TOO_LARGE',
      );
    },
  );

  it.skipIf(!HAS_CURL).each([12, 40])(
    'answers curl (Expect: 100-continue) sending %i MiB with the 413 before it uploads',
    async (mib) => {
      const dir = mkdtempSync(join(tmpdir(), 'vintent-big-'));
      const file = join(dir, 'body.json');
      writeFileSync(file, Buffer.alloc(mib * 1024 * 1024, 0x20));
      const out = await new Promise<string>((resolve, reject) =>
        execFile(
          'curl',
          [
            '-s',
            '-o',
            '-',
            '-w',
            '\n%{http_code}',
            '--max-time',
            '20',
            '-H',
            'content-type: application/json',
            '--data-binary',
            `@${file}`,
            `${svc.url}/v1/merchant/verify`,
          ],
          (error, stdout) => (error ? reject(error) : resolve(stdout)),
        ),
      );
      rmSync(dir, { recursive: true, force: true });
      const [body, status] = out.split('\n');
      expect(status).toBe('413');
      expect(JSON.parse(body!).error.code).toBe('HTTP_BODY_TOO_LARGE');
    },
  );

  it('cuts off a chunked body as soon as it passes the limit', async () => {
    const chunk = Buffer.alloc(1024, 0x20);
    const r = await streamBody(
      svc.url,
      '/v1/network/authorize',
      Array.from({ length: 16 }, () => chunk),
    );
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('HTTP_BODY_TOO_LARGE');
  });

  it('answers 415 HTTP_UNSUPPORTED_MEDIA_TYPE for a body that is not sent as JSON, on the POST endpoints', async () => {
    // (/v1/network/reverse answers 401 first: it authenticates the operator before reading a body.)
    for (const path of ['/v1/merchant/verify', '/v1/network/authorize']) {
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        '',
      ]) {
        const res = await fetch(`${svc.url}${path}`, {
          method: 'POST',
          headers: type ? { 'content-type': type } : {},
          body: '{"vi_bundle":1}',
        });
        expect(res.status, `${path} ${type}`).toBe(415);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
          'HTTP_UNSUPPORTED_MEDIA_TYPE',
        );
      }
    }
    const charset = await fetch(`${svc.url}/v1/merchant/verify`, {
      method: 'POST',
      headers: { 'content-type': 'Application/JSON; charset=utf-8' },
      body: '{"vi_bundle":1,"l1":"a~","l2":"b~"}',
    });
    expect(charset.status).toBe(200);
  });

  it('answers a request that is not HTTP with 400 HTTP_MALFORMED_REQUEST', async () => {
    const { connect } = await import('node:net');
    const { port } = new URL(svc.url);
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write('NOT HTTP AT ALL\r\n\r\n'),
      );
      let data = '';
      socket.on('data', (d) => (data += String(d)));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(text.startsWith('HTTP/1.1 400')).toBe(true);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)).error.code).toBe(
      'HTTP_MALFORMED_REQUEST',
    );
  });

  it('answers 400 HTTP_BODY_MALFORMED for JSON that does not parse', async () => {
    const r = await post(svc.url, '/v1/network/authorize', '{"vi_bundle": 1,');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('HTTP_BODY_MALFORMED');
  });

  it('answers 400 BUNDLE_MALFORMED for a body that is not a bundle', async () => {
    for (const body of [
      { vi_bundle: 2, l1: 'a', l2: 'b' },
      { vi_bundle: 1, l1: '', l2: 'x' },
      [],
      'just a string',
      null,
    ]) {
      const r = await post(svc.url, '/v1/merchant/verify', JSON.stringify(body));
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('BUNDLE_MALFORMED');
    }
  });

  it('answers 400 for a reversal without an authorization id', async () => {
    const r = await post(svc.url, '/v1/network/reverse', { id: 'auth_x' }, OPERATOR);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('HTTP_REQUEST_INVALID');
  });

  it('a well-formed bundle of garbage credentials is a 200 verdict, not an error', async () => {
    const r = await post(svc.url, '/v1/merchant/verify', {
      vi_bundle: 1,
      l1: 'garbage~',
      l2: 'more garbage~',
    });
    expect(r.status).toBe(200);
    expect(r.body.valid).toBe(false);
    const a = await post(svc.url, '/v1/network/authorize', {
      vi_bundle: 1,
      l1: 'garbage~',
      l2: 'more garbage~',
    });
    expect(a.body.decision).toBe('declined');
  });

  it('cuts off a body that stops arriving (request timeout) with 408 HTTP_REQUEST_TIMEOUT', async () => {
    const r = await streamBody(svc.url, '/v1/network/authorize', [Buffer.from('{"vi_bundle":')], {
      finish: false,
    });
    expect(r.status).toBe(408);
    expect(r.body.error.code).toBe('HTTP_REQUEST_TIMEOUT');
  });
});

describe('routes', () => {
  it('unknown route: 404 HTTP_ROUTE_NOT_FOUND', async () => {
    const r = await get(svc.url, '/v1/nothing');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('HTTP_ROUTE_NOT_FOUND');
  });

  it('wrong method: 405 HTTP_METHOD_NOT_ALLOWED with Allow', async () => {
    const r = await get(svc.url, '/v1/network/authorize');
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
    expect(r.body.error.code).toBe('HTTP_METHOD_NOT_ALLOWED');
    const d = await get(svc.url, '/healthz', 'DELETE');
    expect(d.status).toBe(405);
  });

  it('serves the JWK Set without private members, and health', async () => {
    const j = await get(svc.url, '/.well-known/jwks.json');
    expect(j.status).toBe(200);
    expect(j.body.keys).toHaveLength(1);
    expect(j.body.keys[0]).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      kid: 'served-1',
      x: served.publicJwk.x,
    });
    expect(j.body.keys[0].d).toBeUndefined();
    expect((await get(svc.url, '/healthz')).body).toEqual({ status: 'ok' });
  });

  it('mounts extra routes (the inspector)', async () => {
    const r = await get(svc.url, '/inspect/abc');
    expect(r.body).toEqual({ mounted: '/inspect/abc' });
  });

  it('a failing handler is a 500 INTERNAL with no stack, logged in one line, and the server lives on', async () => {
    const r = await get(svc.url, '/boom');
    expect(r.status).toBe(500);
    expect(r.body).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
    expect(JSON.stringify(r.body)).not.toContain('secret');
    const line = svc.logs.find((l) => l.includes('/boom failed'));
    expect(line).toBeDefined();
    expect(line).not.toContain('\n');
    expect((await get(svc.url, '/healthz')).status).toBe(200);
  });
});

describe('ledger outage', () => {
  it('answers 503 LEDGER_UNAVAILABLE when storage fails', async () => {
    const s = await startService(sqliteSpec(), { issuerKeys: p.issuerJwks });
    try {
      const { autonomousChain, fulfil, networkView } = await import('./chain.js');
      const c = await autonomousChain(p);
      await s.ledger.close(); // storage gone under a running service
      const r = await post(s.url, '/v1/network/authorize', networkView(c, fulfil(c, 0, 30000)));
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe('LEDGER_UNAVAILABLE');
    } finally {
      await s.service.close();
    }
  });
});

describe('server configuration', () => {
  it('accepts a request timeout shorter than the default headers timeout', async () => {
    const s = await startService(sqliteSpec(), {
      issuerKeys: p.issuerJwks,
      limits: { maxBodyBytes: 4096, requestTimeoutMs: 2000, headersTimeoutMs: 10_000 },
    });
    try {
      expect((await get(s.url, '/healthz')).status).toBe(200);
    } finally {
      await s.stop();
    }
  });
});
