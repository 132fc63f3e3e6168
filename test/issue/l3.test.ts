import { beforeAll, describe, expect, it } from 'vitest';
import { createCheckoutJwt } from '../../src/issue/checkout.js';
import { issueL2Autonomous } from '../../src/issue/l2-autonomous.js';
import { issueL2Immediate } from '../../src/issue/l2-immediate.js';
import type { IssuedL2Autonomous } from '../../src/issue/l2-types.js';
import { type IssueL3PairInput, issueL3Pair } from '../../src/issue/l3.js';
import { sha256b64u } from '../../src/sdjwt/digest.js';
import { generateSigningKey } from '../../src/sdjwt/keys.js';
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
  merchantKey,
  racket,
  shoe,
  T0,
  tennis,
  twoPairAutonomousL2,
  userKey,
} from './fixtures.js';

let l1: string;
let l2: IssuedL2Autonomous;
const AT = T0 + 200;
beforeAll(async () => {
  l1 = await makeL1();
  // The reference layout: these views name the merchant disclosure the payee allowlist shares.
  l2 = twoPairAutonomousL2(l1, undefined, 'reference');
});

const ref = (digest: string) => ({ '...': digest });

function input(over: Partial<IssueL3PairInput> = {}): IssueL3PairInput {
  return {
    agentKey,
    l2,
    pairIndex: 0,
    checkoutJwt: checkoutFor().jwt,
    networkAud: 'https://network.example.com/vi/authorize',
    merchantAud: tennis.website,
    nonces: { payment: 'n-l3a', checkout: 'n-l3b' },
    iss: 'https://agent.example.com',
    iat: AT,
    ...over,
  };
}

