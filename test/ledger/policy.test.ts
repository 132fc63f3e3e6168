import { describe, expect, it } from 'vitest';
import { isIsoDate, utcDate } from '../../src/constraints/values.js';
import {
  decisionOf,
  type LedgerState,
  newAuthorizationId,
  nonceOwnerOf,
  type Plan,
  planAuthorization,
  planCapture,
  reversalRefusal,
} from '../../src/ledger/policy.js';
import type { AuthorizationRecord, AuthorizationRequest } from '../../src/ledger/types.js';
import { MARCH_RECURRENCE, request } from './fixtures.js';

const EMPTY: LedgerState = {
  prior: null,
  nonceOwner: null,
  pairActiveCount: 0,
  lastApprovedAt: null,
  pairSpentByCurrency: new Map(),
  revokedAt: null,
};

function state(overrides: Partial<LedgerState> = {}): LedgerState {
  return { ...EMPTY, ...overrides };
}

function codeOf(plan: Plan): string {
  if (plan.kind !== 'record') throw new Error('expected a new decision, got a replay');
  return plan.verdict.decision === 'approved' ? 'approved' : plan.verdict.code;
}

const at = (isoDate: string) => Date.parse(`${isoDate}Z`) / 1000;

describe('ledger policy: idempotency', () => {
  it('replays an approval with the same authorizationId', () => {
    const plan = planAuthorization(
      request(),
      state({
        prior: {
          decision: 'approved',
          code: null,
          message: 'ok',
          authorizationId: 'auth_x',
          reversed: false,
        },
      }),
    );
    expect(plan).toEqual({
      kind: 'replay',
      decision: { decision: 'approved', authorizationId: 'auth_x', replayed: true },
    });
  });

  it('replays a decline with the same code and message, even if the state would now allow it', () => {
    const plan = planAuthorization(
      request(),
      state({
        prior: {
          decision: 'declined',
          code: 'LEDGER_BUDGET_EXCEEDED',
          message: 'budget exceeded: 2 > 1 USD',
          authorizationId: null,
          reversed: false,
        },
      }),
    );
    expect(plan).toEqual({
      kind: 'replay',
      decision: {
        decision: 'declined',
        code: 'LEDGER_BUDGET_EXCEEDED',
        message: 'budget exceeded: 2 > 1 USD',
        replayed: true,
      },
    });
  });
});

describe('ledger policy: reversed authorizations', () => {
  it('declines a reversed approval presented again with LEDGER_AUTHORIZATION_REVERSED, never the voided id', () => {
    const plan = planAuthorization(
      request(),
      state({
        prior: {
          decision: 'approved',
          code: null,
          message: 'ok',
          authorizationId: 'auth_x',
          reversed: true,
        },
      }),
    );
    expect(plan).toMatchObject({
      kind: 'replay',
      decision: { decision: 'declined', code: 'LEDGER_AUTHORIZATION_REVERSED', replayed: true },
    });
    expect(plan.kind === 'replay' && plan.decision.authorizationId).toBeFalsy();
  });

  it('gives a refused reversal a code that follows the state', () => {
    expect(reversalRefusal('reversed')).toMatchObject({ code: 'LEDGER_AUTHORIZATION_REVERSED' });
    expect(reversalRefusal(undefined)).toMatchObject({ code: 'LEDGER_AUTHORIZATION_UNKNOWN' });
    expect(reversalRefusal('expired')).toMatchObject({ code: 'LEDGER_AUTHORIZATION_EXPIRED' });
    expect(reversalRefusal('captured')).toMatchObject({ code: 'LEDGER_AUTHORIZATION_CAPTURED' });
    expect(reversalRefusal('held')).toBeNull();
  });

  it('declines an approval whose hold expired, presented again, with LEDGER_AUTHORIZATION_EXPIRED', () => {
    const prior = {
      decision: 'approved' as const,
      code: null,
      message: 'ok',
      authorizationId: 'auth_x',
      reversed: true,
      releasedBy: 'expiry' as const,
    };
    expect(planAuthorization(request(), state({ prior }))).toMatchObject({
      kind: 'replay',
      decision: { code: 'LEDGER_AUTHORIZATION_EXPIRED' },
    });
  });
});

