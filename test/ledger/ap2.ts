/**
 * AP2 v0.2 mandates in the network ledger, run against every backend
 * (issue 25 §6): single use of a closed mandate, one budget per open payment
 * mandate across merchants, `agent_recurrence` occurrences and spacing,
 * revocation, and no overspend under concurrent presentations. Chains are
 * issued with vintent's AP2 issuer and decided by `authorizeAp2Presentation`.
 */
import { afterEach, expect, it } from 'vitest';
import { issueAp2Root } from '../../src/issue/ap2.js';
import type { Ledger } from '../../src/ledger/types.js';
import {
  AP2_LEDGER_PAIR,
  type Ap2AuthorizeAnswer,
  type Ap2NetworkTrust,
  authorizeAp2Presentation,
} from '../../src/network/ap2.js';
import { sha256b64u } from '../../src/sdjwt/digest.js';
import {
  type Ap2Fixture,
  AT,
  anotherPayment,
  buildAp2,
  keys,
  longLived,
  NETWORK,
  OTHER_SHOP,
  resign,
} from '../fixtures/ap2-chain.js';
import type { FreshStorage } from './behaviour.js';

const DAY = 86_400;

export function defineAp2LedgerBehaviour(freshStorage: FreshStorage): void {
  const opened: Ledger[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((l) => l.close()));
  });
  async function network(): Promise<Ap2NetworkTrust> {
    const ledger = await (await freshStorage())();
    opened.push(ledger);
    return { ledger, issuerKeys: { keys: [keys.provider.publicJwk] } as never, aud: NETWORK.aud };
  }
  const context = (f: Ap2Fixture, checkoutJwt = f.checkoutJwt) => ({
    transaction_id: sha256b64u(checkoutJwt),
    open_checkout_hash: sha256b64u(f.openCheckoutRoot),
  });
  const pay = (
    trust: Ap2NetworkTrust,
    f: Ap2Fixture,
    chain: string,
    checkoutJwt: string,
    at: number,
  ) =>
    authorizeAp2Presentation(
      { ap2_bundle: 1, role: 'network', payment_chain: chain },
      trust,
      context(f, checkoutJwt),
      at,
    );
  const codes = (a: Ap2AuthorizeAnswer) => a.errors.map((e) => e.code);

  it('approves a payment; the same closed mandate again, even re-signed with a new nonce, is a replay of it', async () => {
    const trust = await network();
    const f = await buildAp2(longLived());
    const first = await pay(trust, f, f.paymentChain, f.checkoutJwt, AT);
    expect(first).toMatchObject({ decision: 'approved', replayed: false, ap2_error: null });
    const again = await pay(trust, f, f.paymentChain, f.checkoutJwt, AT + 5);
    expect(again).toMatchObject({ decision: 'approved', replayed: true });
    expect(again.authorization_id).toBe(first.authorization_id);
    const segments = f.paymentChain.split('~~');
    const resigned = resign(segments.at(-1)!, keys.agent, {
      payload: (p) => ({ ...p, nonce: 'n-fresh', iat: AT }),
    });
    const copy = await pay(
      { ...trust, nonce: 'n-fresh' },
      f,
      [...segments.slice(0, -1), resigned].join('~~'),
      f.checkoutJwt,
      AT + 10,
    );
    expect(copy).toMatchObject({ decision: 'approved', replayed: true });
    expect(copy.authorization_id).toBe(first.authorization_id);
    const usage = await trust.ledger.usage(first.mandate_id!, 'ap2:payment', AT + 10);
    expect(usage.uses).toBe(1);
    expect(usage.spentByCurrency).toEqual({ EUR: 2998 });
  });

  it('a human-present closed payment root (no hop, no nonce) is used once', async () => {
    const trust = await network();
    const checkout = 'chk-human-present';
    const root = await issueAp2Root({
      signer: keys.provider,
      mandate: {
        vct: 'mandate.payment.1',
        transaction_id: sha256b64u(checkout),
        payee: { id: 'm-shop', name: 'Shop' },
        payment_amount: { amount: 2400, currency: 'EUR' },
        payment_instrument: { id: 'pi-card-1', type: 'card' },
        iat: AT - 60,
        exp: AT + 840,
      },
    });
    const ask = () =>
      authorizeAp2Presentation(
        { ap2_bundle: 1, role: 'network', payment_chain: root },
        trust,
        { transaction_id: sha256b64u(checkout) },
        AT,
      );
    const first = await ask();
    expect(first).toMatchObject({ decision: 'approved', replayed: false });
    expect(await ask()).toMatchObject({
      decision: 'approved',
      replayed: true,
      authorization_id: first.authorization_id,
    });
  });

  it('without agent_recurrence an open payment mandate pays once', async () => {
    const trust = await network();
    const f = await buildAp2(longLived());
    expect((await pay(trust, f, f.paymentChain, f.checkoutJwt, AT)).decision).toBe('approved');
    const next = await anotherPayment(f, { at: AT + DAY });
    const second = await pay(trust, f, next.paymentChain, next.checkoutJwt, AT + DAY);
    expect(second.decision).toBe('declined');
    expect(codes(second)).toEqual(['LEDGER_PAIR_ALREADY_FULFILLED']);
    expect(second.ap2_error).toBe('invalid_mandate');
  });

  it('one budget across merchants: the payment that would pass 100.50 EUR is refused', async () => {
    const trust = await network();
    const f = await buildAp2(longLived({ frequency: 'ON_DEMAND' }));
    expect((await pay(trust, f, f.paymentChain, f.checkoutJwt, AT)).decision).toBe('approved');
    const other = await anotherPayment(f, { at: AT + 60, payee: OTHER_SHOP, amount: 6900 });
    expect((await pay(trust, f, other.paymentChain, other.checkoutJwt, AT + 60)).decision).toBe(
      'approved',
    );
    // 2998 + 6900 = 9898 spent of 10050: 153 more is too much, 152 fits.
    const over = await anotherPayment(f, { at: AT + 120, amount: 153 });
    const refused = await pay(trust, f, over.paymentChain, over.checkoutJwt, AT + 120);
    expect(refused.decision).toBe('declined');
    expect(refused.ap2_error).toBe('invalid_mandate');
    const usage = await trust.ledger.usage(refused.mandate_id!, 'ap2:payment', AT + 120);
    expect(usage.spentByCurrency).toEqual({ EUR: 9898 });
    const fits = await anotherPayment(f, { at: AT + 180, amount: 152 });
    expect((await pay(trust, f, fits.paymentChain, fits.checkoutJwt, AT + 180)).decision).toBe(
      'approved',
    );
  });

  it('agent_recurrence WEEKLY x2: a second payment 6 days on is refused, 7 days on passes, a third never', async () => {
    const trust = await network();
    const f = await buildAp2(longLived({ frequency: 'WEEKLY', max_occurrences: 2 }));
    const first = await pay(trust, f, f.paymentChain, f.checkoutJwt, AT);
    // Captured: an uncaptured hold would expire and give its occurrence back.
    await trust.ledger.capture({ authorizationId: first.authorization_id!, at: AT + 60 });
    const early = await anotherPayment(f, { at: AT + 6 * DAY });
    const tooSoon = await pay(trust, f, early.paymentChain, early.checkoutJwt, AT + 6 * DAY);
    expect(tooSoon.decision).toBe('declined');
    expect(tooSoon.ap2_error).toBe('invalid_mandate');
    const week = await anotherPayment(f, { at: AT + 7 * DAY });
    const second = await pay(trust, f, week.paymentChain, week.checkoutJwt, AT + 7 * DAY);
    expect(second.decision).toBe('approved');
    await trust.ledger.capture({
      authorizationId: second.authorization_id!,
      at: AT + 7 * DAY + 60,
    });
    const third = await anotherPayment(f, { at: AT + 30 * DAY });
    const refused = await pay(trust, f, third.paymentChain, third.checkoutJwt, AT + 30 * DAY);
    expect(refused.decision).toBe('declined');
  });

  it('a payment presented again under a budget and a recurrence it has used up gets its first decision back', async () => {
    const trust = await network();
    const f = await buildAp2(longLived({ frequency: 'WEEKLY', max_occurrences: 1 }));
    const first = await pay(trust, f, f.paymentChain, f.checkoutJwt, AT);
    expect(first.decision).toBe('approved');
    // Judged against the state without itself: the recurrence it used is not held against it.
    const again = await pay(trust, f, f.paymentChain, f.checkoutJwt, AT + 60);
    expect(again).toMatchObject({
      decision: 'approved',
      replayed: true,
      authorization_id: first.authorization_id,
    });
    const usage = await trust.ledger.usage(first.mandate_id!, AP2_LEDGER_PAIR, AT + 60);
    expect(usage.uses).toBe(1);
    // Another payment is judged against everything: the one occurrence is spent (captured, so it stays spent).
    await trust.ledger.capture({ authorizationId: first.authorization_id!, at: AT + 120 });
    const other = await anotherPayment(f, { at: AT + 8 * DAY });
    const refused = await pay(trust, f, other.paymentChain, other.checkoutJwt, AT + 8 * DAY);
    expect(refused.decision).toBe('declined');
  });

  it('a revoked open payment mandate declines every new payment', async () => {
    const trust = await network();
    const f = await buildAp2(longLived({ frequency: 'ON_DEMAND' }));
    const first = await pay(trust, f, f.paymentChain, f.checkoutJwt, AT);
    await trust.ledger.revoke({
      l2Id: first.mandate_id!,
      signerThumbprint: 'provider',
      issuedAt: AT + 1,
      revocationId: 'rev-1',
      at: AT + 1,
    });
    const next = await anotherPayment(f, { at: AT + 60 });
    const refused = await pay(trust, f, next.paymentChain, next.checkoutJwt, AT + 60);
    expect(codes(refused)).toEqual(['LEDGER_MANDATE_REVOKED']);
  });

  it('a nonce is consumed once per agent key', async () => {
    const trust = await network();
    const f = await buildAp2(longLived({ frequency: 'ON_DEMAND' }));
    const a = await anotherPayment(f, { at: AT, nonce: 'n-same' });
    const b = await anotherPayment(f, { at: AT + 60, nonce: 'n-same' });
    expect((await pay(trust, f, a.paymentChain, a.checkoutJwt, AT)).decision).toBe('approved');
    const replay = await pay(trust, f, b.paymentChain, b.checkoutJwt, AT + 60);
    expect(codes(replay)).toEqual(['LEDGER_NONCE_REPLAY']);
  });

  it('a chain that does not verify is declined with its AP2 code and counts nothing', async () => {
    const trust = await network();
    const f = await buildAp2(longLived());
    const wrongCheckout = await authorizeAp2Presentation(
      { ap2_bundle: 1, role: 'network', payment_chain: f.paymentChain },
      trust,
      { ...context(f), transaction_id: sha256b64u('another checkout') },
      AT,
    );
    expect(wrongCheckout.decision).toBe('declined');
    expect(codes(wrongCheckout)).toEqual(['AP2_TRANSACTION_ID_MISMATCH']);
    expect(wrongCheckout.ap2_error).toBe('invalid_mandate');
    const usage = await trust.ledger.usage(wrongCheckout.mandate_id!, 'ap2:payment', AT);
    expect(usage.uses).toBe(0);
    // The presenter's own trust is never read.
    const other = await authorizeAp2Presentation(
      {
        ap2_bundle: 1,
        role: 'network',
        payment_chain: f.paymentChain,
        trust: { issuer_jwks: { keys: [keys.agent.publicJwk] } },
      },
      { ...trust, issuerKeys: { keys: [keys.agent.publicJwk] } as never },
      context(f),
      AT,
    );
    expect(codes(other)).toEqual(['AP2_ROOT_KEY_UNKNOWN']);
  });

  it('concurrent presentations under one budget: exactly as many approved as the budget holds', async () => {
    const trust = await network();
    const f = await buildAp2(longLived({ frequency: 'ON_DEMAND' }));
    const payments = await Promise.all(
      Array.from({ length: 12 }, (_, i) => anotherPayment(f, { at: AT + i, orderId: `o-${i}` })),
    );
    const answers = await Promise.all(
      payments.map((p, i) => pay(trust, f, p.paymentChain, p.checkoutJwt, AT + i)),
    );
    const approved = answers.filter((a) => a.decision === 'approved');
    // 10050 minor units of budget, 2998 each: three fit.
    expect(approved).toHaveLength(3);
    for (const a of answers.filter((x) => x.decision === 'declined'))
      expect(a.ap2_error).toBe('invalid_mandate');
    const usage = await trust.ledger.usage(approved[0]!.mandate_id!, 'ap2:payment', AT + 20);
    expect(usage).toMatchObject({ uses: 3, spentByCurrency: { EUR: 3 * 2998 } });
  });

  it('concurrent presentations with max_occurrences 2: two approved', async () => {
    const trust = await network();
    const f = await buildAp2(longLived({ frequency: 'ON_DEMAND', max_occurrences: 2 }));
    const payments = await Promise.all(
      Array.from({ length: 8 }, () => anotherPayment(f, { at: AT, amount: 100 })),
    );
    const answers = await Promise.all(
      payments.map((p) => pay(trust, f, p.paymentChain, p.checkoutJwt, AT)),
    );
    expect(answers.filter((a) => a.decision === 'approved')).toHaveLength(2);
    const declined = answers.filter((a) => a.decision === 'declined');
    // Refused by the ledger's transaction, or already by the verifier's read of the usage.
    for (const code of declined.flatMap(codes))
      expect(['LEDGER_OCCURRENCES_EXCEEDED', 'AP2_CONSTRAINT_VIOLATED']).toContain(code);
    for (const a of declined) expect(a.ap2_error).toBe('invalid_mandate');
  });
}
