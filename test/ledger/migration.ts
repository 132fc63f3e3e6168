/**
 * What a ledger made by the v1 code (test/ledger/fixtures/, see its README)
 * must still say after the v2 migration, for every backend.
 */
import { expect } from 'vitest';
import type { Ledger } from '../../src/ledger/types.js';
import { MID_MARCH_2026, request, uniqueId } from './fixtures.js';

const budget = [{ currency: 'USD', max: 50000 }];
const agentRecurrence = {
  frequency: 'ON_DEMAND',
  startDate: '2026-03-01',
  endDate: '2026-03-31',
  maxOccurrences: 10,
};
const recurring = {
  l2Id: 'l2-v1-recurring',
  signerThumbprint: 'agent-thumb',
  budget,
  agentRecurrence,
  at: MID_MARCH_2026,
};

/**
 * The v1 fixture: pair a approved 30000 and 15000, pair b approved 4000 and
 * then declined 2000 (v1 summed spend over the whole L2: 51000 > 50000, the
 * bug this schema fixes), so the fixture's reversal of that id was rejected;
 * one Immediate approval.
 */
export async function expectMigratedV1(ledger: Ledger): Promise<void> {
  const trail = await ledger.audit();
  expect(trail.map((e) => [e.kind, e.decision])).toEqual([
    ['authorize', 'approved'],
    ['authorize', 'approved'],
    ['authorize', 'approved'],
    ['authorize', 'declined'],
    ['reverse', 'rejected'],
    ['authorize', 'approved'],
  ]);
  const firstApproval = trail[0]!.authorizationId;

  // Pair a spent 30000 + 15000 of its 50000; pair b spent 4000 (its 2000 was reversed).
  expect(
    await ledger.authorize(request({ ...recurring, pairId: 'pair-a', amount: 5001 })),
  ).toMatchObject({ code: 'LEDGER_BUDGET_EXCEEDED' });
  expect(
    await ledger.authorize(request({ ...recurring, pairId: 'pair-a', amount: 5000 })),
  ).toMatchObject({ decision: 'approved' });
  // Summed per L2 (v1) this would be 49000 + 46000 > 50000; per pair it fits.
  expect(
    await ledger.authorize(request({ ...recurring, pairId: 'pair-b', amount: 46000 })),
  ).toMatchObject({ decision: 'approved' });

  // v1 decisions replay as then, the v1 decline included.
  const replayA1 = {
    ...recurring,
    pairId: 'pair-a',
    presentationId: 'pres-a1',
    nonce: 'n-a1',
    amount: 30000,
    transactionId: 'tx-a1',
  };
  expect(await ledger.authorize(request(replayA1))).toEqual({
    decision: 'approved',
    authorizationId: firstApproval,
    replayed: true,
  });
  const replayB2 = {
    ...recurring,
    pairId: 'pair-b',
    presentationId: 'pres-b2',
    nonce: 'n-b2',
    amount: 2000,
    transactionId: 'tx-b2',
  };
  expect(await ledger.authorize(request(replayB2))).toMatchObject({
    decision: 'declined',
    code: 'LEDGER_BUDGET_EXCEEDED',
    replayed: true,
  });

  // v1 nonces are still used: an Autonomous one by its presentation, the Immediate one by its L2.
  expect(
    await ledger.authorize(request({ ...recurring, pairId: 'pair-b', nonce: 'n-a2', amount: 1 })),
  ).toMatchObject({ code: 'LEDGER_NONCE_REPLAY' });
  const immediate = {
    mode: 'immediate' as const,
    signerThumbprint: 'user-thumb',
    nonce: 'imm-nonce',
  };
  expect(
    await ledger.authorize(
      request({ ...immediate, l2Id: 'l2-v1-immediate', pairId: 'imm-pair-1' }),
    ),
  ).toMatchObject({ decision: 'approved' });
  expect(await ledger.authorize(request({ ...immediate, l2Id: uniqueId('l2') }))).toMatchObject({
    code: 'LEDGER_NONCE_REPLAY',
  });

  // The new v2 state works on a migrated database.
  const revoked = await ledger.revoke({
    l2Id: 'l2-v1-recurring',
    signerThumbprint: 'user-thumb',
    issuedAt: MID_MARCH_2026,
    revocationId: 'rev-1',
    at: MID_MARCH_2026 + 1,
  });
  expect(revoked).toMatchObject({ newlyRevoked: true, authorizationsKept: 5 });
  expect(
    await ledger.authorize(request({ ...recurring, pairId: 'pair-a', amount: 1 })),
  ).toMatchObject({ code: 'LEDGER_MANDATE_REVOKED' });
  expect(
    await ledger.rememberMerchantPresentation({
      contentId: 'c',
      signerThumbprint: 'a',
      nonce: 'n',
      at: 1,
      forgetAfter: 2,
    }),
  ).toEqual({ firstSeen: true });
}

