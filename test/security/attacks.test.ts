/**
 * The attacks of security-model.md §4 and constraints.md §7, one describe per
 * row of spec/security-matrix.md that is proved here (other rows point at
 * the reference vectors, the step tests, the ledger tests and the fuzzer).
 */
import { describe, expect, it } from 'vitest';
import { PROFILE } from '../../src/profiles/profile.js';
import { makeArrayDisclosure, serializeSdJwt } from '../../src/sdjwt/build.js';
import {
  AUD,
  autonomousBundle,
  buildAutonomous,
  chainKeys,
  immediateBundle,
  MERCHANTS,
  NONCE,
} from '../fixtures/raw-chain.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';
import { generateOtherAgent } from '../verify/steps/helpers.js';
import { expectRefused, type Obj } from './helpers.js';

const decode = (d: string) => JSON.parse(Buffer.from(d, 'base64url').toString('utf8')) as unknown[];
const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const constraintsOf = (m: Obj) => m.constraints as Obj[];

describe('§4.1 replay: aud and nonce are what the verifier expects, not what the presenter says', () => {
  it('a captured L3a replayed to a network expecting another nonce → NONCE_MISMATCH, whatever bundle.expect claims', async () => {
    const b = autonomousBundle({}, 'network'); // its own expect matches the captured L3a
    expectRefused(
      await verifyPresentation(b, { expect: { l3a: { nonce: 'fresh-nonce-from-this-session' } } }),
      'NONCE_MISMATCH',
      'l3a',
    );
  });
  it('an L3b replayed to another merchant → AUD_MISMATCH', async () => {
    expectRefused(
      await verifyPresentation(autonomousBundle({}, 'merchant'), {
        expect: { l3b: { aud: 'https://other-merchant.example' } },
      }),
      'AUD_MISMATCH',
      'l3b',
    );
  });
  it('an Immediate L2 replayed to another agent → AUD_MISMATCH', async () => {
    expectRefused(
      await verifyPresentation(immediateBundle(), {
        expect: { l2: { aud: 'https://other-agent.example', nonce: NONCE.l2 } },
      }),
      'AUD_MISMATCH',
      'l2',
    );
  });
  it('the matching expectation passes (the tests above are not vacuous)', async () => {
    expect(
      (
        await verifyPresentation(autonomousBundle({}, 'network'), {
          expect: { l3a: { aud: AUD.l3a, nonce: NONCE.l3a } },
        })
      ).valid,
    ).toBe(true);
  });
});

describe('§4.3 / constraints §7.5 constraint stripping', () => {
  it('the open payment mandate with its amount constraint removed (same salt, re-encoded) → DISCLOSURE_UNREFERENCED', async () => {
    const b = autonomousBundle();
    const parts = b.l2.split('~');
    const i = parts.findIndex(
      (d, n) =>
        n > 0 && d !== '' && (decode(d)[1] as Obj | undefined)?.vct === PROFILE.vct.paymentOpen,
    );
    const [salt, mandate] = decode(parts[i]!) as [string, Obj];
    const stripped = {
      ...mandate,
      constraints: constraintsOf(mandate).filter(
        (k) => k.type !== PROFILE.constraint.amount && k.type !== PROFILE.constraint.budget,
      ),
    };
    parts[i] = encode([salt, stripped]);
    b.l2 = parts.join('~');
    expectRefused(await verifyPresentation(b), 'DISCLOSURE_UNREFERENCED', 'l2');
  });
  it("a stripped copy added as a new disclosure and referenced from delegate_payload without the user's signature → L2_SIGNATURE_INVALID", async () => {
    const b = autonomousBundle();
    const [jwt, ...rest] = b.l2.split('~');
    const [h, p, s] = jwt!.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Obj;
    const copy = makeArrayDisclosure({ vct: PROFILE.vct.paymentOpen, constraints: [] });
    (payload.delegate_payload as Obj[]).push({ '...': copy.digest });
    (payload._sd as string[]).push(copy.digest);
    b.l2 = [`${h}.${encode(payload)}.${s}`, ...rest.slice(0, -1), copy.encoded, ''].join('~');
    expectRefused(await verifyPresentation(b), 'L2_SIGNATURE_INVALID', 'l2');
  });
});