describe('ledger policy: capture', () => {
  const held: AuthorizationRecord = {
    authorizationId: 'auth_1',
    state: 'held',
    l2Id: 'l2',
    pairId: 'p',
    transactionId: 'tx',
    amount: 5000,
    currency: 'USD',
    authorizedAt: 100,
    holdUntil: 200,
  };
  const at = 150;

  it('captures a held authorization in full by default, or for less', () => {
    expect(planCapture({ authorizationId: 'auth_1', at }, held, null)).toEqual({
      kind: 'capture',
      amount: 5000,
    });
    expect(planCapture({ authorizationId: 'auth_1', at, amount: 0 }, held, null)).toEqual({
      kind: 'capture',
      amount: 0,
    });
  });

  it.each([5001, -1, 1.5, Number.NaN])(
    'refuses capture amount %s with LEDGER_CAPTURE_AMOUNT_INVALID',
    (amount) => {
      expect(planCapture({ authorizationId: 'auth_1', at, amount }, held, null)).toMatchObject({
        refusal: { code: 'LEDGER_CAPTURE_AMOUNT_INVALID' },
      });
    },
  );

  it('expires a hold at its hold time, not before', () => {
    expect(planCapture({ authorizationId: 'auth_1', at: 199 }, held, null).kind).toBe('capture');
    expect(planCapture({ authorizationId: 'auth_1', at: 200 }, held, null)).toMatchObject({
      kind: 'expire',
      refusal: { code: 'LEDGER_AUTHORIZATION_EXPIRED' },
    });
  });

  it("re-checks the standing: a revocation recorded since refuses, then the caller's status refusal", () => {
    expect(planCapture({ authorizationId: 'auth_1', at }, held, 120)).toMatchObject({
      refusal: { code: 'LEDGER_MANDATE_REVOKED' },
    });
    const refusal = { code: 'L1_STATUS_SUSPENDED' as const, message: 'suspended' };
    expect(planCapture({ authorizationId: 'auth_1', at, refusal }, held, null)).toEqual({
      kind: 'refuse',
      refusal,
    });
  });

  it('answers a second capture for the same amount as then and refuses another amount', () => {
    const captured: AuthorizationRecord = {
      ...held,
      state: 'captured',
      capturedAt: 140,
      capturedAmount: 4000,
    };
    expect(
      planCapture({ authorizationId: 'auth_1', at, amount: 4000 }, captured, 145),
    ).toMatchObject({
      kind: 'replay',
      result: { ok: true, replayed: true, capturedAt: 140 },
    });
    expect(planCapture({ authorizationId: 'auth_1', at }, captured, null)).toMatchObject({
      refusal: { code: 'LEDGER_AUTHORIZATION_CAPTURED' },
    });
  });

  it('refuses unknown, reversed and expired authorizations with their own codes', () => {
    expect(planCapture({ authorizationId: 'x', at }, null, null)).toMatchObject({
      refusal: { code: 'LEDGER_AUTHORIZATION_UNKNOWN' },
    });
    expect(
      planCapture({ authorizationId: 'auth_1', at }, { ...held, state: 'reversed' }, null),
    ).toMatchObject({
      refusal: { code: 'LEDGER_AUTHORIZATION_REVERSED' },
    });
    expect(
      planCapture({ authorizationId: 'auth_1', at }, { ...held, state: 'expired' }, null),
    ).toMatchObject({
      refusal: { code: 'LEDGER_AUTHORIZATION_EXPIRED' },
    });
  });
});

