/**
 * Every AP2 check (the `ap2.*` names of CHECK_NAMES) has a row that breaks
 * exactly it (issue 25, as issue 10 asks of the VI checks).
 *
 * Each row builds an AP2 chain with vintent's own AP2 issuer
 * (test/fixtures/ap2-chain.ts), changes one input, and verifies it the way a
 * network or merchant does in production: root and merchant keys, the
 * expected aud/nonce/transaction_id, the mandate state and the clock all
 * from configuration. It asserts the row's check failed with the row's code
 * and that no other check failed.
 */
import { describe, expect, it } from 'vitest';
import { type ErrorCode, isErrorCode } from '../../../src/errors.js';
import { issueAp2Receipt } from '../../../src/issue/ap2.js';
import { sha256b64u } from '../../../src/sdjwt/digest.js';
import { generateSigningKey } from '../../../src/sdjwt/keys.js';
import { type Ap2VerifyOptions, verifyAp2Presentation } from '../../../src/verify/ap2/index.js';
import { CHECK_NAMES, type CheckName } from '../../../src/verify/index.js';
import {
  type Ap2Fixture,
  type Ap2Hooks,
  AT,
  buildAp2,
  bundleOf,
  disclosedValues,
  keys,
  networkOptions,
  resign,
} from '../../fixtures/ap2-chain.js';

type Obj = Record<string, unknown>;
type Role = 'network' | 'merchant' | 'dispute';

/** Keys an attacker holds under the legitimate kids: only the signature tells them apart. */
const attacker = {
  provider: generateSigningKey('provider-1'),
  agent: generateSigningKey('agent-1'),
  merchant: generateSigningKey('merchant-1'),
};

interface Row {
  check: CheckName;
  code: ErrorCode;
  why: string;
  role?: Role;
  hooks?: Ap2Hooks;
  options?: (o: Ap2VerifyOptions, f: Ap2Fixture) => Ap2VerifyOptions;
  bundle?: (b: Obj, f: Ap2Fixture) => Obj;
  /** Checks that necessarily fail with this one. */
  cascade?: CheckName[];
}

const dropLastDisclosure = (segment: string) => segment.replace(/[^~]+~$/, '');
const paymentConstraints = (m: Obj, edit: (cs: Obj[]) => Obj[]) => ({
  ...m,
  constraints: edit(m.constraints as Obj[]),
});