describe('§4.4 checkout–payment mismatch', () => {
  it('Immediate: payment amount differs from the merchant-signed cart total → PAYMENT_CART_MISMATCH', async () => {
    const b = immediateBundle({
      paymentMandate: (m) => void ((m.payment_amount as Obj).amount = 100),
    });
    expectRefused(await verifyPresentation(b), 'PAYMENT_CART_MISMATCH', 'l2');
  });
  it('Immediate: the checkout mandate re-pointed at a cheaper cart (checkout_jwt swapped, hash kept) → CHECKOUT_HASH_MISMATCH', async () => {
    const cheap = immediateBundle({
      cart: [{ id: 'SKU-2', title: 'Gut Strings', quantity: 1, unit_price: 100 }],
    });
    const cheapJwt = (decode(cheap.l2.split('~')[1]!)[1] as Obj).checkout_jwt;
    const b = immediateBundle({ checkoutMandate: (m) => void (m.checkout_jwt = cheapJwt) });
    expectRefused(await verifyPresentation(b), 'CHECKOUT_HASH_MISMATCH', 'l2');
  });
  it('Autonomous: L3a paying for another checkout than L3b delivers → L3_CROSS_REFERENCE_MISMATCH', async () => {
    const b = autonomousBundle({
      l3aMandate: (m) => void (m.transaction_id = 'another-checkout-hash'),
    });
    expectRefused(await verifyPresentation(b), 'L3_CROSS_REFERENCE_MISMATCH');
  });
});

describe('§4.7 disclosure withholding', () => {
  it('an L3a whose L2 view withholds the payment mandate: nothing to bind to → MANDATE_NONE_DISCLOSED', async () => {
    const c = buildAutonomous();
    const b = autonomousBundle({}, 'network');
    b.l2 = serializeSdJwt(c.l2Jwt, [c.merchants[0]!.encoded]);
    b.l3 = [{ payment: c.l3a, payment_l2: b.l2 }];
    const r = await verifyPresentation(b);
    expect(r.valid).toBe(false);
    expect(r.errors.map((e) => e.code)).toEqual(expect.arrayContaining(['MANDATE_NONE_DISCLOSED']));
  });
  it('an L3a whose own payment_l2 view withholds the payment mandate (main L2 full) → L3_PAIR_UNBOUND', async () => {
    const c = buildAutonomous();
    const b = autonomousBundle({}, 'dispute');
    b.l3 = [{ payment: c.l3a, payment_l2: serializeSdJwt(c.l2Jwt, [c.merchants[0]!.encoded]) }];
    b.l2 = c.full;
    expectRefused(await verifyPresentation(b), 'L3_PAIR_UNBOUND', 'l3a');
  });
  it('the same L3a under its real view but the payment mandate withheld from the main L2: still bound through its own view', async () => {
    const c = buildAutonomous();
    const b = autonomousBundle({}, 'dispute');
    b.l2 = serializeSdJwt(c.l2Jwt, [c.checkout.encoded]);
    b.l3 = [
      { payment: c.l3a, payment_l2: c.paymentL2, checkout: c.l3b, checkout_l2: c.checkoutL2 },
    ];
    const r = await verifyPresentation(b);
    expect(r.pairs[0]?.l3a).toBe('verified');
  });
  it('a merchant view of an Immediate L2 hides the payment mandate and is a valid partial view that vouches for checkout only', async () => {
    const r = await verifyPresentation(immediateBundle({}, 'merchant'));
    expect(r.valid).toBe(true);
    expect(r.pairs.map((p) => [!!p.checkout, !!p.payment])).toEqual([[true, false]]);
  });
});

describe('§4.8 type confusion', () => {
  it('an L3a presented in place of the L2 (its typ kb-sd-jwt is also an Immediate L2 typ) → L2_SIGNATURE_INVALID: the agent is not the L1 cnf key', async () => {
    const b = autonomousBundle({}, 'network');
    b.l2 = b.l3![0]!.payment!;
    delete b.l3;
    expectRefused(await verifyPresentation(b), 'L2_SIGNATURE_INVALID', 'l2');
  });
  it('an L2 presented as an L3a (typ kb-sd-jwt+kb) → TYP_MISMATCH', async () => {
    const b = autonomousBundle({}, 'network');
    b.l3 = [{ payment: b.l2 }];
    expectRefused(await verifyPresentation(b), 'TYP_MISMATCH', 'l3a');
  });
  it('a payment mandate labelled as a checkout mandate (vct swap) → refused, never judged by position', async () => {
    const b = immediateBundle({ paymentMandate: (m) => void (m.vct = PROFILE.vct.checkout) });
    const r = await verifyPresentation(b);
    expect(r.valid).toBe(false);
    expect(
      r.errors.some((e) =>
        ['MANDATE_MALFORMED', 'MANDATE_DUPLICATE_PAIR', 'MANDATE_ORPHAN'].includes(e.code),
      ),
    ).toBe(true);
  });
  it('a mandate without vct → MANDATE_VCT_UNKNOWN', async () => {
    expectRefused(
      await verifyPresentation(immediateBundle({ paymentMandate: (m) => void delete m.vct })),
      'MANDATE_VCT_UNKNOWN',
      'l2',
    );
  });
});

