/**
 * /metrics (Prometheus text from prom-client) and /readyz against a real
 * service on loopback with a real SQLite ledger: decisions by outcome and
 * code, latency per route, ledger commit sizes, fetch outcomes and cache
 * lookups; readiness follows the ledger.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteJwksResolver } from '../../src/http/jwks-client.js';
import { createServiceMetrics, type ServiceMetrics } from '../../src/http/metrics.js';
import { createVintentServer, type VintentServer } from '../../src/http/server.js';
import { openLedger } from '../../src/ledger/index.js';
import type { Ledger } from '../../src/ledger/types.js';
import { VerifiedSignatureCache } from '../../src/sdjwt/signature-cache.js';
import {
  type AutonomousChain,
  autonomousChain,
  fulfil,
  MERCHANT_AUD,
  merchantView,
  NETWORK_AUD,
  networkView,
  parties,
  SERVER_NOW,
} from './chain.js';
import { OPERATOR, OPERATOR_TOKEN, post, sqliteSpec } from './harness.js';

/** The value of one sample line, by metric name and label substrings; 0 when absent. */
function sample(text: string, name: string, ...labels: string[]): number {
  const line = text
    .split('\n')
    .find(
      (l) =>
        (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) &&
        labels.every((x) => l.includes(x)),
    );
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('GET /metrics and /readyz', () => {
  let ledger: Ledger;
  let svc: VintentServer;
  let url: string;
  let metrics: ServiceMetrics;
  let chain: AutonomousChain;
  let jwksServer: Server;

  beforeAll(async () => {
    chain = await autonomousChain(parties('metrics'), { onDemand: true });
    jwksServer = createServer((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(chain.p.issuerJwks)),
    );
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    metrics = createServiceMetrics();
    // A real JWKS over loopback, so fetch outcomes and cache lookups are counted.
    const issuerKeys = remoteJwksResolver(
      `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`,
      {
        onFetch: (ok) => metrics.fetch('jwks', ok),
        onCacheLookup: (hit) => metrics.cacheLookup('jwks', hit),
      },
    );
    const signatureCache = new VerifiedSignatureCache();
    metrics.watchCaches({ signature: signatureCache });
    ledger = await openLedger(sqliteSpec(), { onCommit: (n) => metrics.commit(n) });
    svc = createVintentServer({
      port: 0,
      ledger,
      issuerKeys,
      merchantKeys: chain.p.merchantJwks,
      networkAud: NETWORK_AUD,
      merchantAud: MERCHANT_AUD,
      operatorToken: OPERATOR_TOKEN,
      signatureCache,
      metrics,
      now: () => SERVER_NOW,
      log: () => undefined,
    });
    ({ url } = await svc.listen());
  });
  afterAll(async () => {
    await svc.close();
    await ledger.close();
    await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
  });

  it('counts decisions by outcome and code, latency per route, commits, fetches and cache lookups', async () => {
    const approved = await post(
      url,
      '/v1/network/authorize',
      networkView(chain, fulfil(chain, 0, 10000)),
    );
    expect(approved.body.decision).toBe('approved');
    expect(
      (await post(url, '/v1/network/authorize', networkView(chain, fulfil(chain, 0, 40000)))).body
        .decision,
    ).toBe('approved');
    const over = await post(
      url,
      '/v1/network/authorize',
      networkView(chain, fulfil(chain, 0, 1000)),
    );
    expect(over.body.errors.map((e: any) => e.code)).toEqual(['LEDGER_BUDGET_EXCEEDED']);
    // An invalid chain is declined by the verifier, before the ledger.
    const forged = networkView(chain, fulfil(chain, 0, 1000), {
      l1: `${chain.l1.slice(0, 40)}x${chain.l1.slice(41)}`,
    });
    expect((await post(url, '/v1/network/authorize', forged)).body.decision).toBe('declined');
    await post(url, '/v1/merchant/verify', merchantView(chain, fulfil(chain, 1, 5000)));
    await post(
      url,
      '/v1/network/capture',
      { authorization_id: approved.body.authorization_id },
      OPERATOR,
    );
    await post(url, '/v1/network/capture', { authorization_id: 'auth_none' }, OPERATOR);
    await fetch(`${url}/nowhere`);

    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(
      sample(
        text,
        'vintent_decisions_total',
        'endpoint="/v1/network/authorize"',
        'outcome="approved"',
      ),
    ).toBe(2);
    expect(
      sample(
        text,
        'vintent_decisions_total',
        'endpoint="/v1/network/authorize"',
        'outcome="declined"',
      ),
    ).toBe(2);
    expect(
      sample(
        text,
        'vintent_decision_codes_total',
        'endpoint="/v1/network/authorize"',
        'code="LEDGER_BUDGET_EXCEEDED"',
      ),
    ).toBe(1);
    expect(
      sample(text, 'vintent_decisions_total', 'endpoint="/v1/merchant/verify"', 'outcome="valid"'),
    ).toBe(1);
    expect(
      sample(
        text,
        'vintent_decisions_total',
        'endpoint="/v1/network/capture"',
        'outcome="captured"',
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        'vintent_decision_codes_total',
        'endpoint="/v1/network/capture"',
        'code="LEDGER_AUTHORIZATION_UNKNOWN"',
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        'vintent_http_request_duration_seconds_count',
        'route="/v1/network/authorize"',
        'status="200"',
      ),
    ).toBe(4);
    // The raw path of an unknown route never becomes a label.
    expect(
      sample(
        text,
        'vintent_http_request_duration_seconds_count',
        'route="unmatched"',
        'status="404"',
      ),
    ).toBe(1);
    expect(text).not.toContain('/nowhere');
    // Three ledger decisions (two approvals, the budget decline) were committed; the forged chain never reached the ledger.
    expect(sample(text, 'vintent_ledger_commit_decisions_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'vintent_ledger_commit_decisions_sum')).toBe(3);
    expect(sample(text, 'vintent_fetches_total', 'source="jwks"', 'outcome="ok"')).toBe(1);
    expect(
      sample(text, 'vintent_cache_lookups_total', 'cache="jwks"', 'result="hit"'),
    ).toBeGreaterThanOrEqual(2);
    expect(
      sample(text, 'vintent_verifier_cache_lookups_total', 'cache="signature"', 'result="hit"'),
    ).toBeGreaterThanOrEqual(1);
  });

  it('is ready while the ledger answers, and not once it is gone; /healthz stays about liveness', async () => {
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: [{ name: 'ledger', ok: true }] });
    const other = await openLedger(sqliteSpec());
    const s = createVintentServer({
      port: 0,
      ledger: other,
      issuerKeys: chain.p.issuerJwks,
      log: () => undefined,
    });
    const { url: u } = await s.listen();
    try {
      await other.close();
      const down = await fetch(`${u}/readyz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({
        status: 'not_ready',
        checks: [{ name: 'ledger', ok: false, detail: 'LEDGER_UNAVAILABLE' }],
      });
      expect((await fetch(`${u}/healthz`)).status).toBe(200);
      // Without metrics configured there is no /metrics.
      expect((await fetch(`${u}/metrics`)).status).toBe(404);
    } finally {
      await s.close();
    }
  });
});
