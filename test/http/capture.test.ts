/**
 * Capture over real loopback HTTP, on SQLite and (with VINTENT_PG_URL)
 * PostgreSQL: operator-only, partial and idempotent, and the standing
 * re-check at capture (the user's revocation in the ledger, the L1's Token
 * Status List fetched again from a real loopback server), and hold expiry at
 * the service's clock.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusListResolver } from '../../src/http/status-client.js';
import { issueRevocation } from '../../src/issue/revocation.js';
import { IssuerStatusList, statusClaim } from '../../src/issue/status-list.js';
import {
  type AutonomousChain,
  autonomousChain,
  fulfil,
  networkView,
  parties,
  SERVER_NOW,
  T,
} from './chain.js';
import { OPERATOR, PG_URL, post, type Running, sqliteSpec, startService } from './harness.js';

// Short enough that an L3 made at T + 100 still verifies at SERVER_NOW + HOLD.
const HOLD = 60;

function captureSuite(ledgerSpec: () => string): void {
  let svc: Running;
  let chain: AutonomousChain;
  let list: IssuerStatusList;
  let idx: number;
  let token = '';
  let reachable = true;
  let statusServer: Server;
  let clock = SERVER_NOW;

  beforeAll(async () => {
    statusServer = createServer((_req, res) => {
      if (!reachable) res.writeHead(500).end();
      else res.writeHead(200, { 'content-type': 'application/statuslist+jwt' }).end(token);
    });
    await new Promise<void>((resolve) => statusServer.listen(0, '127.0.0.1', resolve));
    const uri = `http://127.0.0.1:${(statusServer.address() as AddressInfo).port}/status/1`;
    const p = parties('capture');
    list = new IssuerStatusList({ uri, size: 16 });
    const ref = list.allocate();
    idx = ref.idx;
    token = list.publish({ issuerKey: p.issuer });
    chain = await autonomousChain(p, { onDemand: true, l1Claims: statusClaim(ref) });
    // No caching, so every capture asks the list again.
    const statusResolver = statusListResolver({
      issuerKeys: p.issuerJwks,
      defaultTtlSeconds: 0,
      maxTtlSeconds: 0,
      allowLoopbackHttp: true,
    });
    svc = await startService(ledgerSpec(), {
      issuerKeys: p.issuerJwks,
      merchantKeys: p.merchantJwks,
      statusResolver,
      holdSeconds: HOLD,
      now: () => clock,
    });
  });
  afterAll(async () => {
    await svc.stop();
    await new Promise<void>((resolve) => statusServer.close(() => resolve()));
  });

  const setStatus = (status: 'valid' | 'invalid' | 'suspended') => {
    list.set(idx, status);
    token = list.publish({ issuerKey: chain.p.issuer });
  };
  async function authorize(pair: 0 | 1, amount: number): Promise<string> {
    const a = await post(
      svc.url,
      '/v1/network/authorize',
      networkView(chain, fulfil(chain, pair, amount)),
    );
    expect(a.body.decision).toBe('approved');
    return a.body.authorization_id;
  }
  const capture = (body: unknown, headers: Record<string, string> = OPERATOR) =>
    post(svc.url, '/v1/network/capture', body, headers);

  it('is an operator action, captures in full or for less, once; another amount, a reversal after it and an unknown id are refused', async () => {
    clock = SERVER_NOW;
    const id = await authorize(0, 9000);
    expect((await capture({ authorization_id: id }, {})).status).toBe(401);
    expect(
      (await capture({ authorization_id: id }, { authorization: 'Bearer wrong-token-0123456789' }))
        .body.error.code,
    ).toBe('OPERATOR_UNAUTHORIZED');
    expect((await capture({ authorization_id: id, amount: 9001 })).status).toBe(400);
    expect((await capture({ authorization_id: id, amount: 1.5 })).body.error.code).toBe(
      'HTTP_REQUEST_INVALID',
    );
    const ok = await capture({ authorization_id: id, amount: 8000 });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({
      captured: true,
      authorization_id: id,
      amount: 8000,
      currency: 'USD',
      captured_at: clock,
      replayed: false,
    });
    expect((await capture({ authorization_id: id, amount: 8000 })).body).toMatchObject({
      captured: true,
      replayed: true,
    });
    const other = await capture({ authorization_id: id });
    expect([other.status, other.body.error.code]).toEqual([409, 'LEDGER_AUTHORIZATION_CAPTURED']);
    const reversal = await post(svc.url, '/v1/network/reverse', { authorization_id: id }, OPERATOR);
    expect([reversal.status, reversal.body.error.code]).toEqual([
      409,
      'LEDGER_AUTHORIZATION_CAPTURED',
    ]);
    const unknown = await capture({ authorization_id: 'auth_never' });
    expect([unknown.status, unknown.body.error.code]).toEqual([
      404,
      'LEDGER_AUTHORIZATION_UNKNOWN',
    ]);
  });

  it("asks the L1's status list again at capture: revoked or suspended since is refused, unreachable fails closed, valid again captures", async () => {
    clock = SERVER_NOW;
    const id = await authorize(0, 1000);
    setStatus('suspended');
    const suspended = await capture({ authorization_id: id });
    expect([suspended.status, suspended.body.error.code]).toEqual([409, 'L1_STATUS_SUSPENDED']);
    setStatus('invalid');
    expect((await capture({ authorization_id: id })).body.error.code).toBe('L1_STATUS_REVOKED');
    setStatus('valid');
    reachable = false;
    try {
      const down = await capture({ authorization_id: id });
      expect([down.status, down.body.error.code]).toEqual([503, 'L1_STATUS_UNAVAILABLE']);
    } finally {
      reachable = true;
    }
    expect((await capture({ authorization_id: id })).body).toMatchObject({
      captured: true,
      amount: 1000,
    });
    const trail = await svc.ledger.audit();
    const mine = trail
      .filter((e) => e.kind === 'capture' && e.authorizationId === id)
      .map((e) => e.code ?? e.decision);
    expect(mine).toEqual([
      'L1_STATUS_SUSPENDED',
      'L1_STATUS_REVOKED',
      'L1_STATUS_UNAVAILABLE',
      'captured',
    ]);
  });

  it('expires a hold at the service clock: capture is refused and the budget is free again', async () => {
    clock = SERVER_NOW;
    // Pair 1's budget is 50000: one hold of 40000 leaves no room for another.
    const id = await authorize(1, 40000);
    const blocked = await post(
      svc.url,
      '/v1/network/authorize',
      networkView(chain, fulfil(chain, 1, 20000)),
    );
    expect(blocked.body.errors.map((e: any) => e.code)).toEqual(['LEDGER_BUDGET_EXCEEDED']);
    clock = SERVER_NOW + HOLD;
    try {
      const late = await capture({ authorization_id: id });
      expect([late.status, late.body.error.code]).toEqual([409, 'LEDGER_AUTHORIZATION_EXPIRED']);
      expect(
        (await post(svc.url, '/v1/network/authorize', networkView(chain, fulfil(chain, 1, 20000))))
          .body.decision,
      ).toBe('approved');
    } finally {
      clock = SERVER_NOW;
    }
  });

  it('refuses to capture after the user revoked the mandate, though it was authorized before', async () => {
    clock = SERVER_NOW;
    const c = await autonomousChain(chain.p, {
      onDemand: true,
      l1Claims: statusClaim({ idx, uri: list.uri }),
    });
    const a = await post(svc.url, '/v1/network/authorize', networkView(c, fulfil(c, 0, 1000)));
    expect(a.body.decision).toBe('approved');
    const revocation = issueRevocation({ userKey: c.p.user, l2: c.l2.serialized, iat: T + 150 });
    expect(
      (await post(svc.url, '/v1/network/revoke', { revocation, l1: c.l1, l2: c.l2.serialized }))
        .status,
    ).toBe(200);
    const refused = await capture({ authorization_id: a.body.authorization_id });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'LEDGER_MANDATE_REVOKED']);
  });
}

describe('capture over HTTP (SQLite)', () => captureSuite(sqliteSpec));
describe.skipIf(!PG_URL)('capture over HTTP (PostgreSQL: needs VINTENT_PG_URL)', () =>
  captureSuite(() => PG_URL!),
);
