/**
 * Merchant verification and network authorization over real loopback HTTP,
 * against SQLite always and PostgreSQL when VINTENT_PG_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeIf, postgres } from '../support/environment.js';
import {
  type AutonomousChain,
  autonomousChain,
  fulfil,
  immediateChain,
  immediateNetworkView,
  merchantView,
  networkView,
  parties,
} from './chain.js';
import { PG_URL, post, type Running, sqliteSpec, startService } from './harness.js';

function authorizeSuite(ledgerSpec: () => string): void {
  let svc: Running;
  let chain: AutonomousChain;
  beforeAll(async () => {
    chain = await autonomousChain();
    svc = await startService(ledgerSpec(), {
      issuerKeys: chain.p.issuerJwks,
      merchantKeys: chain.p.merchantJwks,
    });
  });
  afterAll(() => svc.stop());

  it('merchant verify: 200 with the verdict, checks and pairs, and no CLI-only fields', async () => {
    const l3 = fulfil(chain, 0, 30000);
    const r = await post(svc.url, '/v1/merchant/verify', merchantView(chain, l3));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ valid: true, mode: 'autonomous', errors: [] });
    expect(r.body).not.toHaveProperty('file');
    expect(r.body).not.toHaveProperty('verdict_match');
    expect(r.body.checks.length).toBeGreaterThan(0);
    expect(r.body.pairs).toHaveLength(1);
    expect(r.body.pairs[0]).toMatchObject({ l3b: 'verified', valid: true });
  });

  it('merchant verify: an invalid presentation is a 200 verdict, valid:false with codes', async () => {
    const l3 = fulfil(chain, 0, 30000);
    const view = merchantView(chain, l3);
    const r = await post(svc.url, '/v1/merchant/verify', {
      ...view,
      l3: [{ checkout: l3.payment }],
    });
    expect(r.status).toBe(200);
    expect(r.body.valid).toBe(false);
    expect(r.body.errors.length).toBeGreaterThan(0);
  });

  it('approves, replays idempotently, refuses a second L3 pair; the other pair has its own budget', async () => {
    const c = await autonomousChain();
    const s = await startService(ledgerSpec(), { issuerKeys: c.p.issuerJwks });
    try {
      // 300 on pair 0: approved.
      const first = networkView(c, fulfil(c, 0, 30000));
      const a = await post(s.url, '/v1/network/authorize', first);
      expect(a.status).toBe(200);
      expect(a.body).toMatchObject({ decision: 'approved', errors: [] });
      expect(a.body.authorization_id).toMatch(/^auth_/);

      // The very same L3a again: same decision, not counted twice.
      const again = await post(s.url, '/v1/network/authorize', first);
      expect(again.body).toMatchObject({
        decision: 'approved',
        authorization_id: a.body.authorization_id,
        replayed: true,
      });

      // A new L3 pair for the same mandate pair: one fulfilment per pair.
      const second = await post(
        s.url,
        '/v1/network/authorize',
        networkView(c, fulfil(c, 0, 20000)),
      );
      expect(second.body.decision).toBe('declined');
      expect(second.body.errors.map((e: any) => e.code)).toEqual(['LEDGER_PAIR_ALREADY_FULFILLED']);
      expect(second.body.errors[0].layer).toBe('ledger');

      // 300 on pair 1: its own USD 500 budget, untouched by pair 0's purchase.
      const other = await post(s.url, '/v1/network/authorize', networkView(c, fulfil(c, 1, 30000)));
      expect(other.body).toMatchObject({ decision: 'approved', errors: [] });

      // Counted once: one approval for the replayed presentation in the audit trail.
      const audit = await s.ledger.audit();
      const approvedFirst = audit.filter(
        (e) =>
          e.kind === 'authorize' &&
          e.decision === 'approved' &&
          e.authorizationId === a.body.authorization_id,
      );
      expect(approvedFirst.length).toBeGreaterThanOrEqual(1);
    } finally {
      await s.stop();
    }
  });

  it("on-demand pairs: enforces each pair's budget, replays count once", async () => {
    const c = await autonomousChain(parties(), { onDemand: true });
    const s = await startService(ledgerSpec(), { issuerKeys: c.p.issuerJwks });
    try {
      const first = networkView(c, fulfil(c, 0, 30000));
      for (let i = 0; i < 3; i++)
        expect((await post(s.url, '/v1/network/authorize', first)).body.decision).toBe('approved');
      // 300 + 200 = 500 exactly fits only if the replays added nothing.
      expect(
        (await post(s.url, '/v1/network/authorize', networkView(c, fulfil(c, 0, 20000)))).body
          .decision,
      ).toBe('approved');
      const over = await post(s.url, '/v1/network/authorize', networkView(c, fulfil(c, 0, 10000)));
      expect(over.body.errors.map((e: any) => e.code)).toEqual(['LEDGER_BUDGET_EXCEEDED']);
      // Pair 1 is bounded by its own 500 only.
      expect(
        (await post(s.url, '/v1/network/authorize', networkView(c, fulfil(c, 1, 40000)))).body
          .decision,
      ).toBe('approved');
    } finally {
      await s.stop();
    }
  });

  it('trust comes from the server config only: an attacker issuer JWKS in the body is ignored', async () => {
    // A complete, internally consistent chain under the attacker's own issuer key.
    const attacker = await autonomousChain(parties('attacker'));
    const l3 = fulfil(attacker, 0, 30000);
    const forged = {
      trust: { issuer_jwks: attacker.p.issuerJwks, merchant_jwks: attacker.p.merchantJwks },
    };
    const a = await post(svc.url, '/v1/network/authorize', networkView(attacker, l3, forged));
    expect(a.status).toBe(200);
    expect(a.body.decision).toBe('declined');
    expect(a.body.authorization_id).toBeUndefined();
    expect(a.body.errors.map((e: any) => e.code)).toContain('L1_ISSUER_KEY_UNKNOWN');
    const m = await post(svc.url, '/v1/merchant/verify', merchantView(attacker, l3, forged));
    expect(m.body.valid).toBe(false);
    expect(m.body.errors.map((e: any) => e.code)).toContain('L1_ISSUER_KEY_UNKNOWN');
  });

  it('declines with the verifier errors when the chain is invalid', async () => {
    const l3 = fulfil(chain, 1, 30000);
    const view = networkView(chain, l3);
    const tampered = { ...view, l3: [{ payment: l3.payment.replace(/\.[^.~]+~/, '.AAAA~') }] };
    const r = await post(svc.url, '/v1/network/authorize', tampered);
    expect(r.body.decision).toBe('declined');
    expect(r.body.errors.length).toBeGreaterThan(0);
    for (const e of r.body.errors)
      expect(Object.keys(e).sort()).toEqual(['code', 'layer', 'message', 'pair']);
  });

  it('declines a merchant view sent to the network: there is no payment to authorize', async () => {
    const r = await post(
      svc.url,
      '/v1/network/authorize',
      merchantView(chain, fulfil(chain, 1, 30000)),
    );
    expect(r.body.decision).toBe('declined');
    expect(r.body.errors.map((e: any) => e.code)).toEqual(['ROLE_VIEW_INCOMPLETE']);
  });

  it('merchant verify judges as a merchant, whatever role the bundle claims: a network view is not valid', async () => {
    const l3 = fulfil(chain, 1, 30000);
    for (const role of ['network', 'merchant', 'dispute', undefined]) {
      const r = await post(svc.url, '/v1/merchant/verify', networkView(chain, l3, { role }));
      expect(r.body.valid).toBe(false);
      expect(r.body.errors.map((e: any) => e.code)).toContain('ROLE_VIEW_INCOMPLETE');
    }
  });

  it('authorizes an Immediate payment mandate once', async () => {
    const c = await immediateChain();
    const s = await startService(ledgerSpec(), { issuerKeys: c.p.issuerJwks });
    try {
      const view = immediateNetworkView(c);
      const a = await post(s.url, '/v1/network/authorize', view);
      expect(a.body).toMatchObject({ decision: 'approved' });
      const b = await post(s.url, '/v1/network/authorize', view);
      expect(b.body).toMatchObject({
        decision: 'approved',
        authorization_id: a.body.authorization_id,
        replayed: true,
      });
    } finally {
      await s.stop();
    }
  });
}

describe('HTTP authorize on SQLite', () => {
  authorizeSuite(sqliteSpec);
});

describeIf(postgres)('HTTP authorize on PostgreSQL', () => {
  authorizeSuite(() => PG_URL!);
});