describe('ledger policy: revocation', () => {
  it('declines every new presentation under a revoked L2, before any other rule', () => {
    const plan = planAuthorization(
      request({ amount: -5 }),
      state({ revokedAt: 1, nonceOwner: 'pres_other' }),
    );
    expect(codeOf(plan)).toBe('LEDGER_MANDATE_REVOKED');
  });

  it('still answers a presentation decided before the revocation as then', () => {
    const prior = {
      decision: 'approved' as const,
      code: null,
      message: 'ok',
      authorizationId: 'auth_y',
      reversed: false,
    };
    expect(planAuthorization(request(), state({ revokedAt: 1, prior }))).toMatchObject({
      kind: 'replay',
      decision: { decision: 'approved', authorizationId: 'auth_y' },
    });
  });
});

describe('ledger policy: nonce replay', () => {
  it('lets the pairs of one Immediate L2 share its nonce, and no other L2 or Autonomous presentation', () => {
    const first = request({ mode: 'immediate' });
    const owner = nonceOwnerOf(first);
    const otherPair = request({ mode: 'immediate', l2Id: first.l2Id, nonce: first.nonce });
    expect(codeOf(planAuthorization(otherPair, state({ nonceOwner: owner })))).toBe('approved');
    expect(planAuthorization(otherPair, state({ nonceOwner: owner }))).toMatchObject({
      claimNonce: false,
    });
    expect(
      codeOf(
        planAuthorization(
          request({ mode: 'immediate', nonce: first.nonce }),
          state({ nonceOwner: owner }),
        ),
      ),
    ).toBe('LEDGER_NONCE_REPLAY');
    expect(
      codeOf(
        planAuthorization(
          request({ l2Id: first.l2Id, nonce: first.nonce }),
          state({ nonceOwner: owner }),
        ),
      ),
    ).toBe('LEDGER_NONCE_REPLAY');
  });

  it('declines a nonce already used by another presentation of the same signer', () => {
    const plan = planAuthorization(request(), state({ nonceOwner: 'pres_other' }));
    expect(codeOf(plan)).toBe('LEDGER_NONCE_REPLAY');
    expect(plan).toMatchObject({ claimNonce: false });
  });

  it('claims an unseen nonce', () => {
    expect(planAuthorization(request(), EMPTY)).toMatchObject({
      kind: 'record',
      claimNonce: true,
      verdict: { decision: 'approved' },
    });
  });

  it('does not claim a nonce this presentation already owns', () => {
    const req = request();
    expect(planAuthorization(req, state({ nonceOwner: req.presentationId }))).toMatchObject({
      claimNonce: false,
    });
  });
});

describe('ledger policy: one fulfilment per mandate pair', () => {
  it('declines a second fulfilment of a base-model pair', () => {
    expect(codeOf(planAuthorization(request(), state({ pairActiveCount: 1 })))).toBe(
      'LEDGER_PAIR_ALREADY_FULFILLED',
    );
  });

  it('treats payment.recurrence (subscription setup) as one fulfilment', () => {
    const req = request({
      recurrence: {
        frequency: 'MONTHLY',
        startDate: '2026-03-01',
        endDate: '2027-03-01',
        number: 12,
      },
    });
    expect(codeOf(planAuthorization(req, EMPTY))).toBe('approved');
    expect(codeOf(planAuthorization(req, state({ pairActiveCount: 1 })))).toBe(
      'LEDGER_PAIR_ALREADY_FULFILLED',
    );
  });

  it('declines subscription setup after recurrence.endDate (UTC), accepts on the end date itself', () => {
    const recurrence = { frequency: 'MONTHLY', startDate: '2026-01-01', endDate: '2026-03-15' };
    expect(
      codeOf(planAuthorization(request({ recurrence, at: at('2026-03-15T23:59:59') }), EMPTY)),
    ).toBe('approved');
    expect(
      codeOf(planAuthorization(request({ recurrence, at: at('2026-03-16T00:00:00') }), EMPTY)),
    ).toBe('LEDGER_RECURRENCE_OUT_OF_WINDOW');
  });

  it('does not bound subscription setup when recurrence has no endDate', () => {
    const req = request({
      recurrence: { frequency: 'MONTHLY', startDate: '2026-01-01' },
      at: at('2030-01-01T00:00:00'),
    });
    expect(codeOf(planAuthorization(req, EMPTY))).toBe('approved');
  });
});

