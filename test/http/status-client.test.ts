/**
 * Token Status List: the issuer's list and token (src/issue/status-list.ts),
 * fetched over real loopback HTTP by the resolver (src/http/status-client.ts):
 * signature under a configured issuer key, sub = URI, expiry, TTL cache.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusListResolver } from '../../src/http/status-client.js';
import { IssuerStatusList, statusClaim } from '../../src/issue/status-list.js';
import { generateSigningKey, signEs256 } from '../../src/sdjwt/keys.js';
import { decompressStatuses, TOKEN_STATUS } from '../../src/sdjwt/status-list.js';

const issuer = generateSigningKey('status-issuer');
const stranger = generateSigningKey('status-issuer'); // same kid, other key
let server: Server;
let base: string;
let fetches = 0;
/** path → token body served */
const served = new Map<string, string>();

beforeAll(async () => {
  server = createServer((req, res) => {
    fetches++;
    const body = served.get(req.url ?? '');
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/statuslist+jwt' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const now = Math.floor(Date.now() / 1000);

describe('issuer status list', () => {
  it('allocates references, sets statuses and publishes a token whose lst the library decodes back', () => {
    const list = new IssuerStatusList({ uri: 'https://issuer.example/status/1', size: 20 });
    const a = list.allocate();
    const b = list.allocate();
    expect([a.idx, b.idx]).toEqual([0, 1]);
    expect(statusClaim(b)).toEqual({
      status: { status_list: { idx: 1, uri: 'https://issuer.example/status/1' } },
    });
    list.set(b.idx, 'invalid');
    list.set(5, 'suspended');
    const token = list.publish({ issuerKey: issuer, iat: now, ttl: 60 });
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(payload).toMatchObject({
      sub: 'https://issuer.example/status/1',
      iat: now,
      ttl: 60,
      exp: now + 86400,
      status_list: { bits: 2 },
    });
    const decoded = decompressStatuses(payload.status_list.lst, 2);
    expect([decoded.statusAt(0), decoded.statusAt(1), decoded.statusAt(5)]).toEqual([
      TOKEN_STATUS.valid,
      TOKEN_STATUS.invalid,
      TOKEN_STATUS.suspended,
    ]);
    expect(() => list.set(20, 'invalid')).toThrow();
    expect(() => list.set(0, 4)).toThrow();
  });
});

describe('status list resolver', () => {
  it('reads entries from a verified list and caches it for its ttl', async () => {
    const uri = `${base}/lists/a`;
    const list = new IssuerStatusList({ uri, size: 8 });
    list.set(3, 'invalid');
    served.set('/lists/a', list.publish({ issuerKey: issuer, iat: now, ttl: 60 }));
    let ms = Date.now();
    const resolve = statusListResolver({
      issuerKeys: { keys: [issuer.publicJwk] },
      clock: () => ms,
      allowLoopbackHttp: true,
    });
    const before = fetches;
    expect(await resolve({ uri, idx: 0 })).toEqual({ ok: true, status: 0 });
    expect(await resolve({ uri, idx: 3 })).toEqual({ ok: true, status: 1 });
    expect(fetches - before).toBe(1);
    // Within the ttl a change is not seen; after it, it is.
    list.set(0, 'suspended');
    served.set('/lists/a', list.publish({ issuerKey: issuer, iat: now + 61, ttl: 60 }));
    expect(await resolve({ uri, idx: 0 })).toEqual({ ok: true, status: 0 });
    ms += 61_000;
    expect(await resolve({ uri, idx: 0 })).toEqual({ ok: true, status: 2 });
    expect(fetches - before).toBe(2);
    expect(await resolve({ uri, idx: 8 })).toMatchObject({ ok: false });
  });

  it('refuses a list signed by an unknown key, for another URI, expired, or unreachable', async () => {
    const errors: string[] = [];
    const resolve = statusListResolver({
      issuerKeys: { keys: [issuer.publicJwk] },
      onFetchError: (_u, m) => errors.push(m),
      allowLoopbackHttp: true,
    });
    const forged = new IssuerStatusList({ uri: `${base}/lists/forged`, size: 4 });
    served.set('/lists/forged', forged.publish({ issuerKey: stranger, iat: now }));
    expect(await resolve({ uri: `${base}/lists/forged`, idx: 0 })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('signature'),
    });

    const other = new IssuerStatusList({ uri: `${base}/lists/other`, size: 4 });
    served.set('/lists/moved', other.publish({ issuerKey: issuer, iat: now }));
    expect(await resolve({ uri: `${base}/lists/moved`, idx: 0 })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('sub'),
    });

    const old = new IssuerStatusList({ uri: `${base}/lists/old`, size: 4 });
    served.set('/lists/old', old.publish({ issuerKey: issuer, iat: now - 100, exp: now - 10 }));
    expect(await resolve({ uri: `${base}/lists/old`, idx: 0 })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('expired'),
    });

    expect(await resolve({ uri: `${base}/lists/missing`, idx: 0 })).toMatchObject({
      ok: false,
      reason: 'HTTP 404',
    });
    expect(await resolve({ uri: 'http://127.0.0.1:9/none', idx: 0 })).toMatchObject({ ok: false });
    expect(await resolve({ uri: 'file:///etc/passwd', idx: 0 })).toMatchObject({ ok: false });
    expect(errors.length).toBeGreaterThanOrEqual(5);
  });

  it('only https, unless loopback http is allowed by the caller', async () => {
    const strict = statusListResolver({ issuerKeys: { keys: [issuer.publicJwk] } });
    const list = new IssuerStatusList({ uri: `${base}/lists/https`, size: 4 });
    served.set('/lists/https', list.publish({ issuerKey: issuer, iat: now }));
    expect(await strict({ uri: `${base}/lists/https`, idx: 0 })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('https'),
    });
    const lax = statusListResolver({
      issuerKeys: { keys: [issuer.publicJwk] },
      allowLoopbackHttp: true,
    });
    expect(await lax({ uri: `${base}/lists/https`, idx: 0 })).toEqual({ ok: true, status: 0 });
    expect(await lax({ uri: 'http://issuer.example/lists/1', idx: 0 })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('https'),
    });
  });

  it('a token without exp or ttl, past exp, or older than the maximum age is stale: an old list cannot un-revoke', async () => {
    const resolve = statusListResolver({
      issuerKeys: { keys: [issuer.publicJwk] },
      allowLoopbackHttp: true,
      maxTokenAgeSeconds: 3600,
    });
    const raw = (iat: number, extra: Record<string, unknown>) => {
      const list = new IssuerStatusList({ uri: `${base}/lists/raw`, size: 4 });
      const token = list.publish({ issuerKey: issuer, iat, exp: 1 });
      // Re-sign the payload with exp removed or changed: what an issuer with another library could publish.
      const [h, p] = token.split('.');
      const payload = { ...JSON.parse(Buffer.from(p!, 'base64url').toString()), ...extra };
      for (const k of Object.keys(extra)) if (extra[k] === undefined) delete payload[k];
      const input = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
      return `${input}.${Buffer.from(signEs256(input, issuer.privateKey)).toString('base64url')}`;
    };
    served.set('/lists/raw', raw(now, { exp: undefined }));
    expect(await resolve({ uri: `${base}/lists/raw`, idx: 0 })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('exp or ttl'),
    });
    served.set('/lists/raw', raw(now - 120, { exp: undefined, ttl: -5 }));
    expect(await resolve({ uri: `${base}/lists/raw`, idx: 0 })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('ttl'),
    });
    served.set('/lists/raw', raw(now - 60, { exp: now - 1 }));
    expect(await resolve({ uri: `${base}/lists/raw`, idx: 0 })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('expired'),
    });
    served.set('/lists/raw', raw(now - 7200, { exp: now + 86400 }));
    expect(await resolve({ uri: `${base}/lists/raw`, idx: 0 })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('older than 3600'),
    });
    served.set('/lists/raw', raw(now - 60, { exp: now + 600 }));
    expect(await resolve({ uri: `${base}/lists/raw`, idx: 0 })).toEqual({ ok: true, status: 0 });
  });

  it("a list signed by another configured issuer does not answer for this L1's issuer", async () => {
    const other = generateSigningKey('other-issuer');
    const resolve = statusListResolver({
      issuerKeys: { keys: [issuer.publicJwk, other.publicJwk] },
      allowLoopbackHttp: true,
    });
    const list = new IssuerStatusList({ uri: `${base}/lists/theirs`, size: 4 });
    served.set('/lists/theirs', list.publish({ issuerKey: other, iat: now }));
    const ref = { uri: `${base}/lists/theirs`, idx: 0 };
    expect(
      await resolve({
        ...ref,
        issuer: { iss: 'https://bank.example', kid: issuer.kid, jwk: issuer.publicJwk },
      }),
    ).toMatchObject({
      ok: false,
      reason: expect.stringContaining("L1's own issuer"),
    });
    expect(
      await resolve({
        ...ref,
        issuer: { iss: 'https://other.example', kid: other.kid, jwk: other.publicJwk },
      }),
    ).toEqual({ ok: true, status: 0 });
  });
});
