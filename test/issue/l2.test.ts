import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AutonomousPairInput, issueL2Autonomous } from '../../src/issue/l2-autonomous.js';
import { issueL2Immediate } from '../../src/issue/l2-immediate.js';
import { readL2 } from '../../src/issue/l2-read.js';
import { PROFILE } from '../../src/profiles/profile.js';
import { sha256b64u } from '../../src/sdjwt/digest.js';
import { bareJwk, generateSigningKey } from '../../src/sdjwt/keys.js';
import { REFERENCE_DIR, referenceBundles } from '../support/environment.js';
import {
  agentKey,
  autonomousPair,
  babolat,
  checkoutFor,
  codeOf,
  decathlon,
  decode,
  expect128BitSalt,
  head,
  instrument,
  makeL1,
  racket,
  T0,
  tennis,
  userKey,
} from './fixtures.js';

let l1: string;
beforeAll(async () => {
  l1 = await makeL1();
});

const ref = (digest: string) => ({ '...': digest });

/** These tests hold issuance to the February reference output, so they pin that profile. */
const febPair = (over: Partial<AutonomousPairInput> = {}) => autonomousPair(over, 'vi-2026-02');

describe('issueL2Immediate', () => {
  it('matches the reference wire structure', () => {
    const co = checkoutFor();
    const l2 = issueL2Immediate({
      profile: 'vi-2026-02',
      userKey,
      l1,
      aud: 'https://agent.example.com',
      nonce: 'n-1',
      iss: 'https://wallet.example.com',
      iat: T0,
      pairs: [{ checkoutJwt: co.jwt, paymentInstrument: instrument, payee: tennis }],
    });
    const d = decode(l2.serialized);
    expect(d.header).toEqual({ alg: 'ES256', typ: 'kb-sd-jwt', kid: userKey.kid });
    const [c, p] = d.disclosures;
    expect(Object.keys(d.payload)).toEqual([
      'nonce',
      'aud',
      'iat',
      'sd_hash',
      'delegate_payload',
      '_sd_alg',
      'iss',
      'exp',
      '_sd',
    ]);
    expect(d.payload).toEqual({
      nonce: 'n-1',
      aud: 'https://agent.example.com',
      iat: T0,
      sd_hash: sha256b64u(l1),
      delegate_payload: [ref(c!.digest), ref(p!.digest)],
      _sd_alg: 'sha-256',
      iss: 'https://wallet.example.com',
      exp: T0 + 900,
      _sd: [c!.digest, p!.digest],
    });
    expect(c!.array).toHaveLength(2);
    expect128BitSalt(c!.array[0]);
    expect128BitSalt(p!.array[0]);
    expect(c!.array[1]).toEqual({
      vct: 'mandate.checkout',
      checkout_jwt: co.jwt,
      checkout_hash: co.checkoutHash,
    });
    expect(p!.array[1]).toEqual({
      vct: 'mandate.payment',
      payment_instrument: instrument,
      payee: tennis,
      payment_amount: { currency: 'USD', amount: 27999 },
      transaction_id: co.checkoutHash,
    });
    expect(p!.array[1]).not.toHaveProperty('amount');
    expect(p!.array[1]).not.toHaveProperty('cnf');
    expect(c!.array[1]).not.toHaveProperty('constraints');
    expect(l2.pairs[0]!.checkout.digest).toBe(c!.digest);
    expect(readL2(l2.serialized)).toEqual({ ...l2, pairs: l2.pairs });
  });

  it('defaults nonce, omits iss and orders multi-pair delegate_payload', () => {
    const a = checkoutFor();
    const b = checkoutFor(babolat, head, '249.99', 'co-2');
    const l2 = issueL2Immediate({
      profile: 'vi-2026-02',
      userKey,
      l1,
      aud: 'https://a',
      pairs: [
        {
          checkoutJwt: a.jwt,
          paymentInstrument: instrument,
          payee: tennis,
          amount: '279.99',
          currency: 'USD',
        },
        { checkoutJwt: b.jwt, paymentInstrument: instrument, payee: babolat, amount: 24999 },
      ],
    });
    const d = decode(l2.serialized);
    expect(d.payload.iss).toBeUndefined();
    expect128BitSalt(d.payload.nonce);
    const digests = d.disclosures.map((x) => x.digest);
    expect(d.payload.delegate_payload).toEqual(digests.map(ref));
    expect(d.payload._sd).toEqual(digests);
    expect(d.disclosures.map((x) => x.array[1].vct)).toEqual([
      'mandate.checkout',
      'mandate.payment',
      'mandate.checkout',
      'mandate.payment',
    ]);
  });

  it('refuses what a verifier would reject', async () => {
    const co = checkoutFor();
    const pair = { checkoutJwt: co.jwt, paymentInstrument: instrument, payee: tennis };
    const base = { userKey, l1, aud: 'https://a' };
    expect(
      await codeOf(() => issueL2Immediate({ profile: 'vi-2026-02', ...base, pairs: [] })),
    ).toBe('ISSUE_INVALID_INPUT');
    expect(
      await codeOf(() =>
        issueL2Immediate({
          profile: 'vi-2026-02',
          ...base,
          pairs: [{ ...pair, amount: '279.98' }],
        }),
      ),
    ).toBe('ISSUE_INVALID_INPUT');
    expect(
      await codeOf(() =>
        issueL2Immediate({
          profile: 'vi-2026-02',
          ...base,
          pairs: [{ ...pair, amount: '279.999' }],
        }),
      ),
    ).toBe('MONEY_INVALID');
    expect(
      await codeOf(() =>
        issueL2Immediate({ profile: 'vi-2026-02', ...base, pairs: [{ ...pair, currency: 'EUR' }] }),
      ),
    ).toBe('CONSTRAINT_CURRENCY_MISMATCH');
    expect(
      await codeOf(() => issueL2Immediate({ profile: 'vi-2026-02', ...base, pairs: [pair, pair] })),
    ).toBe('MANDATE_DUPLICATE_PAIR');
    expect(
      await codeOf(() =>
        issueL2Immediate({
          profile: 'vi-2026-02',
          ...base,
          pairs: [{ ...pair, payee: { id: 'x' } as never }],
        }),
      ),
    ).toBe('ISSUE_INVALID_INPUT');
    expect(
      await codeOf(() =>
        issueL2Immediate({
          profile: 'vi-2026-02',
          ...base,
          pairs: [{ ...pair, paymentInstrument: { type: 'card' } as never }],
        }),
      ),
    ).toBe('ISSUE_INVALID_INPUT');
    expect(
      await codeOf(() =>
        issueL2Immediate({
          profile: 'vi-2026-02',
          ...base,
          pairs: [{ ...pair, checkoutJwt: 'garbage' }],
        }),
      ),
    ).toBe('CHECKOUT_JWT_MALFORMED');
    expect(
      await codeOf(() =>
        issueL2Immediate({
          profile: 'vi-2026-02',
          ...base,
          userKey: generateSigningKey('other'),
          pairs: [pair],
        }),
      ),
    ).toBe('KEY_INVALID');
  });
});