describe('ledger policy: agent_recurrence', () => {
  const inWindow = (when: string, overrides: Partial<AuthorizationRequest> = {}) =>
    request({ ...MARCH_RECURRENCE, at: at(when), ...overrides });

  it('allows several fulfilments of one pair', () => {
    expect(
      codeOf(planAuthorization(inWindow('2026-03-10T10:00:00'), state({ pairActiveCount: 3 }))),
    ).toBe('approved');
  });

  it('accepts both window ends inclusively and declines outside', () => {
    expect(codeOf(planAuthorization(inWindow('2026-03-01T00:00:00'), EMPTY))).toBe('approved');
    expect(codeOf(planAuthorization(inWindow('2026-03-31T23:59:59'), EMPTY))).toBe('approved');
    expect(codeOf(planAuthorization(inWindow('2026-02-28T23:59:59'), EMPTY))).toBe(
      'LEDGER_RECURRENCE_OUT_OF_WINDOW',
    );
    expect(codeOf(planAuthorization(inWindow('2026-04-01T00:00:00'), EMPTY))).toBe(
      'LEDGER_RECURRENCE_OUT_OF_WINDOW',
    );
  });

  it('uses the UTC date, not local time', () => {
    // 2026-03-31T23:30 UTC is already April in UTC+1 but still March in UTC.
    expect(codeOf(planAuthorization(inWindow('2026-03-31T23:30:00'), EMPTY))).toBe('approved');
  });

  it('declines malformed window dates', () => {
    const bad = { ...MARCH_RECURRENCE.agentRecurrence, endDate: '2026-3-31' };
    expect(
      codeOf(planAuthorization(inWindow('2026-03-10T10:00:00', { agentRecurrence: bad }), EMPTY)),
    ).toBe('LEDGER_RECURRENCE_OUT_OF_WINDOW');
  });

  it('declines once approved occurrences reach maxOccurrences', () => {
    expect(
      codeOf(planAuthorization(inWindow('2026-03-10T10:00:00'), state({ pairActiveCount: 9 }))),
    ).toBe('approved');
    expect(
      codeOf(planAuthorization(inWindow('2026-03-10T10:00:00'), state({ pairActiveCount: 10 }))),
    ).toBe('LEDGER_OCCURRENCES_EXCEEDED');
  });

  it('has no occurrence cap without maxOccurrences', () => {
    const { maxOccurrences: _dropped, ...uncapped } = MARCH_RECURRENCE.agentRecurrence;
    const req = inWindow('2026-03-10T10:00:00', { agentRecurrence: uncapped });
    expect(codeOf(planAuthorization(req, state({ pairActiveCount: 1000 })))).toBe('approved');
  });
});

