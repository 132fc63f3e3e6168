/**
 * Fail-closed verification (issue 10): a malicious agent holds its key, a
 * valid L2 and a signed cart, and chooses what it discloses in which view.
 * One describe per class of spec/security-matrix.md § "Fail-closed
 * verification"; every test asserts codes.
 */
import { describe, expect, it } from 'vitest';
import { PROFILE } from '../../src/profiles/profile.js';
import { serializeSdJwt } from '../../src/sdjwt/build.js';
import { verifyPresentation as verifyWithOptions } from '../../src/verify/index.js';
import type { VerificationResult } from '../../src/verify/types.js';
import {
  AT,
  autonomousBundle,
  buildAutonomous,
  chainKeys,
  constraintOf,
  type Hooks,
  INSTRUMENT,
  immediateBundle,
  MERCHANTS,
  NONCE,
  T0,
} from '../fixtures/raw-chain.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';
import { codes, expectRefused, type Obj } from './helpers.js';

const rogue = { id: 'm-rogue', name: 'Rogue Rackets', website: 'https://rogue.example' };
const checkOf = (r: VerificationResult, name: string) => r.checks.filter((c) => c.name === name);

/** A dispute bundle whose `l2` is `l2` and whose L3 entry binds the chain's own views. */
function disputeWith(h: Hooks, l2: (c: ReturnType<typeof buildAutonomous>) => string) {
  const c = buildAutonomous(h);
  const b = autonomousBundle(h, 'dispute');
  b.l1 = c.l1;
  b.l2 = l2(c);
  b.l3 = [{ payment: c.l3a, payment_l2: c.paymentL2, checkout: c.l3b, checkout_l2: c.checkoutL2 }];
  return b;
}

describe('bound views: each L3 is judged only against the L2 view its sd_hash binds', () => {
  it('a bare payment mandate in the bundle l2 does not hide the payee allowlist of the L3a view → CONSTRAINT_PAYEE_NOT_ALLOWED', async () => {
    // The attack: l2 shows the payment mandate with every payee withheld; payment_l2 (bound by sd_hash) shows one.
    const b = disputeWith(
      { selectedMerchant: null, l3aMandate: (m) => void (m.payee = rogue) },
      (c) => serializeSdJwt(c.l2Jwt, [c.payment.encoded, c.checkout.encoded]),
    );
    expectRefused(await verifyPresentation(b), 'CONSTRAINT_PAYEE_NOT_ALLOWED', 'l3a');
  });
  it('an L3a whose own view withholds every allowed payee → L3_VIEW_INCOMPLETE and CONSTRAINT_UNVERIFIABLE, never skipped', async () => {
    const b = autonomousBundle(
      {
        selectedMerchant: null,
        paymentViewMerchants: [],
        l3aMandate: (m) => void (m.payee = rogue),
      },
      'network',
    );
    const r = await verifyPresentation(b);
    expectRefused(r, 'L3_VIEW_INCOMPLETE', 'l3a');
    expectRefused(r, 'CONSTRAINT_UNVERIFIABLE', 'l3a');
  });
  it('the same withholding with an allowed payee is still refused: what the L3a is judged by must be shown', async () => {
    const r = await verifyPresentation(
      autonomousBundle({ selectedMerchant: null, paymentViewMerchants: [] }, 'network'),
    );
    expect(new Set(codes(r))).toEqual(new Set(['L3_VIEW_INCOMPLETE', 'CONSTRAINT_UNVERIFIABLE']));
  });
  it('an L3b whose own view withholds every acceptable item → L3_VIEW_INCOMPLETE and CONSTRAINT_UNVERIFIABLE', async () => {
    const r = await verifyPresentation(autonomousBundle({ checkoutViewItems: [] }, 'merchant'));
    expectRefused(r, 'L3_VIEW_INCOMPLETE', 'l3b');
    expectRefused(r, 'CONSTRAINT_UNVERIFIABLE', 'l3b');
  });
  it('allowed_merchant at a merchant (checkout + items only, as the spec shows it) is skipped, and the result says so', async () => {
    const r = await verifyPresentation(autonomousBundle({}, 'merchant'));
    expect(r.valid).toBe(true);
    expect(
      r.pairs[0]!.constraints.find((c) => c.type === PROFILE.constraint.allowedMerchant)?.outcome
        .status,
    ).toBe('skipped');
    expect(checkOf(r, 'constraints.checkout.withheld').map((c) => c.status)).toEqual(['skipped']);
  });
  it('a view that shows the merchant entries has allowed_merchant judged by it → CONSTRAINT_MERCHANT_NOT_ALLOWED', async () => {
    const r = await verifyPresentation(
      autonomousBundle(
        { checkoutViewMerchants: true, checkoutJwtPayload: (p) => void (p.merchant = rogue) },
        'merchant',
      ),
    );
    expectRefused(r, 'CONSTRAINT_MERCHANT_NOT_ALLOWED', 'l3b');
  });
  it('l2 and the bound views agree on every disclosure they share (l3a.view, l3b.view pass)', async () => {
    const r = await verifyPresentation(autonomousBundle({}, 'dispute'));
    expect(r.valid).toBe(true);
    expect([...checkOf(r, 'l3a.view'), ...checkOf(r, 'l3b.view')].map((c) => c.status)).toEqual([
      'passed',
      'passed',
    ]);
  });
});