const ROWS: Row[] = [
  {
    check: 'ap2.bundle',
    code: 'BUNDLE_MALFORMED',
    why: 'an unknown bundle version',
    bundle: (b) => ({ ...b, ap2_bundle: 2 }),
  },
  {
    check: 'ap2.bundle',
    code: 'AP2_MIXED_VOCABULARY',
    why: 'a bundle claiming both vocabularies',
    bundle: (b) => ({ ...b, vi_bundle: 1 }),
  },
  {
    check: 'ap2.bundle',
    code: 'BUNDLE_MALFORMED',
    why: 'a receipt entry without its jwt',
    bundle: (b) => ({ ...b, receipts: [{ kind: 'payment' }] }),
  },
  {
    check: 'ap2.role',
    code: 'AP2_CHAIN_MISSING',
    why: 'the network is not shown the payment chain',
    bundle: (b) => ({ ...b, payment_chain: undefined }),
  },
  {
    check: 'ap2.role',
    code: 'AP2_CHAIN_MISSING',
    why: 'the merchant is not shown the checkout chain',
    role: 'merchant',
    bundle: (b) => ({ ...b, checkout_chain: undefined }),
  },
  {
    check: 'ap2.chain.parse',
    code: 'AP2_CHAIN_MALFORMED',
    why: 'an empty segment between separators',
    hooks: { paymentChain: (s) => s.replace('~~', '~~~~') },
  },
  {
    check: 'ap2.chain.parse',
    code: 'AP2_CHAIN_MALFORMED',
    why: 'a key-binding JWT after the final hop',
    hooks: { paymentChain: (s) => `${s}eyJhbGciOiJFUzI1NiIsInR5cCI6ImtiK2p3dCJ9.e30.AAAA` },
  },
  {
    check: 'ap2.root.key',
    code: 'AP2_ROOT_KEY_UNKNOWN',
    why: 'a root kid no configured provider has',
    options: (o) => ({ ...o, issuerKeys: { keys: [attacker.agent.publicJwk] } as never }),
    role: 'network',
  },
  {
    check: 'ap2.root.key',
    code: 'TRUST_NOT_CONFIGURED',
    why: 'no root keys configured',
    options: (o) => ({ ...o, issuerKeys: undefined }),
  },
  {
    check: 'ap2.root.signature',
    code: 'AP2_SIGNATURE_INVALID',
    why: 'the open payment mandate signed by an attacker under the provider kid',
    hooks: { paymentRootSigner: attacker.provider },
  },
  {
    check: 'ap2.hop.header',
    code: 'AP2_HOP_TYP_INVALID',
    why: 'the closing hop typed as a plain JWT',
    hooks: {
      finalPaymentHop: (s) => resign(s, keys.agent, { header: (h) => ({ ...h, typ: 'JWT' }) }),
    },
    cascade: ['ap2.chain.terminal'],
  },
  {
    check: 'ap2.hop.header',
    code: 'ALG_NOT_ALLOWED',
    why: 'the closing hop claims another alg',
    hooks: {
      finalPaymentHop: (s) => resign(s, keys.agent, { header: (h) => ({ ...h, alg: 'ES384' }) }),
    },
  },
  {
    check: 'ap2.hop.cnf',
    code: 'AP2_HOP_CNF_INVALID',
    why: 'the open mandate delegates to a JWK carrying a private member',
    hooks: {
      openPayment: (m) => ({
        ...m,
        cnf: { jwk: { ...(m.cnf as { jwk: Obj }).jwk, d: 'AAAA' } },
      }),
    },
  },
  {
    check: 'ap2.hop.cnf',
    code: 'AP2_HOP_CNF_INVALID',
    why: 'the open mandate delegates to a point off the curve',
    hooks: {
      openPayment: (m) => ({
        ...m,
        cnf: { jwk: { ...(m.cnf as { jwk: Obj }).jwk, y: (m.cnf as { jwk: Obj }).jwk.x } },
      }),
    },
  },
  {
    check: 'ap2.hop.signature',
    code: 'AP2_SIGNATURE_INVALID',
    why: 'the closing hop signed by an attacker under the agent kid',
    hooks: { paymentHopSigner: attacker.agent },
  },
  {
    check: 'ap2.hop.binding',
    code: 'AP2_HOP_BINDING_INVALID',
    why: 'the root shown with an allow-list element withheld after sd_hash bound all of them',
    hooks: {
      paymentRootAsShown: (root) =>
        root
          .split('~')
          .filter(
            (d, i) => i === 0 || d === '' || (disclosedValues(`x~${d}~`)[0] as Obj)?.id !== 'pi-2',
          )
          .join('~'),
    },
  },
  {
    check: 'ap2.hop.binding',
    code: 'AP2_HOP_BINDING_INVALID',
    why: 'a hop carrying both sd_hash and issuer_jwt_hash',
    hooks: {
      finalPaymentHop: (s) =>
        resign(s, keys.agent, { payload: (p) => ({ ...p, issuer_jwt_hash: p.sd_hash }) }),
    },
  },
  {
    check: 'ap2.chain.expect',
    code: 'AP2_AUD_MISMATCH',
    why: 'a closing hop made for another audience',
    hooks: { paymentHop: { aud: 'https://elsewhere.example' } },
  },
  {
    check: 'ap2.chain.expect',
    code: 'AP2_NONCE_MISMATCH',
    why: 'a replayed closing hop (another nonce)',
    hooks: { paymentHop: { nonce: 'n-old' } },
  },
  {
    check: 'ap2.chain.expect',
    code: 'AP2_EXPECTATION_MISSING',
    why: 'a verifier that configured no nonce fails closed',
    options: (o) => ({
      ...o,
      expect: { ...o.expect, payment: { ...o.expect?.payment, nonce: undefined } },
    }),
  },
  {
    check: 'ap2.disclosures',
    code: 'DISCLOSURE_DUPLICATE',
    why: 'a disclosure repeated in the closing hop',
    hooks: { finalPaymentHop: (s) => `${s}${s.split('~').at(-2)}~` },
  },
  {
    check: 'ap2.delegate',
    code: 'AP2_DELEGATE_COUNT',
    why: 'the closing hop withholds its delegate item',
    hooks: { finalPaymentHop: dropLastDisclosure },
  },
  {
    check: 'ap2.time',
    code: 'AP2_EXPIRED',
    why: 'an expired closed payment mandate',
    hooks: { closedPayment: (m) => ({ ...m, exp: AT - 600 }) },
  },
  {
    check: 'ap2.time',
    code: 'AP2_NOT_YET_VALID',
    why: 'an open mandate issued in the future',
    hooks: { openPayment: (m) => ({ ...m, iat: AT + 3600 }) },
  },
  {
    check: 'ap2.time',
    code: 'AP2_MANDATE_SCHEMA',
    why: 'exp written as a string',
    hooks: { closedPayment: (m) => ({ ...m, exp: String(AT + 60) }) },
  },
  {
    check: 'ap2.chain.terminal',
    code: 'AP2_FINAL_HOP_NOT_TERMINAL',
    why: 'a closed mandate that delegates further',
    hooks: { closedPayment: (m) => ({ ...m, cnf: { jwk: keys.cpAgent.publicJwk } }) },
  },
  {
    check: 'ap2.chain.terminal',
    code: 'AP2_IAT_MISSING',
    why: 'a closing hop without iat',
    hooks: {
      finalPaymentHop: (s) => resign(s, keys.agent, { payload: ({ iat: _iat, ...rest }) => rest }),
    },
  },
  {
    check: 'ap2.mandates',
    code: 'AP2_MANDATE_VCT_INVALID',
    why: 'a checkout mandate closing a payment chain',
    hooks: { closedPayment: (m) => ({ ...m, vct: 'mandate.checkout.1' }) },
  },
  {
    check: 'ap2.mandates.schema',
    code: 'AP2_MANDATE_SCHEMA',
    why: 'an amount as a decimal string',
    hooks: {
      closedPayment: (m) => ({ ...m, payment_amount: { amount: '29.98', currency: 'EUR' } }),
    },
  },
  {
    check: 'ap2.payment.transaction_id',
    code: 'AP2_TRANSACTION_ID_MISMATCH',
    why: 'a payment for another checkout',
    hooks: { closedPayment: (m) => ({ ...m, transaction_id: sha256b64u('another checkout') }) },
  },
  {
    check: 'ap2.payment.transaction_id',
    code: 'AP2_EXPECTATION_MISSING',
    why: 'a network that knows no checkout hash fails closed',
    options: (o) => ({
      ...o,
      expect: { ...o.expect, payment: { ...o.expect?.payment, transaction_id: undefined } },
    }),
  },
  {
    check: 'ap2.constraints',
    code: 'AP2_CONSTRAINT_VIOLATED',
    why: 'an amount above the range',
    hooks: {
      closedPayment: (m) => ({ ...m, payment_amount: { amount: 9000, currency: 'EUR' } }),
    },
  },
  {
    check: 'ap2.constraints',
    code: 'AP2_CONSTRAINT_VIOLATED',
    why: 'a payee outside the allowed ones',
    hooks: {
      closedPayment: (m) => ({
        ...m,
        payee: { id: 'm-evil', name: 'Evil', website: 'https://evil.example' },
      }),
    },
  },
  {
    check: 'ap2.constraints',
    code: 'AP2_CONSTRAINT_UNRESOLVED',
    why: 'a budget with no spend state',
    options: (o) => ({ ...o, mandateContext: undefined }),
  },
  {
    check: 'ap2.constraints',
    code: 'AP2_CONSTRAINT_UNKNOWN',
    why: 'a constraint type no one defined',
    hooks: {
      openPayment: (m) =>
        paymentConstraints(m, (cs) => [...cs, { type: 'payment.surprise', x: 1 }]),
    },
  },
  {
    check: 'ap2.constraints',
    code: 'AP2_CONSTRAINT_VIOLATED',
    why: 'a cart filled with an acceptable item the agent withheld',
    role: 'merchant',
    hooks: {
      presentCheckoutRoot: (root) =>
        root
          .split('~')
          .filter(
            (d, i) => i === 0 || d === '' || (disclosedValues(`x~${d}~`)[0] as Obj)?.id !== 'SKU-1',
          )
          .join('~'),
    },
  },
  {
    check: 'ap2.presets',
    code: 'AP2_PRESET_CHANGED',
    why: 'a closed mandate paying with another instrument than the preset one',
    hooks: {
      closedPayment: (m) => ({ ...m, payment_instrument: { id: 'pi-2', type: 'sepa' } }),
    },
  },
  {
    check: 'ap2.checkout.hash',
    code: 'AP2_CHECKOUT_HASH_MISMATCH',
    why: 'a checkout_hash over other bytes than the checkout JWT',
    role: 'merchant',
    hooks: { closedCheckout: (m) => ({ ...m, checkout_hash: sha256b64u('other') }) },
  },
  {
    check: 'ap2.checkout.jwt',
    code: 'AP2_CHECKOUT_JWT_MISMATCH',
    why: 'a checkout JWT other than the one the merchant issued',
    role: 'merchant',
    options: (o) => ({
      ...o,
      expect: { ...o.expect, checkout: { ...o.expect?.checkout, checkout_jwt: 'a.b.c' } },
    }),
  },
  {
    check: 'ap2.checkout.signature',
    code: 'AP2_CHECKOUT_JWT_SIGNATURE_INVALID',
    why: 'a checkout JWT signed by an attacker under the merchant kid',
    role: 'merchant',
    hooks: { checkoutJwtSigner: attacker.merchant },
  },
  {
    check: 'ap2.checkout.signature',
    code: 'AP2_CHECKOUT_JWT_KEY_UNKNOWN',
    why: 'a checkout JWT by a merchant key not configured',
    role: 'merchant',
    options: (o) => ({ ...o, merchantKeys: { keys: [attacker.agent.publicJwk] } as never }),
  },
];

