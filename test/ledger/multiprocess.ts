/**
 * Races and crashes across real OS processes sharing one ledger, for every
 * backend: the invariants must hold no matter how decisions interleave or die.
 */
import { expect, it } from 'vitest';
import type { Decision, Ledger } from '../../src/ledger/types.js';
import { MARCH_RECURRENCE, MID_MARCH_2026, request, uniqueId } from './fixtures.js';
import { raceInProcesses } from './processes.js';
import type { WorkerTarget } from './worker.js';

export const PROCESS_COUNT = 8;
const REQUESTS_PER_PROCESS = 5;

export interface SharedStorage {
  target: WorkerTarget;
  open: () => Promise<Ledger>;
}

function allDecisions(
  outcomes: { decisions: Decision[] | null; error: string | null }[],
): Decision[] {
  return outcomes.flatMap((o) => {
    expect(o.error).toBeNull();
    expect(o.decisions).not.toBeNull();
    return o.decisions!;
  });
}

export function defineMultiProcessSuite(sharedStorage: () => Promise<SharedStorage>): void {
  it(`approves exactly one of ${PROCESS_COUNT} processes racing for one mandate pair`, async () => {
    const { target, open } = await sharedStorage();
    const pair = { l2Id: uniqueId('l2'), pairId: uniqueId('pair') };
    const outcomes = await raceInProcesses(
      target,
      Array.from({ length: PROCESS_COUNT }, () => [request(pair)]),
    );
    const decisions = allDecisions(outcomes);
    expect(decisions).toHaveLength(PROCESS_COUNT);
    expect(decisions.filter((d) => d.decision === 'approved')).toHaveLength(1);
    for (const d of decisions.filter((d) => d.decision === 'declined'))
      expect(d.code).toBe('LEDGER_PAIR_ALREADY_FULFILLED');

    const ledger = await open();
    try {
      const trail = await ledger.audit({ l2Id: pair.l2Id });
      expect(trail).toHaveLength(PROCESS_COUNT);
      expect(trail.filter((e) => e.decision === 'approved')).toHaveLength(1);
    } finally {
      await ledger.close();
    }
  });

  it(`keeps one mandate pair's budget across ${PROCESS_COUNT * REQUESTS_PER_PROCESS} concurrent presentations`, async () => {
    const { target, open } = await sharedStorage();
    const l2Id = uniqueId('l2');
    const cap = 2500;
    const amount = 100;
    const budget = [{ currency: 'USD', max: cap }];
    const pair = {
      l2Id,
      pairId: uniqueId('pair'),
      ...MARCH_RECURRENCE,
      agentRecurrence: { ...MARCH_RECURRENCE.agentRecurrence, maxOccurrences: 1000 },
      budget,
    };
    const batches = Array.from({ length: PROCESS_COUNT }, () =>
      Array.from({ length: REQUESTS_PER_PROCESS }, () => request({ ...pair, amount })),
    );
    const decisions = allDecisions(await raceInProcesses(target, batches));
    const approved = decisions.filter((d) => d.decision === 'approved');
    const declined = decisions.filter((d) => d.decision === 'declined');
    // Equal amounts: serialized decisions approve exactly cap / amount of them.
    expect(approved.length * amount).toBeLessThanOrEqual(cap);
    expect(approved).toHaveLength(cap / amount);
    expect(declined.length).toBeGreaterThan(0);
    for (const d of declined) expect(d.code).toBe('LEDGER_BUDGET_EXCEEDED');
    expect(new Set(approved.map((d) => d.authorizationId)).size).toBe(approved.length);

    const ledger = await open();
    try {
      const trail = await ledger.audit({ l2Id });
      const spent = trail
        .filter((e) => e.decision === 'approved')
        .reduce((sum, e) => sum + (e.amount ?? 0), 0);
      expect(spent).toBe(cap);
      expect(await ledger.authorize(request({ ...pair, amount: 1 }))).toMatchObject({
        code: 'LEDGER_BUDGET_EXCEEDED',
      });
    } finally {
      await ledger.close();
    }
  });

  it(`lets one nonce through once when ${PROCESS_COUNT} processes race it across different L2s`, async () => {
    // Different L2s take different per-L2 locks: only the nonce's uniqueness can serialize these.
    const { target } = await sharedStorage();
    const nonce = uniqueId('nonce');
    const outcomes = await raceInProcesses(
      target,
      Array.from({ length: PROCESS_COUNT }, () => [request({ nonce })]),
    );
    const decisions = allDecisions(outcomes);
    expect(decisions.filter((d) => d.decision === 'approved')).toHaveLength(1);
    for (const d of decisions.filter((d) => d.decision === 'declined'))
      expect(d.code).toBe('LEDGER_NONCE_REPLAY');
  });

  it('leaves no trace of an authorization whose process was SIGKILLed mid-transaction', async () => {
    const { target, open } = await sharedStorage();
    const l2Id = uniqueId('l2');
    const pair = {
      l2Id,
      pairId: uniqueId('pair'),
      ...MARCH_RECURRENCE,
      budget: [{ currency: 'USD', max: 1000 }],
    };
    const ledger = await open();
    try {
      expect(await ledger.authorize(request({ ...pair, amount: 600 }))).toMatchObject({
        decision: 'approved',
      });
      const before = await ledger.audit({ l2Id });

      const doomed = request({ ...pair, amount: 400 });
      const [outcome] = await raceInProcesses(target, [[doomed]], {
        VINTENT_LEDGER_CRASH_POINT: 'after-insert',
      });
      expect(outcome!.signal).toBe('SIGKILL');
      expect(outcome!.decisions).toBeNull();

      // Nothing of the killed transaction survived: no audit row, no spend, no claimed pair or nonce.
      expect(await ledger.audit({ l2Id })).toEqual(before);
      const retried = await ledger.authorize(doomed);
      expect(retried).toMatchObject({ decision: 'approved', replayed: false });
      expect(await ledger.authorize(request({ ...pair, amount: 1 }))).toMatchObject({
        code: 'LEDGER_BUDGET_EXCEEDED',
      });
    } finally {
      await ledger.close();
    }
  });

  it(`lets ${PROCESS_COUNT} processes racing one L3b at the merchant see it first exactly once`, async () => {
    const { target } = await sharedStorage();
    const seen = {
      contentId: uniqueId('l3b'),
      signerThumbprint: 'agent',
      nonce: uniqueId('nonce'),
      at: 1000,
      forgetAfter: 2000,
    };
    // Half race the very same L3b, half a re-signed twin carrying its nonce.
    const presentations = Array.from({ length: PROCESS_COUNT }, (_, i) => [
      i % 2 === 0 ? seen : { ...seen, contentId: uniqueId('l3b') },
    ]);
    const outcomes = await raceInProcesses(
      target,
      presentations.map(() => []),
      {},
      presentations,
    );
    const memory = outcomes.flatMap((o) => {
      expect(o.error).toBeNull();
      return o.memory!;
    });
    expect(memory).toHaveLength(PROCESS_COUNT);
    expect(memory.filter((m) => m.firstSeen)).toHaveLength(1);
  });
}