describe('issueL3Pair', () => {
  it('matches the reference wire structure', () => {
    const co = checkoutFor();
    const out = issueL3Pair(input({ checkoutJwt: co.jwt }));
    const pair = l2.pairs[0]!;
    expect(out.transactionId).toBe(co.checkoutHash);
    expect(out.transactionId).toBe(sha256b64u(co.jwt));

    // The L2 views: issuer JWT + exactly the disclosures named in §5.4, in that order.
    expect(out.paymentL2).toBe(`${l2.jwt}~${pair.payment.encoded}~${pair.merchants[0]!.encoded}~`);
    expect(out.checkoutL2).toBe(`${l2.jwt}~${pair.checkout.encoded}~${pair.items[0]!.encoded}~`);

    const a = decode(out.payment);
    expect(a.header).toEqual({ alg: 'ES256', typ: 'kb-sd-jwt', kid: 'agent-key-1' });
    expect(a.header).not.toHaveProperty('jwk');
    const [merchant, mandate] = a.disclosures;
    expect(Object.keys(a.payload)).toEqual([
      'nonce',
      'aud',
      'sd_hash',
      'iat',
      'delegate_payload',
      '_sd_alg',
      'iss',
      'exp',
    ]);
    expect(a.payload).toEqual({
      nonce: 'n-l3a',
      aud: 'https://network.example.com/vi/authorize',
      sd_hash: sha256b64u(out.paymentL2),
      iat: AT,
      delegate_payload: [ref(merchant!.digest), ref(mandate!.digest)],
      _sd_alg: 'sha-256',
      iss: 'https://agent.example.com',
      exp: AT + 300,
    });
    expect(merchant!.array[1]).toEqual(tennis);
    expect(merchant!.encoded).not.toBe(pair.merchants[0]!.encoded); // fresh salt
    expect128BitSalt(merchant!.array[0]);
    expect(mandate!.array[1]).toEqual({
      vct: 'mandate.payment.1',
      transaction_id: co.checkoutHash,
      payee: tennis,
      payment_amount: { currency: 'USD', amount: 27999 },
      payment_instrument: instrument,
    });

    const b = decode(out.checkout);
    expect(b.header).toEqual({ alg: 'ES256', typ: 'kb-sd-jwt', kid: 'agent-key-1' });
    expect(b.disclosures).toHaveLength(1);
    expect(b.payload).toEqual({
      nonce: 'n-l3b',
      aud: tennis.website,
      sd_hash: sha256b64u(out.checkoutL2),
      iat: AT,
      delegate_payload: [ref(b.disclosures[0]!.digest)],
      _sd_alg: 'sha-256',
      iss: 'https://agent.example.com',
      exp: AT + 300,
    });
    expect(b.disclosures[0]!.array[1]).toEqual({
      vct: 'mandate.checkout.1',
      checkout_jwt: co.jwt,
      checkout_hash: co.checkoutHash,
      line_items: [{ ...racket, quantity: 1 }],
    });
    for (const d of [a, b]) {
      expect(d.payload).not.toHaveProperty('cnf');
      expect(d.payload).not.toHaveProperty('_sd');
    }
  });

  it('works from the serialized L2 alone, for any pair', () => {
    const co = createCheckoutJwt({
      merchantKey,
      merchant: decathlon,
      checkoutId: 'c2',
      currency: 'USD',
      items: [{ ...shoe, quantity: 1, unitPrice: '159.99' }],
      iat: T0,
    });
    const out = issueL3Pair(
      input({
        l2: l2.serialized,
        pairIndex: 1,
        checkoutJwt: co.jwt,
        merchantAud: decathlon.website,
        nonces: undefined,
        iss: undefined,
      }),
    );
    const pair = l2.pairs[1]!;
    expect(out.pairIndex).toBe(1);
    expect(out.paymentL2).toBe(`${l2.jwt}~${pair.payment.encoded}~${pair.merchants[0]!.encoded}~`);
    const a = decode(out.payment);
    expect(a.payload.iss).toBeUndefined();
    expect128BitSalt(a.payload.nonce);
    expect(a.payload.nonce).not.toBe(decode(out.checkout).payload.nonce);
    expect(a.disclosures[1]!.array[1].payment_amount).toEqual({ currency: 'USD', amount: 15999 });
  });

  it('refuses with typed codes', async () => {
    expect(await codeOf(() => issueL3Pair(input({ lifetimeSeconds: 3601 })))).toBe(
      'LIFETIME_EXCEEDED',
    );
    expect(
      await codeOf(() => issueL3Pair(input({ agentKey: generateSigningKey('agent-key-1') }))),
    ).toBe('KEY_INVALID');
    expect(await codeOf(() => issueL3Pair(input({ pairIndex: 5 })))).toBe('ISSUE_INVALID_INPUT');
    expect(
      await codeOf(() =>
        issueL3Pair(input({ paymentInstrument: { ...instrument, id: 'another-card' } })),
      ),
    ).toBe('PAYMENT_INSTRUMENT_MISMATCH');
    expect(
      await codeOf(() => issueL3Pair(input({ checkoutJwt: checkoutFor(decathlon).jwt }))),
    ).toBe('CONSTRAINT_MERCHANT_NOT_ALLOWED');
    expect(
      await codeOf(() =>
        issueL3Pair(input({ checkoutJwt: checkoutFor(tennis, racket, '400.01').jwt })),
      ),
    ).toBe('CONSTRAINT_AMOUNT_ABOVE_MAX');
    expect(
      await codeOf(() =>
        issueL3Pair(input({ checkoutJwt: checkoutFor(tennis, racket, '99.99').jwt })),
      ),
    ).toBe('CONSTRAINT_AMOUNT_BELOW_MIN');
    expect(
      await codeOf(() => issueL3Pair(input({ checkoutJwt: checkoutFor(tennis, shoe).jwt }))),
    ).toBe('CONSTRAINT_LINE_ITEM_NOT_ACCEPTABLE');
    expect(
      await codeOf(() => issueL3Pair(input({ lineItems: [{ ...racket, quantity: 2 }] }))),
    ).toBe('CONSTRAINT_QUANTITY_EXCEEDED');
    expect(await codeOf(() => issueL3Pair(input({ payee: decathlon })))).toBe(
      'CONSTRAINT_PAYEE_NOT_ALLOWED',
    );
    expect(await codeOf(() => issueL3Pair(input({ amount: '1.00' })))).toBe('ISSUE_INVALID_INPUT');
    expect(await codeOf(() => issueL3Pair(input({ currency: 'EUR' })))).toBe(
      'CONSTRAINT_CURRENCY_MISMATCH',
    );
    expect(await codeOf(() => issueL3Pair(input({ iat: T0 + 86400 })))).toBe('EXPIRED');
    // The recurrence end_date (2028-06-01) is past at this iat.
    const late = Date.UTC(2028, 6, 1) / 1000;
    const lateL2 = issueL2Autonomous({
      userKey,
      l1: await makeL1(late - 100),
      aud: 'a',
      iat: late - 10,
      lifetimeSeconds: 3600,
      pairs: [autonomousPair()],
    });
    expect(await codeOf(() => issueL3Pair(input({ iat: late, l2: lateL2 })))).toBe(
      'CONSTRAINT_RECURRENCE_OUT_OF_WINDOW',
    );
  });

  it('refuses an Immediate L2', async () => {
    const imm = issueL2Immediate({
      userKey,
      l1,
      aud: 'a',
      pairs: [{ checkoutJwt: checkoutFor().jwt, paymentInstrument: instrument, payee: tennis }],
    });
    expect(await codeOf(() => issueL3Pair(input({ l2: imm.serialized })))).toBe(
      'L3_NOT_AUTONOMOUS',
    );
  });

  it('discloses only the items bought and keeps ids as the selectors', () => {
    const co = createCheckoutJwt({
      merchantKey,
      merchant: babolat,
      checkoutId: 'c3',
      currency: 'USD',
      items: [{ ...head, quantity: 1, unitPrice: '249.99' }],
      iat: T0,
    });
    const out = issueL3Pair(input({ checkoutJwt: co.jwt, merchantAud: babolat.website }));
    const pair = l2.pairs[0]!;
    expect(out.checkoutL2).toBe(`${l2.jwt}~${pair.checkout.encoded}~${pair.items[1]!.encoded}~`);
    expect(out.paymentL2).toBe(`${l2.jwt}~${pair.payment.encoded}~${pair.merchants[1]!.encoded}~`);
    expect(decode(out.payment).disclosures[0]!.array[1]).toEqual(babolat);
  });
});