/** Options a production verifier has for the fixture: nothing from the bundle. */
function configured(f: Ap2Fixture, role: Role): Ap2VerifyOptions {
  return { ...networkOptions(f), role };
}

async function run(row: Row) {
  const role = row.role ?? 'network';
  const f = await buildAp2(row.hooks);
  const bundle = (row.bundle ?? ((b) => b))(bundleOf(f, role), f);
  const options = (row.options ?? ((o) => o))(configured(f, role), f);
  return verifyAp2Presentation(JSON.parse(JSON.stringify(bundle)), options);
}

describe('every AP2 check breaks alone', () => {
  it.each(ROWS.map((r) => [`${r.check}: ${r.why}`, r] as const))('%s', async (_, row) => {
    expect(isErrorCode(row.code)).toBe(true);
    const r = await run(row);
    expect(r.valid).toBe(false);
    const failed = [...new Set(r.checks.filter((c) => c.status === 'failed').map((c) => c.name))];
    expect(failed.sort()).toEqual([row.check, ...(row.cascade ?? [])].sort());
    expect(r.errors.map((e) => e.code)).toContain(row.code);
    expect(r.ap2_error).toBeTypeOf('string');
  });

  it('has a row for every ap2.* check name', () => {
    const covered = new Set<string>(ROWS.map((r) => r.check));
    covered.add('ap2.receipts'); // the receipt rows below
    const missing = CHECK_NAMES.filter((n) => n.startsWith('ap2.') && !covered.has(n));
    expect(missing).toEqual([]);
  });
});

