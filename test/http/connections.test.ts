/**
 * What an operator meets: silent sockets are closed from accept, one worker
 * holds a bounded number of connections and refuses the next one clearly,
 * and the service answers again once the flood is gone. Real loopback TCP.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parties } from './chain.js';
import { get, OPERATOR_TOKEN, post, type Running, sqliteSpec, startService } from './harness.js';

let svc: Running;
let port: number;

beforeAll(async () => {
  svc = await startService(sqliteSpec(), {
    issuerKeys: parties('conn').issuerJwks,
    limits: { idleTimeoutMs: 300, maxConnections: 20 },
  });
  port = Number(new URL(svc.url).port);
});
afterAll(() => svc.stop());

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

const closed = (s: Socket, ms: number) =>
  new Promise<boolean>((resolve) => {
    if (s.destroyed || s.readableEnded) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    s.once('close', () => (clearTimeout(t), resolve(true)));
  });

describe('connections', () => {
  it('closes a connection that never sends a byte, counting from accept', async () => {
    const sockets = await Promise.all(Array.from({ length: 10 }, open));
    const results = await Promise.all(sockets.map((s) => closed(s, 3000)));
    expect(results.every(Boolean)).toBe(true);
  });

  it('refuses a connection over the cap with 503 HTTP_OVERLOADED, and answers again once the flood is gone', async () => {
    const held = await Promise.all(Array.from({ length: 20 }, open));
    const extra = await open();
    const reply = await new Promise<string>((resolve) => {
      let text = '';
      extra.on('data', (d) => (text += d.toString()));
      extra.on('close', () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 503/);
    expect(reply).toContain('HTTP_OVERLOADED');
    await Promise.all(held.map((s) => closed(s, 3000)));
    const health = await get(svc.url, '/healthz');
    expect(health.status).toBe(200);
    expect(svc.logs.some((l) => JSON.parse(l).event === 'connection_refused')).toBe(true);
  });

  it('parses bodies with the depth limit spec/limits.md promises', async () => {
    const deep = `${'['.repeat(40)}${']'.repeat(40)}`;
    const r = await fetch(`${svc.url}/v1/network/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: deep,
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('LIMIT_EXCEEDED');
  });

  it('takes the auth scheme case-insensitively (RFC 9110 §11.1)', async () => {
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const r = await post(
        svc.url,
        '/v1/network/reverse',
        { authorization_id: 'auth-unknown' },
        { authorization: `${scheme} ${OPERATOR_TOKEN}` },
      );
      expect(r.status).toBe(404);
    }
    const wrong = await post(
      svc.url,
      '/v1/network/reverse',
      { authorization_id: 'auth-unknown' },
      { authorization: `bearer not-${OPERATOR_TOKEN}` },
    );
    expect(wrong.status).toBe(401);
  });
});