/**
 * The v2 fixture (test/ledger/fixtures/ledger-v2.*): pair a of
 * `l2-v2-recurring` approved 30000 and 15000 of a 50000 budget, pair b
 * approved 4000 and reversed it, `l2-v2-single` approved 2500 EUR, `l2-v2-revoked`
 * revoked, one merchant presentation remembered. After the v3 migration its
 * approvals are held with no hold time and can be captured.
 */
export async function expectMigratedV2(ledger: Ledger): Promise<void> {
  const trail = await ledger.audit();
  expect(trail.map((e) => [e.kind, e.decision])).toEqual([
    ['authorize', 'approved'],
    ['authorize', 'approved'],
    ['authorize', 'approved'],
    ['reverse', 'reversed'],
    ['authorize', 'approved'],
    ['revoke', 'revoked'],
  ]);
  const [a1, , b1, , single] = trail.map((e) => e.authorizationId!);
  expect(await ledger.authorization(a1!)).toMatchObject({
    state: 'held',
    amount: 30000,
    l2Id: 'l2-v2-recurring',
    pairId: 'pair-a',
  });
  expect((await ledger.authorization(a1!))?.holdUntil).toBeUndefined();
  expect(await ledger.authorization(b1!)).toMatchObject({ state: 'reversed' });
  const v2 = {
    l2Id: 'l2-v2-recurring',
    signerThumbprint: 'agent-thumb',
    budget: [{ currency: 'USD', max: 50000 }],
  };
  const recurrence = {
    frequency: 'ON_DEMAND',
    startDate: '2026-03-01',
    endDate: '2026-03-31',
    maxOccurrences: 10,
  };
  const replayB1 = {
    ...v2,
    agentRecurrence: recurrence,
    pairId: 'pair-b',
    presentationId: 'pres-b1',
    nonce: 'n-b1',
    amount: 4000,
    transactionId: 'tx-b1',
  };
  expect(await ledger.authorize(request(replayB1))).toMatchObject({
    code: 'LEDGER_AUTHORIZATION_REVERSED',
    replayed: true,
  });

  // Rows of v2 never expire; they capture, and a partial capture frees the rest of the pair's budget.
  expect(await ledger.expireHolds(MID_MARCH_2026 + 10 ** 8)).toBe(0);
  expect(
    await ledger.capture({ authorizationId: a1!, at: MID_MARCH_2026 + 100, amount: 20000 }),
  ).toMatchObject({ ok: true, amount: 20000 });
  const pairA = { ...v2, agentRecurrence: recurrence, pairId: 'pair-a' };
  expect(await ledger.authorize(request({ ...pairA, amount: 15001 }))).toMatchObject({
    code: 'LEDGER_BUDGET_EXCEEDED',
  });
  expect(await ledger.authorize(request({ ...pairA, amount: 15000 }))).toMatchObject({
    decision: 'approved',
  });
  expect(await ledger.reverse(b1!, MID_MARCH_2026 + 200)).toMatchObject({
    code: 'LEDGER_AUTHORIZATION_REVERSED',
  });
  expect(
    await ledger.capture({ authorizationId: single!, at: MID_MARCH_2026 + 300 }),
  ).toMatchObject({ ok: true, amount: 2500, currency: 'EUR' });
  expect(await ledger.reverse(single!, MID_MARCH_2026 + 301)).toMatchObject({
    code: 'LEDGER_AUTHORIZATION_CAPTURED',
  });

  // v2 state stays: the revocation, the merchant memory.
  expect(await ledger.authorize(request({ l2Id: 'l2-v2-revoked' }))).toMatchObject({
    code: 'LEDGER_MANDATE_REVOKED',
  });
  const seen = {
    contentId: 'content-v2',
    signerThumbprint: 'agent-thumb',
    nonce: 'other',
    at: MID_MARCH_2026,
    forgetAfter: MID_MARCH_2026 + 1,
  };
  expect(await ledger.rememberMerchantPresentation(seen)).toMatchObject({
    firstSeen: false,
    matched: 'content',
  });
}