describe('valid AP2 chains', () => {
  for (const role of ['network', 'merchant', 'dispute'] as const)
    for (const threeHop of [false, true])
      it(`${threeHop ? 3 : 2}-hop payment chain, ${role}`, async () => {
        const f = await buildAp2({ threeHop });
        const r = await verifyAp2Presentation(bundleOf(f, role), configured(f, role));
        expect(r.errors).toEqual([]);
        expect(r.valid).toBe(true);
        expect(r.ap2_error).toBeNull();
        if (role !== 'merchant') {
          expect(r.chains.payment?.segments).toBe(threeHop ? 3 : 2);
          expect(r.chains.payment?.root_id).toMatch(/^[A-Za-z0-9_-]{43}$/);
          expect(r.chains.payment?.transaction_id).toBe(sha256b64u(f.checkoutJwt));
        }
        if (role !== 'network')
          expect(r.chains.checkout?.checkout_hash).toBe(sha256b64u(f.checkoutJwt));
      });

  it('issuer_jwt_hash lets the agent withhold disclosures of the previous segment', async () => {
    const f = await buildAp2({
      paymentHop: { binding: 'issuer_jwt_hash' },
      paymentRootAsShown: (root) =>
        root
          .split('~')
          .filter(
            (d, i) => i === 0 || d === '' || (disclosedValues(`x~${d}~`)[0] as Obj)?.id !== 'pi-2',
          )
          .join('~'),
    });
    const r = await verifyAp2Presentation(bundleOf(f, 'network'), configured(f, 'network'));
    expect(r.errors).toEqual([]);
    expect(r.valid).toBe(true);
  });

  it('a cart filled from the revealed acceptable items passes when the rest is withheld', async () => {
    const f = await buildAp2({
      presentCheckoutRoot: (root) =>
        root
          .split('~')
          .filter(
            (d, i) => i === 0 || d === '' || (disclosedValues(`x~${d}~`)[0] as Obj)?.id !== 'SKU-9',
          )
          .join('~'),
    });
    const r = await verifyAp2Presentation(bundleOf(f, 'merchant'), configured(f, 'merchant'));
    expect(r.errors).toEqual([]);
  });

  it('ignores trust, at, expect and inputs in the bundle unless asked to (test vectors only)', async () => {
    const f = await buildAp2();
    const bundle = {
      ...bundleOf(f, 'network'),
      trust: f.trust,
      at: AT,
      expect: { payment: { aud: 'https://network.example/ap2', nonce: 'n-network-1' } },
    };
    const r = await verifyAp2Presentation(bundle, { now: AT });
    expect(r.valid).toBe(false);
    expect(r.errors.map((e) => e.code)).toContain('TRUST_NOT_CONFIGURED');
  });
});