describe('issueL2Autonomous', () => {
  it('matches the reference wire structure', () => {
    const l2 = issueL2Autonomous({
      profile: 'vi-2026-02',
      userKey,
      l1,
      aud: 'https://agent.example.com',
      nonce: 'n-2',
      iss: 'https://wallet.example.com',
      iat: T0,
      pairs: [febPair()],
    });
    const d = decode(l2.serialized);
    expect(d.header).toEqual({ alg: 'ES256', typ: 'kb-sd-jwt+kb', kid: userKey.kid });
    expect(d.disclosures).toHaveLength(6);
    d.disclosures.forEach((x) => {
      expect(x.array).toHaveLength(2);
      expect128BitSalt(x.array[0]);
    });
    const [m0, m1, i0, i1, c, p] = d.disclosures as [
      (typeof d.disclosures)[0],
      ...typeof d.disclosures,
    ];
    expect([m0, m1].map((x) => x!.array[1])).toEqual([tennis, babolat]);
    expect([i0, i1].map((x) => x!.array[1])).toEqual([racket, head]);
    expect(Object.keys(d.payload)).toEqual([
      'nonce',
      'aud',
      'iat',
      'sd_hash',
      'delegate_payload',
      '_sd_alg',
      '_sd',
      'iss',
      'exp',
    ]);
    expect(d.payload).toEqual({
      nonce: 'n-2',
      aud: 'https://agent.example.com',
      iat: T0,
      sd_hash: sha256b64u(l1),
      delegate_payload: [ref(c!.digest), ref(p!.digest)],
      _sd_alg: 'sha-256',
      _sd: d.disclosures.map((x) => x.digest),
      iss: 'https://wallet.example.com',
      exp: T0 + 86400,
    });
    const cnf = { jwk: bareJwk(agentKey.publicJwk), kid: 'agent-key-1' };
    expect(c!.array[1]).toEqual({
      vct: 'mandate.checkout.open',
      cnf,
      constraints: [
        {
          type: PROFILE.constraint.allowedMerchant,
          allowed_merchants: [ref(m0!.digest), ref(m1!.digest)],
        },
        {
          type: PROFILE.constraint.lineItems,
          items: [
            { id: 'line-1', acceptable_items: [ref(i0!.digest), ref(i1!.digest)], quantity: 1 },
          ],
        },
      ],
      prompt_summary: 'a racket under $400',
    });
    expect(p!.array[1]).toEqual({
      vct: 'mandate.payment.open',
      cnf,
      constraints: [
        { type: 'payment.amount', currency: 'USD', min: 10000, max: 40000 },
        { type: 'payment.allowed_payee', allowed_payees: [ref(m0!.digest), ref(m1!.digest)] },
        {
          type: 'payment.recurrence',
          frequency: 'ANNUALLY',
          start_date: '2026-06-01',
          end_date: '2028-06-01',
          number: 2,
        },
        { type: 'payment.reference', conditional_transaction_id: c!.digest },
      ],
      payment_instrument: instrument,
      risk_data: { device_id: 'device-4242' },
    });
    const pair = l2.pairs[0]!;
    expect(pair.agentKid).toBe('agent-key-1');
    expect(pair.payees).toBe(pair.merchants);
    expect(readL2(l2.serialized)).toEqual(l2);
  });

  it('lays out several pairs, separate payees, budget and agent recurrence', () => {
    const l2 = issueL2Autonomous({
      profile: 'vi-2026-02',
      userKey,
      l1,
      aud: 'https://a',
      iat: T0,
      pairs: [
        febPair({ recurrence: undefined }),
        febPair({
          merchants: [decathlon],
          payees: [{ name: 'Decathlon Payments', website: 'https://pay.decathlon.example' }],
          lineItems: [{ id: 'line-2', acceptableItems: 'any', quantity: 2 }],
          amount: { currency: 'USD', max: '200' },
          budget: { currency: 'USD', max: '1000' },
          agentRecurrence: {
            frequency: 'MONTHLY',
            start_date: '2026-01-01',
            end_date: '2027-01-01',
            max_occurrences: 6,
          },
          extraConstraints: [],
          recurrence: undefined,
        }),
      ],
    });
    const d = decode(l2.serialized);
    const values = d.disclosures.map((x) => x.array[1]);
    expect(values.map((v) => v.vct ?? v.id ?? v.name)).toEqual([
      'm-tw-001',
      'm-bab-002',
      'BAB86345',
      'HEA23102',
      'mandate.checkout.open',
      'mandate.payment.open',
      'm-dec-004',
      'Decathlon Payments',
      'mandate.checkout.open',
      'mandate.payment.open',
    ]);
    expect(d.payload._sd).toEqual(d.disclosures.map((x) => x.digest));
    expect(new Set(d.payload._sd).size).toBe(d.payload._sd.length);
    expect(d.payload.delegate_payload).toEqual(
      [4, 5, 8, 9].map((i) => ref(d.disclosures[i]!.digest)),
    );
    const payment1 = values[9];
    expect(payment1.constraints.map((c: any) => c.type)).toEqual([
      'payment.amount',
      'payment.allowed_payee',
      'payment.budget',
      'payment.agent_recurrence',
      'payment.reference',
    ]);
    expect(payment1.constraints[1].allowed_payees).toEqual([ref(d.disclosures[7]!.digest)]);
    expect(payment1.constraints[2]).toEqual({
      type: 'payment.budget',
      currency: 'USD',
      max: 100000,
    });
    expect(payment1.constraints[4].conditional_transaction_id).toBe(d.disclosures[8]!.digest);
    expect(values[8].constraints[1].items).toEqual([
      { id: 'line-2', acceptable_items: [], quantity: 2 },
    ]);
    const back = readL2(l2.serialized);
    expect(back).toEqual(l2);
  });

  it('reads the reference implementation output', (ctx) => {
    ctx.skip(!referenceBundles.available, referenceBundles.reason);
    for (const file of [
      'autonomous-dispute-valid.json',
      'multi-pair-dispute-valid.json',
      'immediate-full-valid.json',
    ]) {
      const bundle = JSON.parse(readFileSync(join(REFERENCE_DIR, file), 'utf8'));
      const l2 = readL2(bundle.l2);
      expect(l2.pairs.length).toBeGreaterThan(0);
      if (l2.mode === 'autonomous') {
        for (const p of l2.pairs) {
          expect(p.payees).toBe(p.merchants);
          expect(p.agentKid).toBe('agent-key-1');
          expect(p.items.length).toBe(2);
        }
      }
    }
  });

  it('refuses what a verifier would reject', async () => {
    const base = { userKey, l1, aud: 'https://a', iat: T0 };
    const codeFor = (over: Partial<AutonomousPairInput>) =>
      codeOf(() => issueL2Autonomous({ profile: 'vi-2026-02', ...base, pairs: [febPair(over)] }));
    expect(
      await codeOf(() => issueL2Autonomous({ profile: 'vi-2026-02', ...base, pairs: [] })),
    ).toBe('ISSUE_INVALID_INPUT');
    expect(await codeFor({ merchants: [] })).toBe('CONSTRAINT_ALLOWLIST_EMPTY');
    expect(await codeFor({ payees: [] })).toBe('CONSTRAINT_ALLOWLIST_EMPTY');
    expect(await codeFor({ lineItems: [] })).toBe('CONSTRAINT_ALLOWLIST_EMPTY');
    expect(await codeFor({ lineItems: [{ id: 'l', acceptableItems: [], quantity: 1 }] })).toBe(
      'CONSTRAINT_ALLOWLIST_EMPTY',
    );
    expect(
      await codeFor({ lineItems: [{ id: 'l', acceptableItems: [racket], quantity: 1.5 }] }),
    ).toBe('CONSTRAINT_MALFORMED');
    expect(await codeFor({ amount: { currency: 'USD', min: 500, max: 100 } })).toBe(
      'CONSTRAINT_MALFORMED',
    );
    expect(await codeFor({ amount: { currency: 'USD', max: '1.001' } })).toBe('MONEY_INVALID');
    expect(await codeFor({ recurrence: { frequency: 'HOURLY', start_date: '2026-01-01' } })).toBe(
      'CONSTRAINT_MALFORMED',
    );
    expect(
      await codeFor({
        agentRecurrence: { frequency: 'MONTHLY', start_date: '2026-01-01', end_date: '2027-01-01' },
      }),
    ).toBe('CONSTRAINT_RECURRENCE_COMPANION_MISSING');
    expect(await codeFor({ extraConstraints: [{ type: 'payment.mystery' }] })).toBe(
      'CONSTRAINT_UNKNOWN_TYPE',
    );
    expect(await codeFor({ extraConstraints: [{ type: 'payment.reference' }] })).toBe(
      'PAYMENT_REFERENCE_MISSING',
    );
    expect(await codeFor({ agentKey: bareJwk(agentKey.publicJwk) })).toBe('KID_MISSING');
    expect(await codeFor({ agentKey: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k' } })).toBe(
      'KEY_INVALID',
    );
    expect(await codeFor({ paymentInstrument: { id: 'x' } as never })).toBe('ISSUE_INVALID_INPUT');
    const other = generateSigningKey('agent-key-1');
    expect(
      await codeOf(() =>
        issueL2Autonomous({
          profile: 'vi-2026-02',
          ...base,
          pairs: [febPair(), febPair({ agentKey: other.publicJwk })],
        }),
      ),
    ).toBe('MANDATE_CNF_PAIR_MISMATCH');
    // L1 from makeL1 expires at T0 - 1000 + 1 year: an L2 reaching past it is refused.
    expect(
      await codeOf(() =>
        issueL2Autonomous({
          profile: 'vi-2026-02',
          ...base,
          lifetimeSeconds: 365 * 86400,
          pairs: [febPair()],
        }),
      ),
    ).toBe('LIFETIME_EXCEEDED');
    expect(
      await codeOf(() =>
        issueL2Autonomous({
          profile: 'vi-2026-02',
          ...base,
          userKey: generateSigningKey(),
          pairs: [febPair()],
        }),
      ),
    ).toBe('KEY_INVALID');
  });
});
