/**
 * Network and merchant state over real loopback HTTP, on SQLite and (when
 * VINTENT_PG_URL is set) PostgreSQL: operator-only reversal and its codes,
 * the network's own audience, Immediate pairs sharing their L2 nonce, the
 * merchant's audience and replay memory, user revocation of an L2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckoutJwt } from '../../src/issue/checkout.js';
import { issueL2Immediate } from '../../src/issue/l2-immediate.js';
import { issueL3Pair } from '../../src/issue/l3.js';
import { issueRevocation } from '../../src/issue/revocation.js';
import { serializeSdJwt } from '../../src/sdjwt/build.js';
import {
  type AutonomousChain,
  autonomousChain,
  fulfil,
  immediateChain,
  MERCHANT_AUD,
  merchantView,
  NETWORK_AUD,
  networkView,
  parties,
  T,
} from './chain.js';
import { OPERATOR, PG_URL, post, type Running, sqliteSpec, startService } from './harness.js';

const N = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');
/** The other valid ES256 signature of an SD-JWT's issuer JWT: s → n − s. */
function malleate(sdJwt: string): string {
  const [jwt, ...rest] = sdJwt.split('~');
  const [h, p, s] = jwt!.split('.') as [string, string, string];
  const sig = Buffer.from(s, 'base64url');
  const twin = N - BigInt(`0x${sig.subarray(32).toString('hex')}`);
  const minted = Buffer.concat([
    sig.subarray(0, 32),
    Buffer.from(twin.toString(16).padStart(64, '0'), 'hex'),
  ]).toString('base64url');
  return [`${h}.${p}.${minted}`, ...rest].join('~');
}
const codes = (body: any): string[] => (body.errors ?? []).map((e: any) => e.code);
const tennis = {
  id: 'm-tw-001',
  name: 'Tennis Warehouse',
  website: 'https://tennis-warehouse.example',
};
const instrument = {
  type: 'mastercard.srcDigitalCard',
  id: 'card-1',
  description: 'Mastercard **** 4242',
};