describe('ap2.receipts', () => {
  async function withReceipt(
    make: (f: Ap2Fixture) => Promise<string>,
    kind: 'checkout' | 'payment',
  ) {
    const f = await buildAp2();
    const jwt = await make(f);
    const bundle = { ...bundleOf(f, 'dispute'), receipts: [{ kind, jwt }] };
    return verifyAp2Presentation(bundle, {
      ...configured(f, 'dispute'),
      receiptKeys: { keys: [keys.cpAgent.publicJwk] } as never,
    });
  }
  const checkoutReceipt = (
    f: Ap2Fixture,
    over: Partial<Parameters<typeof issueAp2Receipt>[0]> = {},
  ) =>
    issueAp2Receipt({
      signer: keys.merchant,
      kind: 'checkout',
      closedSegment: f.closedCheckoutSegment,
      iss: 'https://shop.example',
      body: { status: 'Success', order_id: 'o-1' },
      iat: AT,
      ...over,
    });

  it('accepts a checkout and a payment receipt naming the closed mandates', async () => {
    const f = await buildAp2();
    const receipts = [
      { kind: 'checkout', jwt: await checkoutReceipt(f) },
      {
        kind: 'payment',
        jwt: await issueAp2Receipt({
          signer: keys.cpAgent,
          kind: 'payment',
          closedSegment: f.closedPaymentSegment,
          iss: 'https://psp.example',
          payment_id: 'p-1',
          body: { status: 'Success', psp_confirmation_id: 'c-1', network_confirmation_id: 'n-1' },
          iat: AT,
        }),
      },
    ];
    const r = await verifyAp2Presentation(
      { ...bundleOf(f, 'dispute'), receipts },
      { ...configured(f, 'dispute'), receiptKeys: { keys: [keys.cpAgent.publicJwk] } as never },
    );
    expect(r.errors).toEqual([]);
    expect(r.receipts).toEqual([
      { kind: 'checkout', valid: true },
      { kind: 'payment', valid: true },
    ]);
  });

  it('AP2_RECEIPT_REFERENCE_UNKNOWN: a receipt for another mandate', async () => {
    const r = await withReceipt(
      (f) => checkoutReceipt(f, { closedSegment: `${f.closedCheckoutSegment}x~` }),
      'checkout',
    );
    expect(r.checks.filter((c) => c.status === 'failed').map((c) => c.name)).toEqual([
      'ap2.receipts',
    ]);
    expect(r.errors.map((e) => e.code)).toEqual(['AP2_RECEIPT_REFERENCE_UNKNOWN']);
  });

  it('AP2_RECEIPT_INVALID: a receipt signed by an attacker under the merchant kid', async () => {
    const r = await withReceipt(
      (f) => checkoutReceipt(f, { signer: attacker.merchant }),
      'checkout',
    );
    expect(r.checks.filter((c) => c.status === 'failed').map((c) => c.name)).toEqual([
      'ap2.receipts',
    ]);
    expect(r.errors.map((e) => e.code)).toEqual(['AP2_RECEIPT_INVALID']);
  });
});
