/**
 * remoteJwksResolver against a real loopback JWKS server that rotates keys.
 * Time is an injected clock, so TTL and rate limiting are tested without waiting.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteJwksResolver } from '../../src/http/jwks-client.js';
import { exportPrivateJwk, generateSigningKey } from '../../src/sdjwt/keys.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';
import { autonomousChain, fulfil, networkView, parties, SERVER_NOW } from './chain.js';

const k1 = generateSigningKey('rot-1');
const k2 = generateSigningKey('rot-2');
const leaked = generateSigningKey('leaked-private');

let keys: Record<string, unknown>[] = [k1.publicJwk];
let hits = 0;
let status = 200;
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((_req, res) => {
    hits++;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function reset(set: Record<string, unknown>[]): void {
  keys = set;
  hits = 0;
  status = 200;
}

describe('remoteJwksResolver', () => {
  it('fetches once, caches for the TTL, refetches after it', async () => {
    reset([k1.publicJwk]);
    let now = 0;
    const resolve = remoteJwksResolver(url, { ttlMs: 60_000, clock: () => now });
    expect((await resolve('rot-1'))?.x).toBe(k1.publicJwk.x);
    expect(await resolve('rot-1')).toBeDefined();
    expect(hits).toBe(1);
    now = 60_001;
    expect(await resolve('rot-1')).toBeDefined();
    expect(hits).toBe(2);
  });

  it('refreshes once on an unknown kid (rotation), then rate-limits refreshes', async () => {
    reset([k1.publicJwk]);
    let now = 0;
    const resolve = remoteJwksResolver(url, { clock: () => now, minRefreshIntervalMs: 30_000 });
    expect(await resolve('rot-1')).toBeDefined();
    now = 31_000;
    keys = [k2.publicJwk]; // the issuer rotated
    expect((await resolve('rot-2'))?.x).toBe(k2.publicJwk.x);
    expect(hits).toBe(2);
    // A made-up kid right after: no new fetch inside the interval.
    expect(await resolve('made-up')).toBeUndefined();
    expect(await resolve('made-up-2')).toBeUndefined();
    expect(hits).toBe(2);
    now = 62_000;
    expect(await resolve('made-up')).toBeUndefined();
    expect(hits).toBe(3);
  });

  it('never returns a private JWK, nor a key of another type', async () => {
    reset([
      exportPrivateJwk(leaked),
      { kty: 'RSA', kid: 'rsa-1', n: 'AQAB', e: 'AQAB' },
      k1.publicJwk,
    ]);
    const resolve = remoteJwksResolver(url, { clock: () => 0 });
    expect(await resolve('leaked-private')).toBeUndefined();
    expect(await resolve('rsa-1')).toBeUndefined();
    expect(await resolve('rot-1')).toBeDefined();
  });

  it('keeps the last good set when the endpoint fails, and never throws', async () => {
    reset([k1.publicJwk]);
    let now = 0;
    const resolve = remoteJwksResolver(url, { ttlMs: 1000, clock: () => now });
    expect(await resolve('rot-1')).toBeDefined();
    status = 500;
    now = 5000;
    expect(await resolve('rot-1')).toBeDefined();
    const dead = remoteJwksResolver('http://127.0.0.1:1/jwks.json', { timeoutMs: 500 });
    expect(await dead('rot-1')).toBeUndefined();
  });

  it('stops trusting its last set once refreshes have failed for longer than maxStaleMs (default 24 h)', async () => {
    reset([k1.publicJwk]);
    let now = 0;
    const resolve = remoteJwksResolver(url, { ttlMs: 60_000, clock: () => now });
    expect(await resolve('rot-1')).toBeDefined();
    // The issuer removes the key; an attacker blocks every refresh from now on.
    status = 503;
    now = 23 * 3600_000;
    expect(await resolve('rot-1')).toBeDefined();
    now = 24 * 3600_000 + 1;
    expect(await resolve('rot-1')).toBeUndefined();
    expect(resolve.status()).toMatchObject({ ok: false, keys: 0 });
    // A refresh that succeeds again restores trust in what it brings.
    status = 200;
    now += 60_000;
    expect(await resolve('rot-1')).toBeDefined();
    const tight = remoteJwksResolver(url, { ttlMs: 1000, maxStaleMs: 5000, clock: () => now });
    expect(await tight('rot-1')).toBeDefined();
    status = 500;
    now += 6000;
    expect(await tight('rot-1')).toBeUndefined();
  });

  it('times out a JWKS endpoint that never answers', async () => {
    const silent = createServer(() => {
      /* never answers */
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const resolve = remoteJwksResolver(
        `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`,
        { timeoutMs: 200 },
      );
      expect(await resolve('rot-1')).toBeUndefined();
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('plugs into the verifier as issuerKeys, following a rotation', async () => {
    const p = parties('remote');
    const chain = await autonomousChain(p);
    reset([k1.publicJwk]);
    let now = 0;
    const issuerKeys = remoteJwksResolver(url, { clock: () => now });
    expect(await issuerKeys('rot-1')).toBeDefined();
    now = 40_000;
    keys = [k1.publicJwk, p.issuer.publicJwk]; // the issuer published its new key
    const r = await verifyPresentation(networkView(chain, fulfil(chain, 0, 30000)), {
      now: SERVER_NOW,
      issuerKeys,
    });
    expect(r.errors).toEqual([]);
    expect(r.valid).toBe(true);
  });
});