describe('§4.9 split agent', () => {
  it('checkout and payment mandates binding different agent keys → MANDATE_CNF_PAIR_MISMATCH', async () => {
    const other = generateOtherAgent();
    const b = autonomousBundle({
      paymentMandate: (m) => void (m.cnf = { jwk: other.publicJwk, kid: chainKeys().agent.kid }),
    });
    expectRefused(await verifyPresentation(b), 'MANDATE_CNF_PAIR_MISMATCH', 'l2');
  });
});

describe('constraints §7.1 amount range bypass', () => {
  for (const [what, amount] of [
    ['a numeric string', '27999'],
    ['a float', 279.99],
    ['negative', -1],
    ['2^53 + 1', 2 ** 53 + 2],
  ] as const) {
    it(`L3a amount as ${what} → CONSTRAINT_AMOUNT_INVALID`, async () => {
      expectRefused(
        await verifyPresentation(
          autonomousBundle(
            { l3aMandate: (m) => void ((m.payment_amount as Obj).amount = amount) },
            'network',
          ),
        ),
        'CONSTRAINT_AMOUNT_INVALID',
        'l3a',
      );
    });
  }
  it('an amount above max by one minor unit → CONSTRAINT_AMOUNT_ABOVE_MAX', async () => {
    const b = autonomousBundle(
      { cart: [{ id: 'SKU-1', title: 'Pro Racket', quantity: 1, unit_price: 50001 }] },
      'network',
    );
    expectRefused(await verifyPresentation(b), 'CONSTRAINT_AMOUNT_ABOVE_MAX', 'l3a');
  });
});

describe('constraints §7.3 payee manipulation: exact comparison only', () => {
  const variants: [string, Obj][] = [
    ['id in another case', { ...MERCHANTS[0], id: MERCHANTS[0]!.id.toUpperCase() }],
    ['id with a trailing space', { ...MERCHANTS[0], id: `${MERCHANTS[0]!.id} ` }],
    [
      'no id, name in another case',
      { name: MERCHANTS[0]!.name.toUpperCase(), website: MERCHANTS[0]!.website },
    ],
    [
      'no id, website as a prefix',
      { name: MERCHANTS[0]!.name, website: `${MERCHANTS[0]!.website}.evil.example` },
    ],
  ];
  for (const [what, payee] of variants) {
    it(`L3a payee ${what} → CONSTRAINT_PAYEE_NOT_ALLOWED`, async () => {
      expectRefused(
        await verifyPresentation(
          autonomousBundle({ l3aMandate: (m) => void (m.payee = payee) }, 'network'),
        ),
        'CONSTRAINT_PAYEE_NOT_ALLOWED',
        'l3a',
      );
    });
  }
});

describe('constraints §7.6 unknown constraint types', () => {
  const withUnknown = () =>
    autonomousBundle(
      {
        paymentMandate: (m) =>
          void constraintsOf(m).push({ type: 'payment.future_rule', limit: 1 }),
      },
      'network',
    );
  // Stricter than the SHOULD of §7.6, as the reference verdict requires
  // (autonomous-tamper-unknown-constraint-type-in-open-mandate): an unknown type
  // in a mandate the user signed is refused in both modes.
  it('refused with CONSTRAINT_UNKNOWN_TYPE in PERMISSIVE and in STRICT', async () => {
    expectRefused(await verifyPresentation(withUnknown()), 'CONSTRAINT_UNKNOWN_TYPE', 'l2');
    expectRefused(
      await verifyPresentation(withUnknown(), { strictness: 'STRICT' }),
      'CONSTRAINT_UNKNOWN_TYPE',
      'l2',
    );
  });
});