describe('1. payment instrument', () => {
  it('an L3a paying with another instrument than the L2 delegated → PAYMENT_INSTRUMENT_MISMATCH', async () => {
    const b = autonomousBundle(
      { l3aMandate: (m) => void (m.payment_instrument = { ...INSTRUMENT, id: 'tok-stolen' }) },
      'network',
    );
    expectRefused(await verifyPresentation(b), 'PAYMENT_INSTRUMENT_MISMATCH', 'l3a');
  });
  it('the delegated instrument with an extra member (beyond description) → PAYMENT_INSTRUMENT_MISMATCH', async () => {
    const b = autonomousBundle(
      {
        l3aMandate: (m) => void (m.payment_instrument = { ...INSTRUMENT, pan: '5555444433334242' }),
      },
      'network',
    );
    expectRefused(await verifyPresentation(b), 'PAYMENT_INSTRUMENT_MISMATCH', 'l3a');
  });
  it('an L2 payment mandate whose instrument is not the L1 card_id → PAYMENT_INSTRUMENT_MISMATCH (Immediate and Autonomous)', async () => {
    const l1Payload = (p: Obj) => void (p.card_id = 'card-of-someone-else');
    expectRefused(
      await verifyPresentation(immediateBundle({ l1Payload }, 'network')),
      'PAYMENT_INSTRUMENT_MISMATCH',
      'l2',
    );
    expectRefused(
      await verifyPresentation(autonomousBundle({ l1Payload }, 'network')),
      'PAYMENT_INSTRUMENT_MISMATCH',
      'l2',
    );
  });
  it('card_id equal to the instrument id passes; a merchant view without the payment mandate skips the check and says so', async () => {
    const l1Payload = (p: Obj) => void (p.card_id = INSTRUMENT.id);
    const network = await verifyPresentation(immediateBundle({ l1Payload }, 'network'));
    expect(network.valid).toBe(true);
    expect(checkOf(network, 'mandates.card_id').map((c) => c.status)).toEqual(['passed']);
    const merchant = await verifyPresentation(
      immediateBundle({ l1Payload: (p) => void (p.card_id = 'card-x') }, 'merchant'),
    );
    expect(merchant.valid).toBe(true);
    expect(checkOf(merchant, 'mandates.card_id').map((c) => c.status)).toEqual(['skipped']);
  });
});

describe('2. checkout–payment integrity in Autonomous mode (security-model §4.4)', () => {
  it('with both L3s, an L3a amount other than the merchant-signed cart total → PAYMENT_CART_MISMATCH', async () => {
    const b = autonomousBundle(
      { l3aMandate: (m) => void ((m.payment_amount as Obj).amount = 1000) },
      'dispute',
    );
    expectRefused(await verifyPresentation(b), 'PAYMENT_CART_MISMATCH', 'l3a');
  });
  it('with both L3s, another currency than the cart → PAYMENT_CART_MISMATCH', async () => {
    const b = autonomousBundle(
      {
        paymentMandate: (m) => void (constraintOf(m, PROFILE.constraint.amount).currency = 'EUR'),
        l3aMandate: (m) => void ((m.payment_amount as Obj).currency = 'EUR'),
      },
      'dispute',
    );
    expectRefused(await verifyPresentation(b), 'PAYMENT_CART_MISMATCH', 'l3a');
  });
  it('with both L3s, paying another party than the merchant that signed the checkout → PAYEE_MERCHANT_MISMATCH', async () => {
    const b = autonomousBundle(
      { checkoutJwtPayload: (p) => void (p.merchant = MERCHANTS[1]) },
      'dispute',
    );
    expectRefused(await verifyPresentation(b), 'PAYEE_MERCHANT_MISMATCH', 'l3a');
  });
});

