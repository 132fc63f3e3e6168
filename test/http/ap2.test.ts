/**
 * AP2 v0.2 presentations at the service's merchant and network endpoints,
 * over real loopback HTTP with a SQLite ledger: dispatched by `ap2_bundle`,
 * answered with vintent's codes and AP2's, state kept by the ledger.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256b64u } from '../../src/sdjwt/digest.js';
import {
  type Ap2Fixture,
  AT,
  anotherPayment,
  buildAp2,
  bundleOf,
  keys,
  longLived,
  MERCHANT_AUD,
  NETWORK,
} from '../fixtures/ap2-chain.js';
import { OPERATOR_TOKEN, post, type Running, sqliteSpec, startService } from './harness.js';

describe('AP2 over HTTP', () => {
  let svc: Running;
  let f: Ap2Fixture;
  beforeAll(async () => {
    f = await buildAp2(longLived());
    svc = await startService(sqliteSpec(), {
      issuerKeys: { keys: [keys.provider.publicJwk] } as never,
      merchantKeys: { keys: [keys.merchant.publicJwk] } as never,
      networkAud: NETWORK.aud,
      merchantAud: MERCHANT_AUD.aud,
      now: () => AT,
    });
  });
  afterAll(() => svc.stop());

  const transaction = (checkoutJwt: string, fixture = f) => ({
    transaction_id: sha256b64u(checkoutJwt),
    open_checkout_hash: sha256b64u(fixture.openCheckoutRoot),
  });

  it('merchant: a valid checkout chain, then the same one again is AP2_REPLAY', async () => {
    const first = await post(svc.url, '/v1/merchant/verify', bundleOf(f, 'merchant'));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      valid: true,
      profile: 'ap2-0.2',
      ap2_error: null,
      errors: [],
    });
    expect(first.body).not.toHaveProperty('verdict_match');
    const again = await post(svc.url, '/v1/merchant/verify', bundleOf(f, 'merchant'));
    expect(again.body.valid).toBe(false);
    expect(again.body.errors.map((e: { code: string }) => e.code)).toEqual(['AP2_REPLAY']);
    expect(again.body.ap2_error).toBe('invalid_credential');
  });

  it('merchant: the presenter’s trust is ignored: a root by an unknown key fails though the body vouches for it', async () => {
    const stranger = await buildAp2({ checkoutRootSigner: keys.cpAgent });
    const body = {
      ...bundleOf(stranger, 'merchant'),
      trust: { issuer_jwks: { keys: [keys.cpAgent.publicJwk] } },
    };
    const r = await post(svc.url, '/v1/merchant/verify', body);
    expect(r.body.valid).toBe(false);
    expect(r.body.errors.map((e: { code: string }) => e.code)).toEqual(['AP2_ROOT_KEY_UNKNOWN']);
    expect(r.body.ap2_error).toBe('invalid_credential');
  });

  it('network: approves, replays the same closed mandate, refuses a second payment of a single-use mandate', async () => {
    const body = { ...bundleOf(f, 'network'), transaction: transaction(f.checkoutJwt) };
    const a = await post(svc.url, '/v1/network/authorize', body);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ decision: 'approved', ap2_error: null, errors: [] });
    const again = await post(svc.url, '/v1/network/authorize', body);
    expect(again.body).toMatchObject({
      decision: 'approved',
      replayed: true,
      authorization_id: a.body.authorization_id,
    });
    const next = await anotherPayment(f, { at: AT });
    const second = await post(svc.url, '/v1/network/authorize', {
      ap2_bundle: 1,
      role: 'network',
      payment_chain: next.paymentChain,
      transaction: transaction(next.checkoutJwt),
    });
    expect(second.body.decision).toBe('declined');
    expect(second.body.ap2_error).toBe('invalid_mandate');
    expect(second.body.errors.map((e: { code: string }) => e.code)).toEqual([
      'LEDGER_PAIR_ALREADY_FULFILLED',
    ]);
  });

  it('network: without the acquirer’s transaction it is a 400, and a wrong one declines', async () => {
    const missing = await post(svc.url, '/v1/network/authorize', bundleOf(f, 'network'));
    expect(missing.status).toBe(400);
    expect(missing.body.error?.code ?? missing.body.code).toBe('HTTP_REQUEST_INVALID');
    const wrong = await post(svc.url, '/v1/network/authorize', {
      ...bundleOf(f, 'network'),
      transaction: { transaction_id: sha256b64u('x') },
    });
    expect(wrong.body.decision).toBe('declined');
    expect(wrong.body.errors.map((e: { code: string }) => e.code)).toContain(
      'AP2_TRANSACTION_ID_MISMATCH',
    );
  });

  it('network: an operator revokes an open mandate by its root; later payments under it are declined, earlier ones stay', async () => {
    const g = await buildAp2({
      ...longLived({ frequency: 'ON_DEMAND' }),
      paymentHop: { nonce: 'n-revoke-1' },
    });
    const first = await post(svc.url, '/v1/network/authorize', {
      ...bundleOf(g, 'network'),
      transaction: transaction(g.checkoutJwt, g),
    });
    expect({ decision: first.body.decision, errors: first.body.errors }).toEqual({
      decision: 'approved',
      errors: [],
    });
    const body = { ap2_chain: g.paymentChain };
    const anonymous = await post(svc.url, '/v1/network/revoke', body);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('OPERATOR_UNAUTHORIZED');
    const auth = { authorization: `Bearer ${OPERATOR_TOKEN}` };
    const revoked = await post(svc.url, '/v1/network/revoke', body, auth);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({
      revoked: true,
      newly_revoked: true,
      authorizations_kept: 1,
    });
    // Any presentation of the same root names the same mandate: the open root segment alone too.
    const again = await post(
      svc.url,
      '/v1/network/revoke',
      { ap2_chain: `${g.paymentChain.split('~~')[0]}~` },
      auth,
    );
    expect(again.body).toMatchObject({
      revoked: true,
      newly_revoked: false,
      l2_id: revoked.body.l2_id,
    });
    const next = await anotherPayment(g, { at: AT });
    const late = await post(svc.url, '/v1/network/authorize', {
      ap2_bundle: 1,
      role: 'network',
      payment_chain: next.paymentChain,
      transaction: transaction(next.checkoutJwt, g),
    });
    expect(late.body.decision).toBe('declined');
    expect(late.body.errors.map((e: { code: string }) => e.code)).toEqual([
      'LEDGER_MANDATE_REVOKED',
    ]);
    const junk = await post(svc.url, '/v1/network/revoke', { ap2_chain: 'not a chain' }, auth);
    expect(junk.status).toBe(400);
    expect(junk.body.error.code).toBe('BUNDLE_MALFORMED');
  });
});
