/**
 * One behavioural suite, run against every backend: the same requests must get
 * the same decisions whether the ledger lives in SQLite or PostgreSQL.
 */
import { afterEach, expect, it } from 'vitest';
import type { Ledger } from '../../src/ledger/types.js';
import { MARCH_RECURRENCE, request, uniqueId } from './fixtures.js';

/** Gives each test fresh storage; the returned opener can be called again to reopen the same storage. */
export type FreshStorage = () => Promise<() => Promise<Ledger>>;

export function defineLedgerBehaviour(freshStorage: FreshStorage): void {
  const opened: Ledger[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((ledger) => ledger.close()));
  });

  async function open(): Promise<{ ledger: Ledger; reopen: () => Promise<Ledger> }> {
    const opener = await freshStorage();
    const reopen = async () => {
      const ledger = await opener();
      opened.push(ledger);
      return ledger;
    };
    return { ledger: await reopen(), reopen };
  }

  it('approves a first presentation and replays it idempotently, counted once', async () => {
    const { ledger } = await open();
    const pair = {
      l2Id: uniqueId('l2'),
      pairId: uniqueId('pair'),
      ...MARCH_RECURRENCE,
      budget: [{ currency: 'USD', max: 1000 }],
    };
    const first = request({ ...pair, amount: 600 });
    const approved = await ledger.authorize(first);
    expect(approved).toMatchObject({ decision: 'approved', replayed: false });
    expect(approved.authorizationId).toMatch(/^auth_/);

    const again = await ledger.authorize(first);
    expect(again).toEqual({
      decision: 'approved',
      authorizationId: approved.authorizationId,
      replayed: true,
    });

    // Had the replay been counted, 600 + 600 + 400 would exceed the cap.
    expect(await ledger.authorize(request({ ...pair, amount: 400 }))).toMatchObject({
      decision: 'approved',
    });
    expect(await ledger.authorize(request({ ...pair, amount: 1 }))).toMatchObject({
      code: 'LEDGER_BUDGET_EXCEEDED',
    });
  });

  it('replays a decline as the same decline', async () => {
    const { ledger } = await open();
    const over = request({ budget: [{ currency: 'USD', max: 10 }], amount: 11 });
    const declined = await ledger.authorize(over);
    expect(declined).toMatchObject({
      decision: 'declined',
      code: 'LEDGER_BUDGET_EXCEEDED',
      replayed: false,
    });
    expect(await ledger.authorize(over)).toEqual({ ...declined, replayed: true });
  });

  it('declines a nonce reused by another presentation of the same signer only', async () => {
    const { ledger } = await open();
    const nonce = uniqueId('nonce');
    expect(await ledger.authorize(request({ nonce }))).toMatchObject({ decision: 'approved' });
    expect(await ledger.authorize(request({ nonce }))).toMatchObject({
      decision: 'declined',
      code: 'LEDGER_NONCE_REPLAY',
    });
    expect(
      await ledger.authorize(request({ nonce, signerThumbprint: 'other-agent' })),
    ).toMatchObject({ decision: 'approved' });
  });

  it('fulfils a base-model pair once; a reversal frees it', async () => {
    const { ledger } = await open();
    const pair = { l2Id: uniqueId('l2'), pairId: uniqueId('pair') };
    const first = await ledger.authorize(request(pair));
    expect(first.decision).toBe('approved');
    expect(await ledger.authorize(request(pair))).toMatchObject({
      code: 'LEDGER_PAIR_ALREADY_FULFILLED',
    });

    expect(await ledger.reverse(first.authorizationId!, 1_800_000_000, 'merchant void')).toEqual({
      ok: true,
      authorizationId: first.authorizationId,
    });
    expect(await ledger.authorize(request(pair))).toMatchObject({ decision: 'approved' });
  });

  it('treats subscription setup as one fulfilment bounded by recurrence.endDate', async () => {
    const { ledger } = await open();
    const pair = { l2Id: uniqueId('l2'), pairId: uniqueId('pair') };
    const recurrence = { frequency: 'MONTHLY', startDate: '2026-01-01', endDate: '2026-03-14' };
    expect(await ledger.authorize(request({ ...pair, recurrence }))).toMatchObject({
      code: 'LEDGER_RECURRENCE_OUT_OF_WINDOW',
    });
    const open2027 = { ...recurrence, endDate: '2027-01-01' };
    expect(await ledger.authorize(request({ ...pair, recurrence: open2027 }))).toMatchObject({
      decision: 'approved',
    });
    expect(await ledger.authorize(request({ ...pair, recurrence: open2027 }))).toMatchObject({
      code: 'LEDGER_PAIR_ALREADY_FULFILLED',
    });
  });

  it('enforces agent_recurrence window and occurrences; a reversal releases an occurrence', async () => {
    const { ledger } = await open();
    const terms = {
      ...MARCH_RECURRENCE,
      agentRecurrence: { ...MARCH_RECURRENCE.agentRecurrence, maxOccurrences: 2 },
    };
    const pair = { l2Id: uniqueId('l2'), pairId: uniqueId('pair'), ...terms };
    const april = Date.UTC(2026, 3, 1) / 1000;
    expect(await ledger.authorize(request({ ...pair, at: april }))).toMatchObject({
      code: 'LEDGER_RECURRENCE_OUT_OF_WINDOW',
    });
    const one = await ledger.authorize(request(pair));
    expect(one.decision).toBe('approved');
    expect(await ledger.authorize(request(pair))).toMatchObject({ decision: 'approved' });
    expect(await ledger.authorize(request(pair))).toMatchObject({
      code: 'LEDGER_OCCURRENCES_EXCEEDED',
    });
    expect((await ledger.reverse(one.authorizationId!, 2)).ok).toBe(true);
    expect(await ledger.authorize(request(pair))).toMatchObject({ decision: 'approved' });
  });

  it("caps spend per mandate pair and currency: one pair never uses another pair's budget", async () => {
    const { ledger } = await open();
    const l2Id = uniqueId('l2');
    const pairA = {
      l2Id,
      pairId: uniqueId('pair'),
      ...MARCH_RECURRENCE,
      budget: [{ currency: 'USD', max: 2500 }],
    };
    const pairB = { ...pairA, pairId: uniqueId('pair') };
    for (const amount of [1000, 1000]) {
      expect(await ledger.authorize(request({ ...pairA, amount }))).toMatchObject({
        decision: 'approved',
      });
    }
    const over = await ledger.authorize(request({ ...pairA, amount: 501 }));
    expect(over).toMatchObject({ decision: 'declined', code: 'LEDGER_BUDGET_EXCEEDED' });
    expect(await ledger.authorize(request({ ...pairA, amount: 500 }))).toMatchObject({
      decision: 'approved',
    });
    // Pair B of the same L2 has its own 2500, untouched by pair A's 2500.
    expect(await ledger.authorize(request({ ...pairB, amount: 2500 }))).toMatchObject({
      decision: 'approved',
    });
    expect(await ledger.authorize(request({ ...pairB, amount: 1 }))).toMatchObject({
      code: 'LEDGER_BUDGET_EXCEEDED',
    });
    // Another L2 is apart; a budget in another currency than the request declines.
    expect(
      await ledger.authorize(request({ ...pairA, l2Id: uniqueId('l2'), amount: 2500 })),
    ).toMatchObject({ decision: 'approved' });
    expect(
      await ledger.authorize(
        request({ ...pairA, budget: [{ currency: 'EUR', max: 9999 }], amount: 1 }),
      ),
    ).toMatchObject({
      code: 'LEDGER_BUDGET_EXCEEDED',
    });
  });

  it('releases budget on reversal and refuses unknown or repeated reversals with their own codes', async () => {
    const { ledger } = await open();
    const pair = {
      l2Id: uniqueId('l2'),
      pairId: uniqueId('pair'),
      ...MARCH_RECURRENCE,
      budget: [{ currency: 'USD', max: 1000 }],
    };
    const spend = await ledger.authorize(request({ ...pair, amount: 1000 }));
    expect(await ledger.authorize(request({ ...pair, amount: 1 }))).toMatchObject({
      code: 'LEDGER_BUDGET_EXCEEDED',
    });
    expect((await ledger.reverse(spend.authorizationId!, 5)).ok).toBe(true);
    expect(await ledger.reverse(spend.authorizationId!, 6)).toMatchObject({
      ok: false,
      code: 'LEDGER_AUTHORIZATION_REVERSED',
    });
    expect(await ledger.reverse('auth_nope', 7)).toMatchObject({
      ok: false,
      code: 'LEDGER_AUTHORIZATION_UNKNOWN',
    });
    expect(await ledger.authorize(request({ ...pair, amount: 1000 }))).toMatchObject({
      decision: 'approved',
    });
  });

  it('declines the same presentation after its approval was reversed, and does not count it', async () => {
    const { ledger } = await open();
    const pair = { l2Id: uniqueId('l2'), pairId: uniqueId('pair') };
    const first = request(pair);
    const approved = await ledger.authorize(first);
    expect((await ledger.reverse(approved.authorizationId!, first.at + 1)).ok).toBe(true);
    const again = await ledger.authorize(first);
    expect(again).toMatchObject({
      decision: 'declined',
      code: 'LEDGER_AUTHORIZATION_REVERSED',
      replayed: true,
    });
    expect(again.authorizationId).toBeUndefined();
    // The pair is free again for a new presentation.
    expect(await ledger.authorize(request(pair))).toMatchObject({ decision: 'approved' });
  });

  it('lets every pair of one Immediate L2 use its nonce once, and catches the nonce under another L2', async () => {
    const { ledger } = await open();
    const immediate = {
      mode: 'immediate' as const,
      l2Id: uniqueId('l2'),
      nonce: uniqueId('nonce'),
      signerThumbprint: 'user-key',
    };
    const pair0 = request(immediate);
    expect(await ledger.authorize(pair0)).toMatchObject({ decision: 'approved' });
    expect(await ledger.authorize(request(immediate))).toMatchObject({ decision: 'approved' });
    expect(await ledger.authorize(pair0)).toMatchObject({ decision: 'approved', replayed: true });
    expect(await ledger.authorize(request({ ...immediate, l2Id: uniqueId('l2') }))).toMatchObject({
      code: 'LEDGER_NONCE_REPLAY',
    });
  });

  it('records a revocation idempotently; later authorizations are declined, earlier ones stay', async () => {
    const { ledger } = await open();
    const l2Id = uniqueId('l2');
    const base = { l2Id, ...MARCH_RECURRENCE };
    const pair = { ...base, pairId: uniqueId('pair') };
    const kept = request(pair);
    const approved = await ledger.authorize(kept);
    await ledger.authorize(request(pair));
    const record = {
      l2Id,
      signerThumbprint: 'user-key',
      issuedAt: kept.at,
      revocationId: uniqueId('rev'),
      at: kept.at + 10,
    };
    expect(await ledger.revoke(record)).toEqual({
      newlyRevoked: true,
      l2Id,
      revokedAt: kept.at + 10,
      authorizationsKept: 2,
    });
    expect(await ledger.revoke({ ...record, at: kept.at + 20 })).toEqual({
      newlyRevoked: false,
      l2Id,
      revokedAt: kept.at + 10,
      authorizationsKept: 2,
    });
    expect(await ledger.authorize(request(pair))).toMatchObject({
      decision: 'declined',
      code: 'LEDGER_MANDATE_REVOKED',
    });
    expect(await ledger.authorize(request({ ...base, pairId: uniqueId('pair') }))).toMatchObject({
      code: 'LEDGER_MANDATE_REVOKED',
    });
    expect(await ledger.authorize(kept)).toEqual({ ...approved, replayed: true });
    expect(await ledger.authorize(request(MARCH_RECURRENCE))).toMatchObject({
      decision: 'approved',
    });
    const trail = (await ledger.audit({ l2Id })).filter((e) => e.kind === 'revoke');
    expect(trail.map((e) => e.decision)).toEqual(['revoked', 'revoked']);
    expect(trail[1]!.detail).toContain('already revoked');
  });

  it('remembers merchant presentations by content and by nonce until they could no longer verify', async () => {
    const { ledger } = await open();
    const seen = {
      contentId: uniqueId('l3b'),
      signerThumbprint: 'agent',
      nonce: uniqueId('nonce'),
      at: 1000,
      forgetAfter: 2000,
    };
    expect(await ledger.rememberMerchantPresentation(seen)).toEqual({ firstSeen: true });
    expect(await ledger.rememberMerchantPresentation({ ...seen, at: 1500 })).toEqual({
      firstSeen: false,
      matched: 'content',
      firstSeenAt: 1000,
    });
    expect(
      await ledger.rememberMerchantPresentation({ ...seen, contentId: uniqueId('l3b'), at: 1500 }),
    ).toMatchObject({ firstSeen: false, matched: 'nonce' });
    expect(
      await ledger.rememberMerchantPresentation({ ...seen, nonce: uniqueId('nonce'), at: 1500 }),
    ).toMatchObject({ matched: 'content' });
    // Same nonce from another agent key is another presentation.
    expect(
      await ledger.rememberMerchantPresentation({
        ...seen,
        contentId: uniqueId('l3b'),
        signerThumbprint: 'other',
      }),
    ).toEqual({ firstSeen: true });
    // Past forgetAfter the row is purged (the verifier rejects such an L3b as expired anyway).
    expect(
      await ledger.rememberMerchantPresentation({ ...seen, at: 2001, forgetAfter: 3000 }),
    ).toEqual({ firstSeen: true });
  });

  it('declines amounts that are not safe integers', async () => {
    const { ledger } = await open();
    const decision = await ledger.authorize(request({ amount: Number.MAX_SAFE_INTEGER + 2 }));
    expect(decision).toMatchObject({ decision: 'declined', code: 'LEDGER_BUDGET_EXCEEDED' });
  });

  it('audits every decision, replay and reversal in order, per L2 and with a limit', async () => {
    const { ledger } = await open();
    const l2Id = uniqueId('l2');
    const first = request({ l2Id, budget: [{ currency: 'USD', max: 1500 }] });
    const approved = await ledger.authorize(first);
    await ledger.authorize(first);
    await ledger.authorize(request({ l2Id, pairId: first.pairId }));
    await ledger.reverse(approved.authorizationId!, first.at + 60, 'customer cancelled');
    await ledger.reverse(approved.authorizationId!, first.at + 61);
    await ledger.authorize(request()); // another L2, must not appear below

    const trail = await ledger.audit({ l2Id });
    expect(trail.map((e) => [e.kind, e.decision, e.code])).toEqual([
      ['authorize', 'approved', null],
      ['authorize', 'approved', null],
      ['authorize', 'declined', 'LEDGER_PAIR_ALREADY_FULFILLED'],
      ['reverse', 'reversed', null],
      ['reverse', 'rejected', 'LEDGER_AUTHORIZATION_REVERSED'],
    ]);
    expect(trail[1]!.detail).toContain('replay');
    expect(trail[3]).toMatchObject({
      authorizationId: approved.authorizationId,
      amount: 1000,
      currency: 'USD',
      detail: 'customer cancelled',
    });
    expect(trail[0]).toMatchObject({
      presentationId: first.presentationId,
      pairId: first.pairId,
      at: first.at,
      amount: 1000,
    });
    const seqs = trail.map((e) => e.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);

    expect((await ledger.audit({ l2Id, limit: 2 })).map((e) => e.seq)).toEqual(seqs.slice(-2));
    expect((await ledger.audit()).length).toBe(6);
  });

  it('keeps its state across close and reopen', async () => {
    const { ledger, reopen } = await open();
    const pair = { l2Id: uniqueId('l2'), pairId: uniqueId('pair') };
    const first = request(pair);
    const approved = await ledger.authorize(first);
    await ledger.close();

    const again = await reopen();
    expect(await again.authorize(first)).toEqual({ ...approved, replayed: true });
    expect(await again.authorize(request(pair))).toMatchObject({
      code: 'LEDGER_PAIR_ALREADY_FULFILLED',
    });
  });

  it('reports storage failure as LEDGER_UNAVAILABLE once closed', async () => {
    const { ledger } = await open();
    await ledger.close();
    await expect(ledger.authorize(request())).rejects.toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
  });
}