describe('3. payment_amount required, amounts integer literals', () => {
  const topLevel = (m: Obj) => {
    delete m.payment_amount;
    m.amount = 27999;
    m.currency = 'USD';
  };
  it('an L3a without payment_amount (top-level amount instead) → MANDATE_MALFORMED', async () => {
    expectRefused(
      await verifyPresentation(autonomousBundle({ l3aMandate: topLevel }, 'network')),
      'MANDATE_MALFORMED',
      'l3a',
    );
  });
  it('an Immediate payment mandate without payment_amount → MANDATE_MALFORMED', async () => {
    expectRefused(
      await verifyPresentation(immediateBundle({ paymentMandate: topLevel }, 'network')),
      'MANDATE_MALFORMED',
      'l2',
    );
  });
  for (const literal of ['27999.0', '2.7999e4', '2.7999E+4']) {
    it(`L3a amount written ${literal} (JSON.parse reads 27999) → CONSTRAINT_AMOUNT_INVALID`, async () => {
      const jsonText = (site: string, t: string) =>
        site === 'l3a.payment' ? t.replace('"amount":27999', `"amount":${literal}`) : t;
      expectRefused(
        await verifyPresentation(autonomousBundle({ jsonText }, 'network')),
        'CONSTRAINT_AMOUNT_INVALID',
        'l3a',
      );
    });
    it(`Immediate payment amount written ${literal} → CONSTRAINT_AMOUNT_INVALID`, async () => {
      const jsonText = (site: string, t: string) =>
        site === 'l2.payment' ? t.replace('"amount":27999', `"amount":${literal}`) : t;
      expectRefused(
        await verifyPresentation(immediateBundle({ jsonText }, 'network')),
        'CONSTRAINT_AMOUNT_INVALID',
        'l2',
      );
    });
  }
  it('the literal rewrite is not vacuous: 27999 written as 27999 passes', async () => {
    const jsonText = (_: string, t: string) => t.replace('"amount":27999', '"amount":27999');
    expect((await verifyPresentation(autonomousBundle({ jsonText }, 'network'))).valid).toBe(true);
  });
});

describe('4. L3 delegate_payload holds disclosure references only (CF §5.3)', () => {
  it('an inline mandate object in L3a delegate_payload → CLAIM_MALFORMED', async () => {
    const inline = {
      vct: PROFILE.vct.payment,
      payee: rogue,
      payment_amount: { currency: 'USD', amount: 1 },
    };
    const b = autonomousBundle(
      { l3aPayload: (p) => void (p.delegate_payload as unknown[]).push(inline) },
      'network',
    );
    expectRefused(await verifyPresentation(b), 'CLAIM_MALFORMED', 'l3a');
  });
  it('an inline entry in L3b delegate_payload → CLAIM_MALFORMED', async () => {
    const b = autonomousBundle(
      { l3bPayload: (p) => void (p.delegate_payload as unknown[]).push({ note: 'inline' }) },
      'merchant',
    );
    expectRefused(await verifyPresentation(b), 'CLAIM_MALFORMED', 'l3b');
  });
});