/**
 * Capture across processes: every process captures every held authorization
 * of one L2 while one process also re-authorizes after the holds expire; each
 * authorization is captured once, the rest answer as then.
 */
export function defineMultiProcessCaptureSuite(sharedStorage: () => Promise<SharedStorage>): void {
  it(`captures each authorization once while ${PROCESS_COUNT} processes race to capture it`, async () => {
    const { target, open } = await sharedStorage();
    const ledger = await open();
    const l2Id = uniqueId('l2');
    const ids: string[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const d = await ledger.authorize(
          request({ l2Id, ...MARCH_RECURRENCE, holdUntil: MID_MARCH_2026 + 3600 }),
        );
        ids.push(d.authorizationId!);
      }
    } finally {
      await ledger.close();
    }
    const captures = Array.from({ length: PROCESS_COUNT }, () =>
      ids.map((authorizationId) => ({ authorizationId, at: MID_MARCH_2026 + 60 })),
    );
    const outcomes = await raceInProcesses(
      target,
      captures.map(() => []),
      {},
      [],
      captures,
    );
    const results = outcomes.flatMap((o) => {
      expect(o.error).toBeNull();
      return o.captured!;
    });
    expect(results).toHaveLength(PROCESS_COUNT * ids.length);
    for (const id of ids) {
      const mine = results.filter((r) => r.authorizationId === id);
      expect(mine.every((r) => r.ok)).toBe(true);
      expect(mine.filter((r) => r.ok && !r.replayed)).toHaveLength(1);
    }
    const after = await open();
    try {
      const trail = await after.audit({ l2Id });
      expect(trail.filter((e) => e.kind === 'capture' && e.decision === 'captured')).toHaveLength(
        ids.length,
      );
      for (const id of ids)
        expect(await after.authorization(id)).toMatchObject({
          state: 'captured',
          capturedAmount: 1000,
        });
    } finally {
      await after.close();
    }
  });
}
