/**
 * Capture, hold expiry and the standing re-check at capture, run against every
 * backend: the same calls must get the same answers in SQLite and PostgreSQL,
 * concurrent ones included.
 */
import { afterEach, expect, it } from 'vitest';
import type { Ledger } from '../../src/ledger/types.js';
import type { FreshStorage } from './behaviour.js';
import { MARCH_RECURRENCE, MID_MARCH_2026, request, uniqueId } from './fixtures.js';

const T = MID_MARCH_2026;
const HOLD = 3600;

export function defineCaptureBehaviour(freshStorage: FreshStorage): void {
  const opened: Ledger[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((ledger) => ledger.close()));
  });

  async function open(): Promise<Ledger> {
    const ledger = await (await freshStorage())();
    opened.push(ledger);
    return ledger;
  }

  /** A multi-transaction pair with a 1000 budget. */
  const budgetPair = () => ({
    l2Id: uniqueId('l2'),
    pairId: uniqueId('pair'),
    ...MARCH_RECURRENCE,
    budget: [{ currency: 'USD', max: 1000 }],
  });

  it('captures a held authorization once; the same capture again answers as then; another amount or a reversal is refused', async () => {
    const ledger = await open();
    const approved = await ledger.authorize(request({ amount: 700, holdUntil: T + HOLD }));
    const id = approved.authorizationId!;
    expect(await ledger.authorization(id)).toMatchObject({
      state: 'held',
      amount: 700,
      currency: 'USD',
      holdUntil: T + HOLD,
      authorizedAt: T,
    });
    expect(await ledger.capture({ authorizationId: id, at: T + 10 })).toEqual({
      ok: true,
      authorizationId: id,
      amount: 700,
      currency: 'USD',
      capturedAt: T + 10,
      replayed: false,
    });
    expect(await ledger.capture({ authorizationId: id, at: T + 20, amount: 700 })).toMatchObject({
      ok: true,
      replayed: true,
      capturedAt: T + 10,
    });
    expect(await ledger.capture({ authorizationId: id, at: T + 30, amount: 500 })).toMatchObject({
      ok: false,
      code: 'LEDGER_AUTHORIZATION_CAPTURED',
    });
    expect(await ledger.reverse(id, T + 40)).toMatchObject({
      ok: false,
      code: 'LEDGER_AUTHORIZATION_CAPTURED',
    });
    // A captured authorization never expires.
    expect(await ledger.expireHolds(T + HOLD * 10)).toBe(0);
    expect(await ledger.authorization(id)).toMatchObject({
      state: 'captured',
      capturedAt: T + 10,
      capturedAmount: 700,
    });
    expect(await ledger.capture({ authorizationId: 'auth_unknown', at: T })).toMatchObject({
      ok: false,
      code: 'LEDGER_AUTHORIZATION_UNKNOWN',
    });
    expect(await ledger.authorization('auth_unknown')).toBeNull();
  });

  it('counts a partial capture against the budget and releases the rest; an amount above the authorization is refused', async () => {
    const ledger = await open();
    const pair = budgetPair();
    const first = await ledger.authorize(request({ ...pair, amount: 1000, holdUntil: T + HOLD }));
    expect(await ledger.authorize(request({ ...pair, amount: 1 }))).toMatchObject({
      code: 'LEDGER_BUDGET_EXCEEDED',
    });
    expect(
      await ledger.capture({ authorizationId: first.authorizationId!, at: T + 1, amount: 1001 }),
    ).toMatchObject({ code: 'LEDGER_CAPTURE_AMOUNT_INVALID' });
    expect(
      await ledger.capture({ authorizationId: first.authorizationId!, at: T + 1, amount: 600 }),
    ).toMatchObject({ ok: true, amount: 600 });
    expect(await ledger.authorize(request({ ...pair, amount: 401 }))).toMatchObject({
      code: 'LEDGER_BUDGET_EXCEEDED',
    });
    expect(await ledger.authorize(request({ ...pair, amount: 400 }))).toMatchObject({
      decision: 'approved',
    });
  });

  it('releases a hold at its hold time: budget free again, capture and replay refused as expired, audited once', async () => {
    const ledger = await open();
    const pair = budgetPair();
    const presentation = request({ ...pair, amount: 1000, at: T, holdUntil: T + HOLD });
    const held = await ledger.authorize(presentation);
    const id = held.authorizationId!;
    expect(
      await ledger.authorize(request({ ...pair, amount: 1000, at: T + HOLD - 1 })),
    ).toMatchObject({ code: 'LEDGER_BUDGET_EXCEEDED' });
    // Deciding the pair again at the hold time releases the hold on the way.
    expect(await ledger.authorize(request({ ...pair, amount: 1000, at: T + HOLD }))).toMatchObject({
      decision: 'approved',
    });
    expect(await ledger.authorization(id)).toMatchObject({
      state: 'expired',
      releasedAt: T + HOLD,
    });
    expect(await ledger.capture({ authorizationId: id, at: T + HOLD + 1 })).toMatchObject({
      ok: false,
      code: 'LEDGER_AUTHORIZATION_EXPIRED',
    });
    expect(await ledger.reverse(id, T + HOLD + 2)).toMatchObject({
      ok: false,
      code: 'LEDGER_AUTHORIZATION_EXPIRED',
    });
    expect(await ledger.authorize({ ...presentation, at: T + HOLD + 3 })).toMatchObject({
      decision: 'declined',
      code: 'LEDGER_AUTHORIZATION_EXPIRED',
      replayed: true,
    });
    const trail = await ledger.audit({ l2Id: pair.l2Id });
    expect(trail.filter((e) => e.kind === 'expire')).toEqual([
      expect.objectContaining({
        decision: 'expired',
        authorizationId: id,
        amount: 1000,
        at: T + HOLD,
      }),
    ]);
  });

  it('refuses to capture a hold whose time passed, and releases it then', async () => {
    const ledger = await open();
    const pair = { l2Id: uniqueId('l2'), pairId: uniqueId('pair') };
    const held = await ledger.authorize(request({ ...pair, holdUntil: T + HOLD }));
    expect(
      await ledger.capture({ authorizationId: held.authorizationId!, at: T + HOLD }),
    ).toMatchObject({ code: 'LEDGER_AUTHORIZATION_EXPIRED' });
    expect(await ledger.authorization(held.authorizationId!)).toMatchObject({ state: 'expired' });
    // A base-model pair whose only approval expired can be fulfilled by a new presentation.
    expect(await ledger.authorize(request({ ...pair, at: T + HOLD + 1 }))).toMatchObject({
      decision: 'approved',
    });
  });

  it('sweeps expired holds of every L2, at most `limit` at a time, and never one with no hold time', async () => {
    const ledger = await open();
    const due = [];
    for (let i = 0; i < 3; i++)
      due.push((await ledger.authorize(request({ holdUntil: T + 10 + i }))).authorizationId!);
    const later = (await ledger.authorize(request({ holdUntil: T + HOLD }))).authorizationId!;
    const forever = (await ledger.authorize(request())).authorizationId!;
    expect(await ledger.expireHolds(T + 100, 2)).toBe(2);
    expect(await ledger.expireHolds(T + 100)).toBe(1);
    expect(await ledger.expireHolds(T + 100)).toBe(0);
    for (const id of due)
      expect(await ledger.authorization(id)).toMatchObject({ state: 'expired' });
    expect(await ledger.authorization(later)).toMatchObject({ state: 'held' });
    expect(await ledger.expireHolds(T + 10 ** 9)).toBe(1);
    expect(await ledger.authorization(forever)).toMatchObject({ state: 'held' });
  });

  it('re-checks the standing at capture: a mandate revoked after authorization is not captured; the hold stays', async () => {
    const ledger = await open();
    const l2Id = uniqueId('l2');
    const held = await ledger.authorize(request({ l2Id, holdUntil: T + HOLD }));
    const other = await ledger.authorize(request({ holdUntil: T + HOLD }));
    await ledger.revoke({
      l2Id,
      signerThumbprint: 'user',
      issuedAt: T + 5,
      revocationId: uniqueId('rev'),
      at: T + 5,
    });
    expect(
      await ledger.capture({ authorizationId: held.authorizationId!, at: T + 6 }),
    ).toMatchObject({ ok: false, code: 'LEDGER_MANDATE_REVOKED' });
    expect(await ledger.authorization(held.authorizationId!)).toMatchObject({ state: 'held' });
    // The caller's own standing check (the L1's status) refuses the same way and is audited with its code.
    const refusal = {
      code: 'L1_STATUS_SUSPENDED' as const,
      message: 'the issuer suspended this L1',
    };
    expect(
      await ledger.capture({ authorizationId: other.authorizationId!, at: T + 7, refusal }),
    ).toEqual({
      ok: false,
      authorizationId: other.authorizationId,
      ...refusal,
    });
    expect(await ledger.authorization(other.authorizationId!)).toMatchObject({ state: 'held' });
    const audit = await ledger.audit();
    expect(audit.filter((e) => e.kind === 'capture').map((e) => [e.decision, e.code])).toEqual([
      ['rejected', 'LEDGER_MANDATE_REVOKED'],
      ['rejected', 'L1_STATUS_SUSPENDED'],
    ]);
    // Once the standing is back, it can be captured.
    expect(
      await ledger.capture({ authorizationId: other.authorizationId!, at: T + 8 }),
    ).toMatchObject({ ok: true });
  });

  it('keeps the L1 status reference an authorization was made with', async () => {
    const ledger = await open();
    const l1Status = {
      idx: 7,
      uri: 'https://issuer.example/status/1',
      issuer: {
        iss: 'https://issuer.example',
        kid: 'k1',
        jwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' },
      },
    };
    const held = await ledger.authorize(request({ l1Status: l1Status as never }));
    expect((await ledger.authorization(held.authorizationId!))?.l1Status).toEqual(l1Status);
  });

  it('captures once under 20 concurrent captures of one authorization', async () => {
    const ledger = await open();
    const id = (await ledger.authorize(request({ holdUntil: T + HOLD }))).authorizationId!;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ledger.capture({ authorizationId: id, at: T + 1 + (i % 3) }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.filter((r) => r.ok && !r.replayed)).toHaveLength(1);
    expect((await ledger.audit()).filter((e) => e.kind === 'capture')).toHaveLength(1);
  });

  it('orders captures and a concurrent revocation: each capture lands before the revocation or is refused', async () => {
    const ledger = await open();
    const l2Id = uniqueId('l2');
    const ids: string[] = [];
    for (let i = 0; i < 12; i++)
      ids.push(
        (
          await ledger.authorize(
            request({ l2Id, ...MARCH_RECURRENCE, amount: 1, holdUntil: T + HOLD }),
          )
        ).authorizationId!,
      );
    const revocation = ledger.revoke({
      l2Id,
      signerThumbprint: 'user',
      issuedAt: T,
      revocationId: uniqueId('rev'),
      at: T + 1,
    });
    const captures = ids.map((authorizationId, i) =>
      ledger.capture({ authorizationId, at: T + 1 + (i % 2) }),
    );
    const [results] = await Promise.all([Promise.all(captures), revocation]);
    for (const r of results) if (!r.ok) expect(r.code).toBe('LEDGER_MANDATE_REVOKED');
    const trail = await ledger.audit({ l2Id });
    const revokedSeq = trail.find((e) => e.kind === 'revoke')!.seq;
    for (const e of trail.filter((x) => x.kind === 'capture')) {
      if (e.decision === 'captured') expect(e.seq).toBeLessThan(revokedSeq);
      else expect(e.seq).toBeGreaterThan(revokedSeq);
    }
  });

  it('releases an expired hold exactly once when 10 concurrent authorizations of its pair race for the freed budget', async () => {
    const ledger = await open();
    const pair = budgetPair();
    const held = await ledger.authorize(request({ ...pair, amount: 1000, holdUntil: T + 60 }));
    const racers = Array.from({ length: 10 }, () =>
      ledger.authorize(request({ ...pair, amount: 1000, at: T + 61 })),
    );
    const sweep = ledger.expireHolds(T + 61);
    const decisions = await Promise.all(racers);
    await sweep;
    expect(decisions.filter((d) => d.decision === 'approved')).toHaveLength(1);
    for (const d of decisions.filter((x) => x.decision === 'declined'))
      expect(d.code).toBe('LEDGER_BUDGET_EXCEEDED');
    const trail = await ledger.audit({ l2Id: pair.l2Id });
    expect(trail.filter((e) => e.kind === 'expire').map((e) => e.authorizationId)).toEqual([
      held.authorizationId,
    ]);
  });
}
