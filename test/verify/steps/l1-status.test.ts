/**
 * The L1 status check (src/verify/steps/l1-status.ts): each status value and
 * each failure of the lookup gets its own outcome; with a real list over
 * loopback HTTP too (statusListResolver).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { statusListResolver } from '../../../src/http/status-client.js';
import { IssuerStatusList, statusClaim } from '../../../src/issue/status-list.js';
import type { StatusResolver } from '../../../src/sdjwt/status-list.js';
import { verifyPresentation } from '../../../src/verify/index.js';
import { autonomousChain, fulfil, networkView, parties, SERVER_NOW } from '../../http/chain.js';

const URI = 'https://issuer.example/status/7';

async function viewWith(l1Claims?: Record<string, unknown>) {
  const c = await autonomousChain(parties('status'), l1Claims ? { l1Claims } : {});
  return { c, view: networkView(c, fulfil(c, 0, 10000)) };
}

async function verify(
  view: unknown,
  c: { p: { issuerJwks: any } },
  extra: Record<string, unknown>,
) {
  return verifyPresentation(view, { issuerKeys: c.p.issuerJwks, now: SERVER_NOW, ...extra });
}
const codes = (r: { errors: { code: string }[] }) => r.errors.map((e) => e.code);
const fixed =
  (status: number): StatusResolver =>
  () => ({ ok: true, status });

describe('L1 status', () => {
  it('passes a VALID entry and rejects INVALID, SUSPENDED and other values with their own codes', async () => {
    const { c, view } = await viewWith(statusClaim({ idx: 3, uri: URI }));
    const seen: unknown[] = [];
    const ok = await verify(view, c, {
      statusResolver: (ref: unknown) => (seen.push(ref), { ok: true, status: 0 }),
    });
    expect(ok.valid).toBe(true);
    expect(seen).toMatchObject([{ idx: 3, uri: URI, issuer: { kid: c.p.issuer.kid } }]);
    expect(ok.checks.find((k) => k.name === 'l1.status')?.status).toBe('passed');
    expect(codes(await verify(view, c, { statusResolver: fixed(1) }))).toEqual([
      'L1_STATUS_REVOKED',
    ]);
    expect(codes(await verify(view, c, { statusResolver: fixed(2) }))).toEqual([
      'L1_STATUS_SUSPENDED',
    ]);
    expect(codes(await verify(view, c, { statusResolver: fixed(3) }))).toEqual([
      'L1_STATUS_INVALID',
    ]);
  });

  it('fails closed when the list is unavailable or the resolver fails, unless configured to accept', async () => {
    const { c, view } = await viewWith(statusClaim({ idx: 0, uri: URI }));
    const down: StatusResolver = async () => ({ ok: false, reason: 'HTTP 503' });
    expect(codes(await verify(view, c, { statusResolver: down }))).toEqual([
      'L1_STATUS_UNAVAILABLE',
    ]);
    expect(
      codes(await verify(view, c, { statusResolver: () => Promise.reject(new Error('boom')) })),
    ).toEqual(['L1_STATUS_UNAVAILABLE']);
    expect(
      codes(
        await verify(view, c, {
          statusResolver: () => {
            throw new Error('sync boom');
          },
        }),
      ),
    ).toEqual(['L1_STATUS_UNAVAILABLE']);
    const open = await verify(view, c, { statusResolver: down, statusUnavailable: 'accept' });
    expect(open.valid).toBe(true);
    expect(open.checks.find((k) => k.name === 'l1.status')?.status).toBe('skipped');
  });

  it('rejects a malformed reference, and checks nothing without a resolver or a reference', async () => {
    const bad = await viewWith({ status: { status_list: { idx: -1, uri: URI } } });
    expect(codes(await verify(bad.view, bad.c, { statusResolver: fixed(0) }))).toEqual([
      'L1_STATUS_INVALID',
    ]);
    expect((await verify(bad.view, bad.c, {})).valid).toBe(true);
    const none = await viewWith();
    let called = false;
    expect(
      (
        await verify(none.view, none.c, {
          statusResolver: () => ((called = true), { ok: true, status: 1 }),
        })
      ).valid,
    ).toBe(true);
    expect(called).toBe(false);
  });

  it('reads a real Status List Token over HTTP, signed by the L1 issuer', async () => {
    const p = parties('status-http');
    const server = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/statuslist+jwt' }).end(token),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/status/1`;
    const list = new IssuerStatusList({ uri, size: 16 });
    const ref = list.allocate();
    let token = list.publish({ issuerKey: p.issuer, ttl: 1 });
    try {
      const c = await autonomousChain(p, { l1Claims: statusClaim(ref) });
      const view = networkView(c, fulfil(c, 0, 10000));
      const statusResolver = statusListResolver({
        issuerKeys: p.issuerJwks,
        defaultTtlSeconds: 0,
        maxTtlSeconds: 0,
        allowLoopbackHttp: true,
      });
      expect((await verify(view, c, { statusResolver })).valid).toBe(true);
      list.set(ref.idx, 'invalid');
      token = list.publish({ issuerKey: p.issuer });
      expect(codes(await verify(view, c, { statusResolver }))).toEqual(['L1_STATUS_REVOKED']);
      // A list signed by another key is not trusted: fail closed.
      token = list.publish({ issuerKey: parties('x').issuer });
      expect(codes(await verify(view, c, { statusResolver }))).toEqual(['L1_STATUS_UNAVAILABLE']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