function networkStateSuite(ledgerSpec: () => string): void {
  let svc: Running;
  let chain: AutonomousChain;
  beforeAll(async () => {
    chain = await autonomousChain(parties(), { onDemand: true });
    svc = await startService(ledgerSpec(), {
      issuerKeys: chain.p.issuerJwks,
      merchantKeys: chain.p.merchantJwks,
      merchantAud: MERCHANT_AUD,
    });
  });
  afterAll(() => svc.stop());

  it('reversal is an operator action: 401 without or with a wrong bearer token, 200 with it', async () => {
    const a = await post(
      svc.url,
      '/v1/network/authorize',
      networkView(chain, fulfil(chain, 0, 10000)),
    );
    expect(a.body.decision).toBe('approved');
    const id = a.body.authorization_id;
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'Bearer wrong' },
      { authorization: `Basic ${OPERATOR.authorization.slice(7)}` },
    ]) {
      const r = await post(svc.url, '/v1/network/reverse', { authorization_id: id }, headers);
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('OPERATOR_UNAUTHORIZED');
    }
    const ok = await post(svc.url, '/v1/network/reverse', { authorization_id: id }, OPERATOR);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ reversed: true, authorization_id: id });
  });

  it('a server without an operator credential refuses every reversal with 401', async () => {
    const s = await startService(ledgerSpec(), {
      issuerKeys: chain.p.issuerJwks,
      operatorToken: undefined,
    });
    try {
      const r = await post(s.url, '/v1/network/reverse', { authorization_id: 'auth_x' }, OPERATOR);
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('OPERATOR_UNAUTHORIZED');
    } finally {
      await s.stop();
    }
  });

  it('after a reversal the same L3a is declined LEDGER_AUTHORIZATION_REVERSED; a second reversal is 409 with the same code', async () => {
    const view = networkView(chain, fulfil(chain, 1, 10000));
    const a = await post(svc.url, '/v1/network/authorize', view);
    const id = a.body.authorization_id;
    expect(
      (await post(svc.url, '/v1/network/reverse', { authorization_id: id }, OPERATOR)).status,
    ).toBe(200);
    const again = await post(svc.url, '/v1/network/authorize', view);
    expect(again.body).toMatchObject({ decision: 'declined', replayed: true });
    expect(again.body.authorization_id).toBeUndefined();
    expect(codes(again.body)).toEqual(['LEDGER_AUTHORIZATION_REVERSED']);
    const twice = await post(svc.url, '/v1/network/reverse', { authorization_id: id }, OPERATOR);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('LEDGER_AUTHORIZATION_REVERSED');
    const unknown = await post(
      svc.url,
      '/v1/network/reverse',
      { authorization_id: 'auth_never' },
      OPERATOR,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('LEDGER_AUTHORIZATION_UNKNOWN');
  });

  it('declines an L3a addressed to another network; without a network audience the network endpoints are not served', async () => {
    const checkout = createCheckoutJwt({
      merchantKey: chain.p.merchant,
      merchant: tennis,
      checkoutId: 'elsewhere',
      currency: 'USD',
      items: [{ id: 'BAB86345', title: 'Babolat Pure Aero', quantity: 1, unitPrice: 10000 }],
      iat: T + 50,
    });
    const l3 = issueL3Pair({
      agentKey: chain.p.agent,
      l2: chain.l2,
      pairIndex: 0,
      checkoutJwt: checkout.jwt,
      networkAud: 'https://other-network.example',
      merchantAud: MERCHANT_AUD,
      iat: T + 100,
    });
    const r = await post(svc.url, '/v1/network/authorize', networkView(chain, l3));
    expect(r.body.decision).toBe('declined');
    expect(codes(r.body)).toContain('AUD_MISMATCH');

    const bare = await startService(ledgerSpec(), {
      issuerKeys: chain.p.issuerJwks,
      networkAud: undefined,
    });
    try {
      expect(
        (await post(bare.url, '/v1/network/authorize', networkView(chain, fulfil(chain, 0, 10000))))
          .status,
      ).toBe(404);
      expect(
        bare.logs.some((l) => JSON.parse(l).message?.includes('network endpoints are not served')),
      ).toBe(true);
    } finally {
      await bare.stop();
    }
  });

  it('authorizes each pair of a multi-pair Immediate L2 once, though they share its nonce', async () => {
    const p = parties('imm2');
    const { l1 } = await immediateChain(p);
    const cart = (id: string, price: number) =>
      createCheckoutJwt({
        merchantKey: p.merchant,
        merchant: tennis,
        checkoutId: id,
        currency: 'USD',
        items: [{ id: 'BAB86345', title: 'Babolat Pure Aero', quantity: 1, unitPrice: price }],
        iat: T,
      });
    const l2 = issueL2Immediate({
      userKey: p.user,
      l1,
      aud: NETWORK_AUD,
      iat: T,
      pairs: [cart('imm2-a', 5000), cart('imm2-b', 7000)].map((c) => ({
        checkoutJwt: c.jwt,
        paymentInstrument: instrument,
        payee: tennis,
      })),
    });
    const s = await startService(ledgerSpec(), { issuerKeys: p.issuerJwks });
    try {
      const view = (i: number) => ({
        vi_bundle: 1,
        role: 'network',
        l1,
        l2: serializeSdJwt(l2.jwt, [l2.pairs[i]!.payment.encoded]),
      });
      const first = await post(s.url, '/v1/network/authorize', view(0));
      expect(first.body).toMatchObject({ decision: 'approved', replayed: false });
      const second = await post(s.url, '/v1/network/authorize', view(1));
      expect(second.body).toMatchObject({ decision: 'approved', replayed: false });
      expect(second.body.authorization_id).not.toBe(first.body.authorization_id);
      expect((await post(s.url, '/v1/network/authorize', view(0))).body).toMatchObject({
        decision: 'approved',
        authorization_id: first.body.authorization_id,
        replayed: true,
      });
    } finally {
      await s.stop();
    }
  });

  it('merchant verify checks the configured L3b audience', async () => {
    const checkout = createCheckoutJwt({
      merchantKey: chain.p.merchant,
      merchant: tennis,
      checkoutId: 'aud-b',
      currency: 'USD',
      items: [{ id: 'BAB86345', title: 'Babolat Pure Aero', quantity: 1, unitPrice: 10000 }],
      iat: T + 50,
    });
    const l3 = issueL3Pair({
      agentKey: chain.p.agent,
      l2: chain.l2,
      pairIndex: 0,
      checkoutJwt: checkout.jwt,
      networkAud: NETWORK_AUD,
      merchantAud: 'https://another-shop.example',
      iat: T + 100,
    });
    const r = await post(svc.url, '/v1/merchant/verify', merchantView(chain, l3));
    expect(r.body.valid).toBe(false);
    expect(codes(r.body)).toContain('AUD_MISMATCH');
  });

  it('merchant replay memory: the same L3b, a re-signed twin, or its nonce again is L3B_REPLAY', async () => {
    const l3 = fulfil(chain, 0, 10000);
    const view = merchantView(chain, l3);
    expect((await post(svc.url, '/v1/merchant/verify', view)).body).toMatchObject({
      valid: true,
      errors: [],
    });
    const again = await post(svc.url, '/v1/merchant/verify', view);
    expect(again.status).toBe(200);
    expect(again.body.valid).toBe(false);
    expect(codes(again.body)).toEqual(['L3B_REPLAY']);
    // The same signed content under the other valid signature is the same L3b.
    const twin = await post(svc.url, '/v1/merchant/verify', {
      ...view,
      l3: [{ checkout: malleate(l3.checkout) }],
    });
    expect(twin.body.valid).toBe(false);
    expect(codes(twin.body)).toEqual(['L3B_REPLAY']);

    // A new L3b (new content) carrying a nonce already seen from this agent.
    const checkout = createCheckoutJwt({
      merchantKey: chain.p.merchant,
      merchant: tennis,
      checkoutId: 'nonce-reuse',
      currency: 'USD',
      items: [{ id: 'BAB86345', title: 'Babolat Pure Aero', quantity: 1, unitPrice: 10000 }],
      iat: T + 50,
    });
    const nonce = 'merchant-nonce-reused-0001';
    const one = issueL3Pair({
      agentKey: chain.p.agent,
      l2: chain.l2,
      pairIndex: 0,
      checkoutJwt: checkout.jwt,
      networkAud: NETWORK_AUD,
      merchantAud: MERCHANT_AUD,
      nonces: { checkout: nonce },
      iat: T + 100,
    });
    const two = issueL3Pair({
      agentKey: chain.p.agent,
      l2: chain.l2,
      pairIndex: 0,
      checkoutJwt: checkout.jwt,
      networkAud: NETWORK_AUD,
      merchantAud: MERCHANT_AUD,
      nonces: { checkout: nonce },
      iat: T + 101,
    });
    expect((await post(svc.url, '/v1/merchant/verify', merchantView(chain, one))).body.valid).toBe(
      true,
    );
    const reused = await post(svc.url, '/v1/merchant/verify', merchantView(chain, two));
    expect(codes(reused.body)).toEqual(['L3B_REPLAY']);
  });

  it('revocation by the user: recorded idempotently, later authorizations declined, earlier ones kept and counted', async () => {
    const c = await autonomousChain(chain.p, { onDemand: true });
    const kept = await post(svc.url, '/v1/network/authorize', networkView(c, fulfil(c, 0, 10000)));
    expect(kept.body.decision).toBe('approved');
    const revocation = issueRevocation({
      userKey: c.p.user,
      l2: c.l2.serialized,
      iat: T + 150,
      reason: 'user cancelled',
    });
    // The L2 may be sent as any view: its signed content names it.
    const body = { revocation, l1: c.l1, l2: fulfil(c, 1, 10000).paymentL2 };
    const r = await post(svc.url, '/v1/network/revoke', body);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ revoked: true, newly_revoked: true, authorizations_kept: 1 });
    const again = await post(svc.url, '/v1/network/revoke', body);
    expect(again.body).toMatchObject({
      revoked: true,
      newly_revoked: false,
      authorizations_kept: 1,
      revoked_at: r.body.revoked_at,
    });
    const later = await post(svc.url, '/v1/network/authorize', networkView(c, fulfil(c, 1, 10000)));
    expect(later.body.decision).toBe('declined');
    expect(codes(later.body)).toEqual(['LEDGER_MANDATE_REVOKED']);
    // The approval made before stays.
    const trail = await svc.ledger.audit({ l2Id: r.body.l2_id });
    expect(trail.filter((e) => e.kind === 'revoke')).toHaveLength(2);
  });

  it('refuses a revocation not signed by the L2 signer, naming another L2, or under an untrusted L1', async () => {
    const c = await autonomousChain(chain.p, { onDemand: true });
    const byAgent = issueRevocation({ userKey: c.p.agent, l2: c.l2.serialized, iat: T + 150 });
    const r1 = await post(svc.url, '/v1/network/revoke', {
      revocation: byAgent,
      l1: c.l1,
      l2: c.l2.serialized,
    });
    expect(r1.status).toBe(403);
    expect(r1.body.error.code).toBe('REVOCATION_INVALID');

    const other = await autonomousChain(chain.p, { onDemand: true });
    const wrongL2 = issueRevocation({ userKey: c.p.user, l2: other.l2.serialized, iat: T + 150 });
    const r2 = await post(svc.url, '/v1/network/revoke', {
      revocation: wrongL2,
      l1: c.l1,
      l2: c.l2.serialized,
    });
    expect(r2.body.error.code).toBe('REVOCATION_INVALID');

    const stranger = await autonomousChain(parties('stranger'));
    const foreign = issueRevocation({
      userKey: stranger.p.user,
      l2: stranger.l2.serialized,
      iat: T + 150,
    });
    const r3 = await post(svc.url, '/v1/network/revoke', {
      revocation: foreign,
      l1: stranger.l1,
      l2: stranger.l2.serialized,
    });
    expect(r3.body.error.code).toBe('L1_ISSUER_KEY_UNKNOWN');

    const future = issueRevocation({ userKey: c.p.user, l2: c.l2.serialized, iat: T + 100_000 });
    expect(
      (
        await post(svc.url, '/v1/network/revoke', {
          revocation: future,
          l1: c.l1,
          l2: c.l2.serialized,
        })
      ).body.error.code,
    ).toBe('REVOCATION_INVALID');
    expect((await post(svc.url, '/v1/network/revoke', { revocation: 'x' })).status).toBe(400);
    // None of these revoked anything.
    expect(
      (await post(svc.url, '/v1/network/authorize', networkView(c, fulfil(c, 0, 10000)))).body
        .decision,
    ).toBe('approved');
  });

  it('logs one JSON line per request with the decision and its codes', async () => {
    await post(svc.url, '/v1/network/authorize', merchantView(chain, fulfil(chain, 0, 10000)));
    const lines = svc.logs.map((l) => JSON.parse(l));
    const decision = lines
      .filter((l) => l.event === 'request' && l.path === '/v1/network/authorize')
      .at(-1);
    expect(decision).toMatchObject({
      level: 'info',
      method: 'POST',
      status: 200,
      decision: 'declined',
    });
    expect(decision.codes.length).toBeGreaterThan(0);
    expect(typeof decision.ms).toBe('number');
  });
}

describe('network state on SQLite', () => {
  networkStateSuite(sqliteSpec);
});

describe.skipIf(!PG_URL)('network state on PostgreSQL (set VINTENT_PG_URL to run)', () => {
  networkStateSuite(() => PG_URL!);
});