describe('5. duplicate JSON member names (security-model §5.1)', () => {
  const sites: [string, string, 'l1' | 'l2' | 'l3a' | 'l3b' | 'checkout_jwt', string, string][] = [
    ['the L1 JOSE header', 'l1.header', 'l1', '"alg":"ES256"', '"alg":"none","alg":"ES256"'],
    [
      'the L3a payload',
      'l3a.payload',
      'l3a',
      `"nonce":"${NONCE.l3a}"`,
      `"nonce":"other","nonce":"${NONCE.l3a}"`,
    ],
    ['an L3a disclosure', 'l3a.payment', 'l3a', '"amount":27999', '"amount":1,"amount":27999'],
    [
      'the L2 payload',
      'l2.payload',
      'l2',
      `"nonce":"${NONCE.l2}"`,
      `"nonce":"x","nonce":"${NONCE.l2}"`,
    ],
  ];
  for (const [what, site, layer, from, to] of sites) {
    it(`a member named twice in ${what} → JSON_DUPLICATE_MEMBER`, async () => {
      const jsonText = (s: string, t: string) => (s === site ? t.replace(from, to) : t);
      expectRefused(
        await verifyPresentation(autonomousBundle({ jsonText }, 'network')),
        'JSON_DUPLICATE_MEMBER',
        layer,
      );
    });
  }
  it('a member named twice in the checkout_jwt → JSON_DUPLICATE_MEMBER', async () => {
    const jsonText = (s: string, t: string) =>
      s === 'checkout_jwt.payload'
        ? t.replace('"sub":"checkout-1"', '"sub":"x","sub":"checkout-1"')
        : t;
    expectRefused(
      await verifyPresentation(autonomousBundle({ jsonText }, 'merchant')),
      'JSON_DUPLICATE_MEMBER',
      'checkout_jwt',
    );
  });
  it('the same text with distinct names passes (the count is not vacuous), also with ":" inside strings', async () => {
    const jsonText = (s: string, t: string) =>
      s === 'l3a.payload'
        ? t.replace(`"nonce":"${NONCE.l3a}"`, `"nonce":"${NONCE.l3a}","note":"a:b \\" :c"`)
        : t;
    expect((await verifyPresentation(autonomousBundle({ jsonText }, 'network'))).valid).toBe(true);
  });
});

describe('6. JOSE crit (RFC 7515 §4.1.11)', () => {
  it('crit naming an extension we do not implement, in L1 / L2 / L3a / checkout_jwt → CRIT_UNSUPPORTED', async () => {
    const crit = (h: Obj) => {
      h.crit = ['exp'];
      h.exp = 1;
    };
    expectRefused(
      await verifyPresentation(immediateBundle({ l1Header: crit })),
      'CRIT_UNSUPPORTED',
      'l1',
    );
    expectRefused(
      await verifyPresentation(immediateBundle({ l2Header: crit })),
      'CRIT_UNSUPPORTED',
      'l2',
    );
    expectRefused(
      await verifyPresentation(autonomousBundle({ l3aHeader: crit }, 'network')),
      'CRIT_UNSUPPORTED',
      'l3a',
    );
    const jsonText = (s: string, t: string) =>
      s === 'checkout_jwt.header' ? t.replace('{', '{"crit":["b64"],"b64":false,') : t;
    expectRefused(
      await verifyPresentation(immediateBundle({ jsonText })),
      'CRIT_UNSUPPORTED',
      'checkout_jwt',
    );
  });
});

describe('7. nonces (CF §5.3)', () => {
  it('an L3a nonce equal to the L2 nonce → L3_NONCE_REUSED', async () => {
    const b = autonomousBundle({ l3aPayload: (p) => void (p.nonce = NONCE.l2) }, 'network');
    delete b.expect!.l3a;
    expectRefused(await verifyPresentation(b), 'L3_NONCE_REUSED', 'l3a');
  });
  it('an L3b nonce equal to the L2 nonce → L3_NONCE_REUSED', async () => {
    const b = autonomousBundle({ l3bPayload: (p) => void (p.nonce = NONCE.l2) }, 'merchant');
    delete b.expect!.l3b;
    expectRefused(await verifyPresentation(b), 'L3_NONCE_REUSED', 'l3b');
  });
});