describe('ledger policy: budget', () => {
  const budget = [{ currency: 'USD', max: 50_000 }];

  it('approves up to the cap exactly and declines one minor unit over', () => {
    const spent = state({ pairSpentByCurrency: new Map([['USD', 49_000n]]) });
    expect(codeOf(planAuthorization(request({ budget, amount: 1000 }), spent))).toBe('approved');
    expect(codeOf(planAuthorization(request({ budget, amount: 1001 }), spent))).toBe(
      'LEDGER_BUDGET_EXCEEDED',
    );
  });

  it('counts only spend in the budget currency', () => {
    const spent = state({
      pairSpentByCurrency: new Map([
        ['EUR', 1_000_000n],
        ['USD', 0n],
      ]),
    });
    expect(codeOf(planAuthorization(request({ budget, amount: 50_000 }), spent))).toBe('approved');
  });

  it('declines when a budget term is in another currency', () => {
    const plan = planAuthorization(
      request({ budget: [{ currency: 'EUR', max: 50_000 }], amount: 1 }),
      EMPTY,
    );
    expect(codeOf(plan)).toBe('LEDGER_BUDGET_EXCEEDED');
    expect(plan).toMatchObject({
      verdict: { message: expect.stringContaining('currency mismatch') },
    });
  });

  it('checks every budget term', () => {
    const terms = [
      { currency: 'USD', max: 50_000 },
      { currency: 'USD', max: 500 },
    ];
    expect(codeOf(planAuthorization(request({ budget: terms, amount: 501 }), EMPTY))).toBe(
      'LEDGER_BUDGET_EXCEEDED',
    );
  });

  it('sums exactly beyond 2^53', () => {
    const huge = Number.MAX_SAFE_INTEGER;
    const spent = state({ pairSpentByCurrency: new Map([['USD', BigInt(huge)]]) });
    // As doubles, MAX_SAFE_INTEGER + 1 and + 2 round together; as BigInt they do not.
    expect(
      codeOf(
        planAuthorization(request({ budget: [{ currency: 'USD', max: huge }], amount: 1 }), spent),
      ),
    ).toBe('LEDGER_BUDGET_EXCEEDED');
  });

  it('declines unsafe, fractional and negative amounts', () => {
    for (const amount of [Number.MAX_SAFE_INTEGER + 1, 10.5, -1, Number.NaN]) {
      expect(codeOf(planAuthorization(request({ amount }), EMPTY))).toBe('LEDGER_BUDGET_EXCEEDED');
    }
  });

  it('declines an unusable budget max', () => {
    expect(
      codeOf(
        planAuthorization(request({ budget: [{ currency: 'USD', max: 1.5 }], amount: 1 }), EMPTY),
      ),
    ).toBe('LEDGER_BUDGET_EXCEEDED');
  });
});

describe('ledger policy: rule order', () => {
  it('reports nonce replay before anything else about a new presentation', () => {
    const plan = planAuthorization(
      request({ amount: -5 }),
      state({ nonceOwner: 'pres_other', pairActiveCount: 1 }),
    );
    expect(codeOf(plan)).toBe('LEDGER_NONCE_REPLAY');
  });

  it('reports a fulfilled pair before the budget', () => {
    const plan = planAuthorization(
      request({ budget: [{ currency: 'USD', max: 1 }] }),
      state({ pairActiveCount: 1 }),
    );
    expect(codeOf(plan)).toBe('LEDGER_PAIR_ALREADY_FULFILLED');
  });
});

describe('ledger policy: helpers', () => {
  it('formats UTC dates and validates ISO dates', () => {
    expect(utcDate(at('2026-03-31T23:59:59'))).toBe('2026-03-31');
    expect(utcDate(Number.POSITIVE_INFINITY)).toBeNull();
    expect(utcDate(Number.MAX_SAFE_INTEGER)).toBeNull(); // a safe integer, but past what a Date holds
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
  });

  it('makes 128-bit base64url authorization ids', () => {
    const id = newAuthorizationId();
    expect(id).toMatch(/^auth_[A-Za-z0-9_-]{22}$/);
    expect(newAuthorizationId()).not.toBe(id);
  });

  it('turns a first-time verdict into a decision: an approval gets a fresh id, a decline keeps code and message', () => {
    const approved = decisionOf({ decision: 'approved' });
    expect(approved).toMatchObject({ decision: 'approved', replayed: false });
    expect(approved.authorizationId).toMatch(/^auth_/);
    expect(
      decisionOf({ decision: 'declined', code: 'LEDGER_BUDGET_EXCEEDED', message: 'm' }),
    ).toEqual({
      decision: 'declined',
      code: 'LEDGER_BUDGET_EXCEEDED',
      message: 'm',
      replayed: false,
    });
  });
});
