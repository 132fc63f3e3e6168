import { beforeAll, describe, expect, it } from 'vitest';
import { forgetIssued } from '../../src/issue/issued.js';
import { issueL2Autonomous } from '../../src/issue/l2-autonomous.js';
import { issueL2Immediate } from '../../src/issue/l2-immediate.js';
import { issueL3Pair } from '../../src/issue/l3.js';
import { generateSigningKey } from '../../src/sdjwt/keys.js';
import {
  agentKey,
  autonomousPair,
  checkoutFor,
  codeOf,
  decode,
  instrument,
  makeL1,
  T0,
  tennis,
  userKey,
} from './fixtures.js';

/** An SD-JWT with its (randomized ECDSA) signature cut out: everything else must match byte for byte. */
const unsigned = (s: string) => s.replace(/^([^.~]+\.[^.~]+)\.[^~]+/, '$1');

/** Deterministic salts so two issuances can be compared byte for byte. */
const counter = () => {
  let n = 0;
  return () => `salt-${n++}`;
};

let l1: string;
beforeAll(async () => {
  l1 = await makeL1();
});

describe('issuers reading what this process issued', () => {
  const immediate = (l1Text: string, checkoutJwt: string) =>
    issueL2Immediate({
      userKey,
      l1: l1Text,
      aud: 'https://network.example',
      nonce: 'n-1',
      iat: T0,
      salt: counter(),
      pairs: [{ checkoutJwt, paymentInstrument: instrument, payee: tennis }],
    });
  const autonomous = (l1Text: string) =>
    issueL2Autonomous({
      userKey,
      l1: l1Text,
      aud: 'https://agent.example',
      nonce: 'n-2',
      iat: T0,
      salt: counter(),
      pairs: [autonomousPair()],
    });

  it('gives byte-identical L2s and L3s whether the L1 and checkout are remembered or parsed', () => {
    const co = checkoutFor();
    const remembered = { imm: unsigned(immediate(l1, co.jwt).serialized), auto: autonomous(l1) };
    const l3 = (l2: typeof remembered.auto, jwt: string) =>
      issueL3Pair({
        agentKey,
        l2,
        pairIndex: 0,
        checkoutJwt: jwt,
        networkAud: 'https://network.example',
        merchantAud: tennis.website,
        nonces: { payment: 'p', checkout: 'c' },
        iat: T0 + 200,
        salt: counter(),
      });
    const l3Remembered = l3(remembered.auto, co.jwt);
    forgetIssued();
    // Equal text in a different string object, after the memo is gone: the parse path.
    const copy = (s: string) => `${s} `.slice(0, -1);
    expect(unsigned(immediate(copy(l1), copy(co.jwt)).serialized)).toBe(remembered.imm);
    const parsedAuto = autonomous(copy(l1));
    expect(unsigned(parsedAuto.serialized)).toBe(unsigned(remembered.auto.serialized));
    // Same L2 object for both L3 pairs, so only the L3 signatures differ.
    const again = l3(remembered.auto, copy(co.jwt));
    expect(unsigned(again.payment)).toBe(unsigned(l3Remembered.payment));
    expect(unsigned(again.checkout)).toBe(unsigned(l3Remembered.checkout));
    expect([again.paymentL2, again.checkoutL2, again.transactionId]).toEqual([
      l3Remembered.paymentL2,
      l3Remembered.checkoutL2,
      l3Remembered.transactionId,
    ]);
    expect(unsigned(l3(parsedAuto, copy(co.jwt)).payment)).not.toBe(unsigned(l3Remembered.payment)); // its own L2 signature in sd_hash
  });

  it('still refuses a key the remembered L1 does not bind', async () => {
    const other = generateSigningKey('user-device-key-1');
    expect(
      await codeOf(() =>
        issueL2Autonomous({
          userKey: other,
          l1,
          aud: 'https://a',
          iat: T0,
          pairs: [autonomousPair()],
        }),
      ),
    ).toBe('KEY_INVALID');
    expect(
      await codeOf(() =>
        issueL2Immediate({
          userKey: other,
          l1,
          aud: 'https://a',
          pairs: [{ checkoutJwt: checkoutFor().jwt, paymentInstrument: instrument, payee: tennis }],
        }),
      ),
    ).toBe('KEY_INVALID');
  });

  it('parses and checks in full any string that differs from the issued one by a character', async () => {
    const fresh = await makeL1();
    const lastDisclosureChar = fresh.length - 2;
    const broken = `${fresh.slice(0, lastDisclosureChar)}!${fresh.slice(lastDisclosureChar + 1)}`;
    expect(
      await codeOf(() =>
        issueL2Autonomous({
          userKey,
          l1: broken,
          aud: 'https://a',
          iat: T0,
          pairs: [autonomousPair()],
        }),
      ),
    ).toBe('ISSUE_INVALID_INPUT');
    const co = checkoutFor();
    const [h, , s] = co.jwt.split('.');
    const noCart = `${h}.${Buffer.from(JSON.stringify({ iss: tennis.website, merchant: tennis })).toString('base64url')}.${s}`;
    expect(
      await codeOf(() =>
        issueL2Immediate({
          userKey,
          l1: fresh,
          aud: 'https://a',
          pairs: [{ checkoutJwt: noCart, paymentInstrument: instrument, payee: tennis }],
        }),
      ),
    ).toBe('CHECKOUT_JWT_MALFORMED');
  });

  it('reads the signed cart, whatever the caller later does to the payload object it was given', () => {
    const co = checkoutFor();
    co.payload.cart.total = 1;
    co.payload.cart.items[0]!.quantity = 9;
    co.payload.merchant.id = 'm-elsewhere';
    const l2 = immediate(l1, co.jwt);
    const payment = decode(l2.serialized).disclosures[1]!.array[1];
    expect(payment.payment_amount).toEqual({ currency: 'USD', amount: 27999 });
    const auto = autonomous(l1);
    const pair = issueL3Pair({
      agentKey,
      l2: auto,
      pairIndex: 0,
      checkoutJwt: co.jwt,
      networkAud: 'https://n',
      merchantAud: tennis.website,
      iat: T0 + 200,
    });
    const mandate = decode(pair.checkout).disclosures[0]!.array[1];
    expect(mandate.line_items).toEqual([
      { id: 'BAB86345', title: 'Babolat Pure Aero Tennis Racket', quantity: 1 },
    ]);
    expect(decode(pair.payment).disclosures[1]!.array[1].payee.id).toBe(tennis.id);
  });
});