describe('8. maximum lifetimes (CF §7), each a limit with its own code', () => {
  it('L1 valid for a leap year (366 days) passes: a year is a calendar year', async () => {
    const r = await verifyPresentation(
      immediateBundle({ l1Payload: (p) => void (p.exp = (p.iat as number) + 366 * 86400) }),
    );
    expect(r.valid).toBe(true);
  });
  it('L1 valid for more than a year → L1_LIFETIME_EXCEEDED; a tighter limit applies', async () => {
    expectRefused(
      await verifyPresentation(
        immediateBundle({ l1Payload: (p) => void (p.exp = (p.iat as number) + 366 * 86400 + 1) }),
      ),
      'L1_LIFETIME_EXCEEDED',
      'l1',
    );
    expectRefused(
      await verifyPresentation(immediateBundle(), { limits: { maxL1LifetimeSeconds: 30 * 86400 } }),
      'L1_LIFETIME_EXCEEDED',
      'l1',
    );
  });
  it('Immediate L2 valid for more than 15 minutes → L2_LIFETIME_EXCEEDED', async () => {
    expectRefused(
      await verifyPresentation(immediateBundle({ l2Payload: (p) => void (p.exp = T0 + 901) })),
      'L2_LIFETIME_EXCEEDED',
      'l2',
    );
  });
  it('Autonomous L2 outliving the L1 → L2_OUTLIVES_L1 (an Autonomous L2 of a day is fine)', async () => {
    expectRefused(
      await verifyPresentation(
        autonomousBundle({ l2Payload: (p) => void (p.exp = T0 + 400 * 86400) }),
      ),
      'L2_OUTLIVES_L1',
      'l2',
    );
    expect((await verifyPresentation(autonomousBundle())).valid).toBe(true);
  });
  it('L3 valid for more than an hour → L3_LIFETIME_EXCEEDED; a tighter limit applies', async () => {
    expectRefused(
      await verifyPresentation(
        autonomousBundle(
          { l3bPayload: (p) => void (p.exp = (p.iat as number) + 3601) },
          'merchant',
        ),
      ),
      'L3_LIFETIME_EXCEEDED',
      'l3b',
    );
    expectRefused(
      await verifyPresentation(autonomousBundle({}, 'network'), {
        limits: { maxL3LifetimeSeconds: 200 },
      }),
      'L3_LIFETIME_EXCEEDED',
      'l3a',
    );
  });
  it('a checkout_jwt expired beyond skew → EXPIRED; issued in the future → IAT_IN_FUTURE (on checkout_jwt)', async () => {
    expectRefused(
      await verifyPresentation(
        immediateBundle({ checkoutJwtPayload: (p) => void (p.exp = AT - 301) }),
      ),
      'EXPIRED',
      'checkout_jwt',
    );
    expectRefused(
      await verifyPresentation(
        autonomousBundle({ checkoutJwtPayload: (p) => void (p.iat = AT + 301) }, 'merchant'),
      ),
      'IAT_IN_FUTURE',
      'checkout_jwt',
    );
    expectRefused(
      await verifyPresentation(
        immediateBundle({ checkoutJwtPayload: (p) => void (p.exp = '2099-01-01') }),
      ),
      'TIME_CLAIM_INVALID',
      'checkout_jwt',
    );
  });
});

describe('9. typed identifiers: never a reason to fall back to name matching', () => {
  it('an L3a payee id that is a number (name and website of an allowed payee) → MANDATE_MALFORMED', async () => {
    const b = autonomousBundle(
      { selectedMerchant: null, l3aMandate: (m) => void (m.payee = { ...MERCHANTS[0], id: 1 }) },
      'network',
    );
    expectRefused(await verifyPresentation(b), 'MANDATE_MALFORMED', 'l3a');
  });
  it('an Immediate payee id that is an object → MANDATE_MALFORMED', async () => {
    expectRefused(
      await verifyPresentation(
        immediateBundle(
          { paymentMandate: (m) => void (m.payee = { ...MERCHANTS[0], id: { eq: 'm-1' } }) },
          'network',
        ),
      ),
      'MANDATE_MALFORMED',
      'l2',
    );
  });
  it('a checkout_jwt merchant id that is a number → CHECKOUT_JWT_MALFORMED', async () => {
    const b = autonomousBundle(
      { checkoutJwtPayload: (p) => void (p.merchant = { ...MERCHANTS[0], id: 7 }) },
      'merchant',
    );
    expectRefused(await verifyPresentation(b), 'CHECKOUT_JWT_MALFORMED', 'checkout_jwt');
  });
  it('an L3b line item id that is a number → MANDATE_MALFORMED', async () => {
    expectRefused(
      await verifyPresentation(
        autonomousBundle({ l3bLines: [{ id: 1, quantity: 1 }] }, 'merchant'),
      ),
      'MANDATE_MALFORMED',
      'l3b',
    );
  });
  it('an allowed payee entry whose id is a number → CONSTRAINT_MALFORMED', async () => {
    const b = autonomousBundle(
      {
        paymentMandate: (m) =>
          void (constraintOf(m, PROFILE.constraint.allowedPayee).allowed_payees as unknown[]).push({
            id: 9,
            name: 'X',
            website: 'https://x.example',
          }),
      },
      'network',
    );
    expectRefused(await verifyPresentation(b), 'CONSTRAINT_MALFORMED', 'l2');
  });
});

describe('10. selected_merchant (CF §5.6)', () => {
  it('a selected merchant that is not an allowed merchant → SELECTED_MERCHANT_NOT_ALLOWED', async () => {
    expectRefused(
      await verifyPresentation(autonomousBundle({ selectedMerchant: rogue }, 'network')),
      'SELECTED_MERCHANT_NOT_ALLOWED',
      'l3a',
    );
  });
  it('a selected merchant whose id is not a string → MANDATE_MALFORMED', async () => {
    expectRefused(
      await verifyPresentation(
        autonomousBundle({ selectedMerchant: { ...MERCHANTS[0], id: 1 } }, 'network'),
      ),
      'MANDATE_MALFORMED',
      'l3a',
    );
  });
  it('the payee as selected merchant passes; none disclosed is allowed (it is OPTIONAL)', async () => {
    expect((await verifyPresentation(autonomousBundle({}, 'network'))).valid).toBe(true);
    expect(
      (await verifyPresentation(autonomousBundle({ selectedMerchant: null }, 'network'))).valid,
    ).toBe(true);
  });
});

describe('11. constraints with undisclosed members (constraints §6.2)', () => {
  it('a payment.amount constraint with an _sd member (its max withheld) → CONSTRAINT_MALFORMED', async () => {
    const b = autonomousBundle(
      {
        paymentMandate: (m) => {
          const amount = constraintOf(m, PROFILE.constraint.amount);
          delete amount.max;
          amount._sd = ['x7Vqnp1fAb0v3GkBz5JmYw8cTRu2LDeHh4sKaXyQoNi'];
        },
      },
      'network',
    );
    expectRefused(await verifyPresentation(b), 'CONSTRAINT_MALFORMED', 'l2');
  });
});

describe('12. L1 type policy', () => {
  const other = 'https://credentials.example/loyalty-card';
  it('an L1 vct that is a URI but not an accepted type → L1_VCT_NOT_ACCEPTED', async () => {
    expectRefused(
      await verifyPresentation(immediateBundle({ l1Payload: (p) => void (p.vct = other) })),
      'L1_VCT_NOT_ACCEPTED',
      'l1',
    );
  });
  it('accepted when the verifier lists it (acceptedL1Vcts)', async () => {
    expect(
      (
        await verifyPresentation(immediateBundle({ l1Payload: (p) => void (p.vct = other) }), {
          acceptedL1Vcts: [other],
        })
      ).valid,
    ).toBe(true);
  });
});

describe('13. no trust and no time from the bundle by default', () => {
  const issuerKeys = () => ({ keys: [chainKeys().issuer.publicJwk] });
  it('without issuerKeys, a bundle carrying its own trust → TRUST_NOT_CONFIGURED', async () => {
    expectRefused(await verifyWithOptions(immediateBundle()), 'TRUST_NOT_CONFIGURED', 'bundle');
  });
  it("with issuerKeys, the bundle's at is not the clock: this chain (issued in 2027) is not yet valid now", async () => {
    const r = await verifyWithOptions(immediateBundle(), { issuerKeys: issuerKeys() });
    expect(r.at).not.toBe(AT);
    expect(Math.abs(r.at - Date.now() / 1000)).toBeLessThan(60);
    expectRefused(r, 'IAT_IN_FUTURE');
  });
  it("with issuerKeys and now, the bundle's merchant_jwks are not used either", async () => {
    const r = await verifyWithOptions(immediateBundle(), { issuerKeys: issuerKeys(), now: AT });
    expect(r.valid).toBe(true);
    expect(checkOf(r, 'checkout_jwt.signature').map((c) => c.status)).toEqual(['skipped']);
  });
  it('trustFromBundle opts in, for test vectors', async () => {
    const r = await verifyWithOptions(immediateBundle(), { trustFromBundle: true });
    expect(r.valid).toBe(true);
    expect(r.at).toBe(AT);
    expect(checkOf(r, 'checkout_jwt.signature').map((c) => c.status)).toEqual(['passed']);
  });
});
