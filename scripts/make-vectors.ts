/**
 * Writes vintent's own test vectors (vectors/) in the bundle format:
 * valid views of every flow from the real issuers and presenters, and
 * tampered chains that each break one check, all from the fixed keys in
 * test/fixtures/vector-keys.json (test keys, never use them for anything else).
 *
 *   npm run vectors            # regenerate vectors/
 *   npx tsx scripts/make-vectors.ts OUT_DIR
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Actors, autonomousFlow, immediateFlow } from '../src/cli/scenarios.js';
import type { ErrorCode } from '../src/errors.js';
import { PROFILE, VI_2026_02, VI_2026_04, type WireProfile } from '../src/profiles/profile.js';
import { makeArrayDisclosure } from '../src/sdjwt/build.js';
import { sha256b64u } from '../src/sdjwt/digest.js';
import {
  exportPrivateJwk,
  generateSigningKey,
  type SigningKey,
  signingKeyFromJwk,
} from '../src/sdjwt/keys.js';
import {
  AT,
  autonomousBundle,
  constraintOf,
  type Hooks,
  immediateBundle,
  onlyFirstAllowedMerchant,
  type Role,
  useChainKeys,
} from '../test/fixtures/raw-chain.js';

const here = dirname(fileURLToPath(import.meta.url));
const KEYS_FILE = resolve(here, '../test/fixtures/vector-keys.json');
const NAMES = ['issuer', 'user', 'agent', 'merchant1', 'merchant2'] as const;
const KIDS = {
  issuer: 'issuer-key-2026',
  user: 'user-device-key-1',
  agent: 'agent-key-1',
  merchant1: 'merchant-key-1',
  merchant2: 'merchant-key-2',
};
type KeyName = (typeof NAMES)[number];

/**
 * vectors/keys/: the public issuer and merchant keys of the vectors, so a
 * package user can check them with configured keys (`--trust`,
 * `--merchant-keys`) instead of each bundle's own trust.
 */
function writeVectorJwks(outDir: string, k: Record<KeyName, SigningKey>): void {
  mkdirSync(join(outDir, 'keys'), { recursive: true });
  const jwks = (keys: SigningKey[]) =>
    `${JSON.stringify({ keys: keys.map((x) => x.publicJwk) }, null, 2)}\n`;
  writeFileSync(join(outDir, 'keys', 'issuer.jwks'), jwks([k.issuer]));
  writeFileSync(join(outDir, 'keys', 'merchant.jwks'), jwks([k.merchant1, k.merchant2]));
}

function loadKeys(): Record<KeyName, SigningKey> {
  if (!existsSync(KEYS_FILE)) {
    const fresh = Object.fromEntries(
      NAMES.map((n) => [n, exportPrivateJwk(generateSigningKey(KIDS[n]))]),
    );
    writeFileSync(
      KEYS_FILE,
      `${JSON.stringify({ note: 'TEST KEYS for vectors/ only. Never use them elsewhere.', keys: fresh }, null, 2)}\n`,
    );
  }
  const file = JSON.parse(readFileSync(KEYS_FILE, 'utf8')) as {
    keys: Record<KeyName, Record<string, unknown>>;
  };
  return Object.fromEntries(
    NAMES.map((n) => [n, signingKeyFromJwk(file.keys[n], KIDS[n])]),
  ) as Record<KeyName, SigningKey>;
}

type P = Record<string, unknown>;
const rogue = { id: 'm-rogue', name: 'Rogue Rackets', website: 'https://rogue.example' };

/** Each tamper breaks one check; `code` is the error a conformant verifier reports. */
const TAMPERS: {
  name: string;
  mode: 'immediate' | 'autonomous';
  role: Role;
  hooks: Hooks;
  code: ErrorCode;
  why: string;
}[] = [
  {
    name: 'l1-alg-none',
    mode: 'immediate',
    role: 'dispute',
    hooks: { l1Header: (h) => (h.alg = 'none') },
    code: 'ALG_NOT_ALLOWED',
    why: 'L1 alg must be ES256',
  },
  {
    name: 'l1-expired',
    mode: 'immediate',
    role: 'dispute',
    hooks: { l1Payload: (p) => (p.exp = AT - 1000) },
    code: 'EXPIRED',
    why: 'L1 expired beyond skew',
  },
  {
    name: 'l1-cnf-with-private-key',
    mode: 'immediate',
    role: 'network',
    hooks: { l1Payload: (p) => ((p.cnf as { jwk: P }).jwk.d = 'AAAA') },
    code: 'L1_CNF_INVALID',
    why: 'cnf.jwk must be a public key',
  },
  {
    name: 'l2-sd-hash-mismatch',
    mode: 'immediate',
    role: 'merchant',
    hooks: { l2Payload: (p) => (p.sd_hash = 'AAAA') },
    code: 'L2_SD_HASH_MISMATCH',
    why: 'L2 sd_hash must hash the L1 as presented',
  },
  {
    name: 'l2-wrong-typ-for-mode',
    mode: 'immediate',
    role: 'dispute',
    hooks: { l2Header: (h) => (h.typ = PROFILE.typ.l2Autonomous) },
    code: 'TYP_MISMATCH',
    why: 'Immediate L2 typ is kb-sd-jwt',
  },
  {
    name: 'mandate-with-cnf',
    mode: 'immediate',
    role: 'dispute',
    hooks: { paymentMandate: (m) => (m.cnf = { kid: 'x' }) },
    code: 'MANDATE_CNF_FORBIDDEN',
    why: 'Immediate mandates carry no cnf',
  },
  {
    name: 'orphan-payment',
    mode: 'immediate',
    role: 'dispute',
    hooks: { paymentMandate: (m) => (m.transaction_id = 'AAAA') },
    code: 'MANDATE_ORPHAN',
    why: 'transaction_id matches no checkout',
  },
  {
    name: 'injected-disclosure',
    mode: 'immediate',
    role: 'dispute',
    hooks: {
      l2Extra: ['WyJzYWx0LXNhbHQtc2FsdCIseyJ2Y3QiOiJtYW5kYXRlLnBheW1lbnQiLCJhbW91bnQiOjF9XQ'],
    },
    code: 'DISCLOSURE_UNREFERENCED',
    why: 'RFC 9901 7.1: unreferenced disclosure',
  },
  {
    name: 'mixed-open-and-final-mandates',
    mode: 'autonomous',
    role: 'dispute',
    hooks: { paymentMandate: (m) => (m.vct = PROFILE.vct.payment) },
    code: 'L2_MODE_MIXED',
    why: 'open and final VCTs in one L2',
  },
  {
    name: 'open-mandate-unknown-constraint',
    mode: 'autonomous',
    role: 'network',
    hooks: { paymentMandate: (m) => (m.constraints as P[]).push({ type: 'payment.loyalty_tier' }) },
    code: 'CONSTRAINT_UNKNOWN_TYPE',
    why: 'unknown constraint types fail closed in open mandates',
  },
  {
    name: 'pair-cnf-mismatch',
    mode: 'autonomous',
    role: 'dispute',
    hooks: { paymentMandate: (m) => ((m.cnf as P).kid = 'agent-key-2') },
    code: 'MANDATE_CNF_PAIR_MISMATCH',
    why: 'a pair binds one agent key',
  },
  {
    name: 'l3a-header-jwk',
    mode: 'autonomous',
    role: 'network',
    hooks: { l3aHeader: (h) => (h.jwk = { kty: 'EC' }) },
    code: 'L3_HEADER_JWK_FORBIDDEN',
    why: 'L3 headers must not carry jwk',
  },
  {
    name: 'l3a-kid-mismatch',
    mode: 'autonomous',
    role: 'network',
    hooks: { l3aHeader: (h) => (h.kid = 'agent-key-9') },
    code: 'L3_KID_MISMATCH',
    why: 'L3 kid must be the L2 cnf.kid',
  },
  {
    name: 'l3a-sd-hash-over-full-l2',
    mode: 'autonomous',
    role: 'network',
    hooks: { l3aPayload: (p) => (p.sd_hash = 'AAAA') },
    code: 'L3_SD_HASH_MISMATCH',
    why: 'L3a sd_hash must hash the network L2 view',
  },
  {
    name: 'l3a-payload-cnf',
    mode: 'autonomous',
    role: 'network',
    hooks: { l3aPayload: (p) => (p.cnf = {}) },
    code: 'L3_CNF_FORBIDDEN',
    why: 'terminal delegation',
  },
  {
    name: 'l3a-lifetime-over-1h',
    mode: 'autonomous',
    role: 'network',
    hooks: { l3aPayload: (p) => (p.exp = (p.iat as number) + 3601) },
    code: 'L3_LIFETIME_EXCEEDED',
    why: 'L3 lifetime at most 1 hour',
  },
  {
    name: 'l3b-nonce-mismatch',
    mode: 'autonomous',
    role: 'merchant',
    hooks: { l3bPayload: (p) => (p.nonce = 'stale') },
    code: 'NONCE_MISMATCH',
    why: 'L3b nonce is not the expected one',
  },
  {
    name: 'l3-cross-reference',
    mode: 'autonomous',
    role: 'dispute',
    hooks: { l3aMandate: (m) => (m.transaction_id = 'AAAA') },
    code: 'L3_CROSS_REFERENCE_MISMATCH',
    why: 'L3a transaction_id must equal L3b checkout_hash',
  },
  {
    name: 'amount-above-max',
    mode: 'autonomous',
    role: 'network',
    hooks: { l3aMandate: (m) => ((m.payment_amount as P).amount = 50001) },
    code: 'CONSTRAINT_AMOUNT_ABOVE_MAX',
    why: 'payment.amount max',
  },
  {
    name: 'payee-not-allowed',
    mode: 'autonomous',
    role: 'network',
    hooks: { l3aMandate: (m) => (m.payee = rogue) },
    code: 'CONSTRAINT_PAYEE_NOT_ALLOWED',
    why: 'payment.allowed_payee',
  },
  {
    name: 'merchant-not-allowed',
    mode: 'autonomous',
    role: 'merchant',
    hooks: { checkoutViewMerchants: true, checkoutJwtPayload: (p) => (p.merchant = rogue) },
    code: 'CONSTRAINT_MERCHANT_NOT_ALLOWED',
    why: 'mandate.checkout.allowed_merchant',
  },
  {
    name: 'item-not-acceptable',
    mode: 'autonomous',
    role: 'merchant',
    hooks: { cart: [{ id: 'SKU-9', title: 'Other', quantity: 1, unit_price: 2000 }] },
    code: 'CONSTRAINT_LINE_ITEM_NOT_ACCEPTABLE',
    why: 'mandate.checkout.line_items',
  },
  {
    name: 'quantity-over-limit',
    mode: 'autonomous',
    role: 'merchant',
    hooks: { cart: [{ id: 'SKU-1', title: 'Pro Racket', quantity: 3, unit_price: 2000 }] },
    code: 'CONSTRAINT_QUANTITY_EXCEEDED',
    why: 'line item quantity',
  },
  // Fail-closed classes (spec/security-matrix.md § Fail-closed verification).
  {
    name: 'l3a-view-withholds-payees',
    mode: 'autonomous',
    role: 'network',
    hooks: {
      selectedMerchant: null,
      paymentViewMerchants: [],
      l3aMandate: (m) => (m.payee = rogue),
    },
    code: 'L3_VIEW_INCOMPLETE',
    why: 'what an L3a is judged by must be in the view it binds',
  },
  {
    name: 'l3b-view-withholds-items',
    mode: 'autonomous',
    role: 'merchant',
    hooks: { checkoutViewItems: [] },
    code: 'CONSTRAINT_UNVERIFIABLE',
    why: 'an allowlist the bound view must carry, all withheld',
  },
  {
    name: 'l3a-foreign-instrument',
    mode: 'autonomous',
    role: 'network',
    hooks: {
      l3aMandate: (m) =>
        (m.payment_instrument = { type: 'mastercard.srcDigitalCard', id: 'tok-stolen' }),
    },
    code: 'PAYMENT_INSTRUMENT_MISMATCH',
    why: 'L3a pays with the delegated instrument only',
  },
  {
    name: 'l1-card-id-not-instrument',
    mode: 'immediate',
    role: 'network',
    hooks: { l1Payload: (p) => (p.card_id = 'card-other') },
    code: 'PAYMENT_INSTRUMENT_MISMATCH',
    why: 'payment_instrument.id is the L1 card_id',
  },
  {
    name: 'l3a-amount-not-cart-total',
    mode: 'autonomous',
    role: 'dispute',
    hooks: { l3aMandate: (m) => ((m.payment_amount as P).amount = 1000) },
    code: 'PAYMENT_CART_MISMATCH',
    why: 'L3a pays the merchant-signed cart total',
  },
  {
    name: 'l3a-no-payment-amount',
    mode: 'autonomous',
    role: 'network',
    hooks: {
      l3aMandate: (m) => {
        delete m.payment_amount;
        m.amount = 27999;
        m.currency = 'USD';
      },
    },
    code: 'MANDATE_MALFORMED',
    why: 'payment_amount is REQUIRED',
  },
  {
    name: 'l3a-amount-fraction-literal',
    mode: 'autonomous',
    role: 'network',
    hooks: {
      jsonText: (site, t) =>
        site === 'l3a.payment' ? t.replace('"amount":27999', '"amount":27999.0') : t,
    },
    code: 'CONSTRAINT_AMOUNT_INVALID',
    why: 'amounts are integer literals',
  },
  {
    name: 'l3a-inline-delegate-payload',
    mode: 'autonomous',
    role: 'network',
    hooks: {
      l3aPayload: (p) =>
        (p.delegate_payload as unknown[]).push({ vct: 'mandate.payment', payee: rogue }),
    },
    code: 'CLAIM_MALFORMED',
    why: 'L3 delegate_payload holds references only',
  },
  {
    name: 'l3a-duplicate-member',
    mode: 'autonomous',
    role: 'network',
    hooks: {
      jsonText: (site, t) =>
        site === 'l3a.payload' ? t.replace('"aud":', '"aud":"https://other.example","aud":') : t,
    },
    code: 'JSON_DUPLICATE_MEMBER',
    why: 'a member named twice',
  },
  {
    name: 'l3a-crit',
    mode: 'autonomous',
    role: 'network',
    hooks: { l3aHeader: (h) => (h.crit = ['exp']) },
    code: 'CRIT_UNSUPPORTED',
    why: 'crit names an extension not implemented',
  },
  {
    name: 'l3b-nonce-is-l2-nonce',
    mode: 'autonomous',
    role: 'merchant',
    hooks: { l3bPayload: (p) => (p.nonce = 'nonce-l2') },
    code: 'L3_NONCE_REUSED',
    why: 'an L3 nonce differs from the L2 nonce',
  },
  {
    name: 'l1-lifetime-over-1y',
    mode: 'immediate',
    role: 'dispute',
    hooks: { l1Payload: (p) => (p.exp = (p.iat as number) + 400 * 86400) },
    code: 'L1_LIFETIME_EXCEEDED',
    why: 'L1 lifetime at most 1 year',
  },
  {
    name: 'l2-lifetime-over-15min',
    mode: 'immediate',
    role: 'dispute',
    hooks: { l2Payload: (p) => (p.exp = (p.iat as number) + 3600) },
    code: 'L2_LIFETIME_EXCEEDED',
    why: 'Immediate L2 lifetime at most 15 minutes',
  },
  {
    name: 'checkout-jwt-expired',
    mode: 'immediate',
    role: 'dispute',
    hooks: { checkoutJwtPayload: (p) => (p.exp = AT - 1000) },
    code: 'EXPIRED',
    why: 'checkout_jwt expired beyond skew',
  },
  {
    name: 'l3a-payee-id-not-string',
    mode: 'autonomous',
    role: 'network',
    hooks: {
      selectedMerchant: null,
      l3aMandate: (m) =>
        (m.payee = { id: 1, name: 'Racket House', website: 'https://racket.example' }),
    },
    code: 'MANDATE_MALFORMED',
    why: 'identifiers are strings',
  },
  {
    name: 'l3a-selected-merchant-not-allowed',
    mode: 'autonomous',
    role: 'network',
    hooks: { selectedMerchant: rogue },
    code: 'SELECTED_MERCHANT_NOT_ALLOWED',
    why: 'selected_merchant is an allowed merchant',
  },
  {
    name: 'constraint-member-withheld',
    mode: 'autonomous',
    role: 'network',
    hooks: {
      paymentMandate: (m) =>
        ((m.constraints as P[])[0]!._sd = ['x7Vqnp1fAb0v3GkBz5JmYw8cTRu2LDeHh4sKaXyQoNi']),
    },
    code: 'CONSTRAINT_MALFORMED',
    why: 'constraints are disclosed as a unit',
  },
  {
    name: 'l1-vct-not-accepted',
    mode: 'immediate',
    role: 'dispute',
    hooks: { l1Payload: (p) => (p.vct = 'https://credentials.example/loyalty') },
    code: 'L1_VCT_NOT_ACCEPTED',
    why: 'L1 type policy',
  },
];

type Obj = Record<string, unknown>;
/** An RFC 9901 §4.2.5 decoy: a digest no disclosure has. */
const DECOY = { '...': sha256b64u('vintent decoy') };

/**
 * Hostile input round 3 (issue 22): one vector per verifier-level class, in
 * both profiles (written as `<mode>-<name>` for February and
 * `vi-2026-04-<mode>-<name>` for April). `as` judges the bundle for another
 * role than the view it carries. `code: undefined` is a valid vector.
 */
const ROUND3: {
  name: string;
  mode: 'immediate' | 'autonomous';
  role: Role;
  as?: Role;
  profiles?: readonly string[];
  hooks: (p: WireProfile) => Hooks;
  code: ErrorCode | undefined;
  why: string;
}[] = [
  {
    name: 'l2-not-yet-valid',
    mode: 'autonomous',
    role: 'network',
    hooks: () => ({ l2Payload: (p) => (p.nbf = AT + 86400) }),
    code: 'NOT_YET_VALID',
    why: 'a mandate that starts tomorrow is not spendable today',
  },
  {
    name: 'l3a-aud-array',
    mode: 'autonomous',
    role: 'network',
    hooks: () => ({ l3aPayload: (p) => (p.aud = [p.aud, 'https://other-network.example']) }),
    code: 'CLAIM_MALFORMED',
    why: 'aud is one string',
  },
  {
    name: 'l3a-sd-alg-missing',
    mode: 'autonomous',
    role: 'network',
    hooks: () => ({ l3aPayload: (p) => delete p._sd_alg }),
    code: 'L3_CLAIM_MISSING',
    why: '_sd_alg is required in L3',
  },
  {
    name: 'l1-iss-not-uri',
    mode: 'immediate',
    role: 'dispute',
    hooks: () => ({ l1Payload: (p) => (p.iss = 'Example Bank') }),
    code: 'CLAIM_MALFORMED',
    why: 'iss is a URI',
  },
  {
    name: 'selected-merchant-is-only-a-payee',
    mode: 'autonomous',
    role: 'dispute',
    hooks: (pr) => ({
      selectedMerchant: { id: 'm-2', name: 'String Shop', website: 'https://strings.example' },
      paymentViewMerchants: [0, 1],
      checkoutMandate: onlyFirstAllowedMerchant(pr),
    }),
    code: 'SELECTED_MERCHANT_NOT_ALLOWED',
    why: 'selected_merchant comes from the allowed merchants, not the allowed payees',
  },
  {
    name: 'bound-view-entry-malformed',
    mode: 'autonomous',
    role: 'dispute',
    hooks: (pr) => {
      const odd = makeArrayDisclosure({ id: 7, title: 'Odd' });
      return {
        checkoutViewExtra: [odd.encoded],
        checkoutMandate: (m) =>
          (
            (constraintOf(m, pr.constraint.lineItems).items as Obj[])[0]!
              .acceptable_items as unknown[]
          ).push({ '...': odd.digest }),
      };
    },
    code: 'CONSTRAINT_MALFORMED',
    why: 'allowlist entry shapes are checked in the view each L3 is judged by',
  },
  {
    name: 'amount-max-exponent',
    mode: 'autonomous',
    role: 'network',
    hooks: () => ({
      jsonText: (site, t) => (site === 'l2.payment' ? t.replace('"max":50000', '"max":5.0e4') : t),
    }),
    code: 'CONSTRAINT_MALFORMED',
    why: 'user-signed amounts are integer literals',
  },
  {
    name: 'currency-not-iso-4217',
    mode: 'autonomous',
    role: 'network',
    hooks: (pr) => ({
      paymentMandate: (m) => (constraintOf(m, pr.constraint.amount).currency = 'ZZZ'),
    }),
    code: 'CONSTRAINT_MALFORMED',
    why: 'ZZZ is no ISO 4217 currency',
  },
  {
    name: 'cart-total-unreadable',
    mode: 'autonomous',
    role: 'dispute',
    hooks: () => ({ checkoutJwtPayload: (p) => delete (p.cart as Obj).total }),
    code: 'CART_TOTAL_UNREADABLE',
    why: 'a dispute never skips the cart total',
  },
  {
    name: 'network-view-judged-as-merchant',
    mode: 'autonomous',
    role: 'network',
    as: 'merchant',
    hooks: () => ({}),
    code: 'ROLE_VIEW_INCOMPLETE',
    why: 'a merchant must be shown the checkout mandate and its L3b',
  },
  {
    name: 'merchant-view-judged-as-network',
    mode: 'immediate',
    role: 'merchant',
    as: 'network',
    hooks: () => ({}),
    code: 'ROLE_VIEW_INCOMPLETE',
    why: 'a network must be shown the payment mandate',
  },
  {
    name: 'l3a-mandate-beside-delegate-payload',
    mode: 'autonomous',
    role: 'network',
    hooks: (pr) => ({
      l3aPayload: (p) =>
        (p.mandate = { vct: pr.vct.payment, payment_amount: { currency: 'USD', amount: 1 } }),
    }),
    code: 'L3_MANDATE_MISPLACED',
    why: 'a mandate is read from delegate_payload only',
  },
  {
    name: 'l3a-risk-data',
    mode: 'autonomous',
    role: 'network',
    profiles: ['vi-2026-04'],
    hooks: () => ({ l3aPayload: (p) => (p.risk_data = { device_id: 'dev-1' }) }),
    code: 'RISK_DATA_FORBIDDEN',
    why: 'risk_data belongs on the L2 open payment mandate only',
  },
  {
    name: 'l3a-with-decoys',
    mode: 'autonomous',
    role: 'network',
    hooks: () => ({ l3aPayload: (p) => (p.delegate_payload as unknown[]).push(DECOY) }),
    code: undefined,
    why: 'RFC 9901 decoys are ignored',
  },
  {
    name: 'l1-leap-year-lifetime',
    mode: 'immediate',
    role: 'dispute',
    hooks: () => ({ l1Payload: (p) => (p.exp = (p.iat as number) + 366 * 86400) }),
    code: undefined,
    why: 'one year is a calendar year',
  },
  {
    name: 'payee-marketplace',
    mode: 'autonomous',
    role: 'network',
    hooks: (pr) => {
      const psp = { id: 'psp-1', name: 'Pay Co', website: 'https://pay.example' };
      return {
        paymentMandate: (m) =>
          (
            constraintOf(m, pr.constraint.allowedPayee)[pr.allowlistField.allowedPayee] as unknown[]
          ).push(psp),
        l3aMandate: (m) => (m.payee = psp),
      };
    },
    code: undefined,
    why: 'a payee the user allowed need not be the selected merchant',
  },
];

function round3Vectors(outDir: string): { valid: number; tampered: number } {
  const n = { valid: 0, tampered: 0 };
  for (const t of ROUND3) {
    for (const profile of [VI_2026_02, VI_2026_04]) {
      if (t.profiles && !t.profiles.includes(profile.name)) continue;
      const hooks = { ...t.hooks(profile), profile };
      const built =
        t.mode === 'immediate' ? immediateBundle(hooks, t.role) : autonomousBundle(hooks, t.role);
      const role = t.as ?? t.role;
      const prefix = profile === VI_2026_02 ? '' : `${profile.name}-`;
      const dir = t.code === undefined ? 'valid' : 'tampered';
      const verdict =
        t.code === undefined
          ? { valid: true, why: t.why }
          : { valid: false, why: t.why, code: t.code };
      const out = {
        ...built,
        role,
        name: `${prefix}${t.mode}/${role}/${dir === 'valid' ? 'valid' : 'tamper'}/${t.name}`,
        verdict,
      };
      writeFileSync(
        join(outDir, dir, `${prefix}${t.mode}-${t.name}.json`),
        `${JSON.stringify(out, null, 2)}\n`,
      );
      n[dir === 'valid' ? 'valid' : 'tampered']++;
    }
  }
  return n;
}

type Bundle = Record<string, any>;

/**
 * Tampers applied to a valid bundle as presented, without re-signing: what an
 * agent or a man in the middle can do to any profile's chain. Each names the
 * valid view it starts from and the code a conformant verifier reports.
 */
const BUNDLE_TAMPERS: {
  name: string;
  from: string;
  apply: (b: Bundle) => void;
  code: ErrorCode;
  why: string;
}[] = [
  {
    name: 'l2-aud-unexpected',
    from: 'immediate-merchant',
    apply: (b) => (b.expect = { ...b.expect, l2: { aud: 'https://attacker.example' } }),
    code: 'AUD_MISMATCH',
    why: 'L2 aud is not the expected audience',
  },
  {
    name: 'l3a-nonce-unexpected',
    from: 'autonomous-network',
    apply: (b) => (b.expect = { ...b.expect, l3a: { nonce: 'stale-nonce' } }),
    code: 'NONCE_MISMATCH',
    why: 'L3a nonce is not the expected one',
  },
  {
    name: 'l3-verified-after-expiry',
    from: 'autonomous-network',
    apply: (b) => (b.at += 7200),
    code: 'EXPIRED',
    why: 'L3a judged two hours after issuance',
  },
  {
    name: 'issuer-key-not-trusted',
    from: 'immediate-dispute',
    apply: (b) => (b.trust = { ...b.trust, issuer_jwks: { keys: [] } }),
    code: 'L1_ISSUER_KEY_UNKNOWN',
    why: 'no trusted key for the L1 kid',
  },
  {
    name: 'l1-signature-broken',
    from: 'immediate-network',
    apply: (b) => (b.l1 = flipSignature(b.l1)),
    code: 'L1_SIGNATURE_INVALID',
    why: 'L1 signature bytes altered',
  },
  {
    name: 'l3a-view-is-checkout-view',
    from: 'autonomous-dispute',
    apply: (b) => (b.l3[0].payment_l2 = b.l3[0].checkout_l2),
    code: 'L3_PAIR_UNBOUND',
    why: 'L3a presented with the merchant view of L2',
  },
  {
    name: 'l2-disclosure-injected',
    from: 'autonomous-merchant',
    apply: (b) =>
      (b.l2 = `${b.l2}${Buffer.from(JSON.stringify(['c2FsdHNhbHRzYWx0c2FsdA', { id: 'm-rogue' }])).toString('base64url')}~`),
    code: 'DISCLOSURE_UNREFERENCED',
    why: 'a disclosure no digest references',
  },
  {
    name: 'l3a-payment-disclosure-edited',
    from: 'autonomous-network',
    apply: (b) => (b.l3[0].payment = editLastDisclosure(b.l3[0].payment)),
    code: 'DISCLOSURE_UNREFERENCED',
    why: 'the L3a payment mandate disclosure altered after signing',
  },
];

/** Flip one bit in a compact JWS signature (the first character of the third segment). */
function flipSignature(serialized: string): string {
  const [jwt, ...rest] = serialized.split('~');
  const [h, p, sig] = jwt!.split('.');
  const c = sig![0] === 'A' ? 'B' : 'A';
  return [`${h}.${p}.${c}${sig!.slice(1)}`, ...rest].join('~');
}

/** Raise the amount inside the last disclosure of an SD-JWT (a re-encoded disclosure with a new digest). */
function editLastDisclosure(serialized: string): string {
  const parts = serialized.split('~');
  const i = parts.length - 2;
  const arr = JSON.parse(Buffer.from(parts[i]!, 'base64url').toString('utf8'));
  const v = arr[arr.length - 1];
  if (v.payment_amount) v.payment_amount.amount += 1;
  else v.tampered = true;
  parts[i] = Buffer.from(JSON.stringify(arr)).toString('base64url');
  return parts.join('~');
}

/** Valid views of every flow in one profile, and the bundle-level tampers of those views. */
async function profileVectors(
  outDir: string,
  actors: Actors,
  profile: string,
): Promise<{ valid: number; tampered: number }> {
  const views = new Map<string, Bundle>();
  for (const flow of [
    await immediateFlow(actors, AT, profile),
    await autonomousFlow(actors, AT, 1, profile),
    await autonomousFlow(actors, AT, 2, profile),
  ]) {
    for (const [role, bundle] of Object.entries(flow.bundles)) {
      const name = `${flow.name}-${role}`;
      views.set(name, bundle as Bundle);
      writeFileSync(
        join(outDir, 'valid', `${profile}-${name}.json`),
        `${JSON.stringify({ ...bundle, profile, verdict: { valid: true, why: 'ok' } }, null, 2)}
`,
      );
    }
  }
  for (const t of BUNDLE_TAMPERS) {
    const b = structuredClone(views.get(t.from)!);
    t.apply(b);
    const out = {
      ...b,
      name: `${profile}/${t.from}/tamper/${t.name}`,
      profile,
      verdict: { valid: false, why: t.why, code: t.code },
    };
    writeFileSync(
      join(outDir, 'tampered', `${profile}-${t.name}.json`),
      `${JSON.stringify(out, null, 2)}
`,
    );
  }
  return { valid: views.size, tampered: BUNDLE_TAMPERS.length };
}

/**
 * Class 13 (no trust and no time from the bundle by default) as vectors. A
 * vector's `trust` and `at` are, by the bundle format, the verifier's own
 * configuration, so a bundle that vouches for itself is valid as a vector and
 * stays in valid/ with that verdict (`vintent verify vectors/` matches it).
 * What makes it an attack is said in `configured`, a field verifiers ignore
 * (BUNDLE.md: fields beyond the table describe how a vector was made): the
 * trust and time of every other vector, and the verdict a verifier configured
 * with them must reach.
 */
function configuredTrustVectors(outDir: string, k: Record<KeyName, SigningKey>): number {
  const configured = (code: ErrorCode, why: string) => ({
    issuer_jwks: { keys: [k.issuer.publicJwk] },
    merchant_jwks: { keys: [k.merchant1.publicJwk] },
    now: AT,
    verdict: { valid: false, code, why },
  });
  // The attacker's own issuer key, under the genuine issuer's kid, is the one the bundle's trust lists.
  const forger = generateSigningKey(KIDS.issuer);
  const selfVouching = immediateBundle({ l1SignWith: forger }, 'dispute');
  selfVouching.trust = { ...selfVouching.trust, issuer_jwks: { keys: [forger.publicJwk as P] } };
  // A genuine chain whose Immediate L2 expired before the verifier's time; the bundle's `at` is from when it was fresh.
  const selfTimed = immediateBundle(
    {
      l2Payload: (p) => {
        p.iat = AT - 2000;
        p.exp = AT - 1100;
      },
      checkoutJwtPayload: (p) => (p.iat = AT - 2500),
    },
    'dispute',
  );
  selfTimed.at = AT - 1500;
  const vectors: [string, Bundle, string, ReturnType<typeof configured>][] = [
    [
      'immediate-self-vouching-issuer',
      selfVouching,
      "the L1 is signed by the presenter's own key, which the bundle's trust lists under the issuer's kid",
      configured(
        'L1_SIGNATURE_INVALID',
        "with the issuer's key configured, the L1 signature does not verify",
      ),
    ],
    [
      'immediate-self-chosen-time',
      selfTimed,
      "the bundle's at is set back to when its expired L2 was fresh",
      configured('EXPIRED', 'at the configured time the L2 expired beyond skew'),
    ],
  ];
  for (const [name, bundle, tamper, conf] of vectors) {
    const why = 'valid only as a test vector, under its own trust and time; see configured';
    const out = {
      ...bundle,
      name: `immediate/dispute/trust/${name}`,
      tamper,
      verdict: { valid: true, why },
      configured: conf,
    };
    writeFileSync(join(outDir, 'valid', `${name}.json`), `${JSON.stringify(out, null, 2)}\n`);
  }
  return vectors.length;
}

export async function makeVectors(outDir: string): Promise<{ valid: number; tampered: number }> {
  const k = loadKeys();
  const actors: Actors = {
    issuer: k.issuer,
    user: k.user,
    agent: k.agent,
    merchants: [k.merchant1, k.merchant2],
  };
  for (const sub of ['valid', 'tampered'])
    rmSync(join(outDir, sub), { recursive: true, force: true });
  mkdirSync(join(outDir, 'valid'), { recursive: true });
  mkdirSync(join(outDir, 'tampered'), { recursive: true });
  const at = AT;
  let valid = 0;
  // The February set keeps its historical file names; the April set is prefixed with its profile.
  for (const flow of [
    await immediateFlow(actors, at, 'vi-2026-02'),
    await autonomousFlow(actors, at, 1, 'vi-2026-02'),
    await autonomousFlow(actors, at, 2, 'vi-2026-02'),
  ]) {
    for (const [role, bundle] of Object.entries(flow.bundles)) {
      writeFileSync(
        join(outDir, 'valid', `${flow.name}-${role}.json`),
        `${JSON.stringify({ ...bundle, verdict: { valid: true, why: 'ok' } }, null, 2)}\n`,
      );
      valid++;
    }
  }
  useChainKeys({ issuer: k.issuer, user: k.user, agent: k.agent, merchant: k.merchant1 });
  for (const t of TAMPERS) {
    const bundle =
      t.mode === 'immediate' ? immediateBundle(t.hooks, t.role) : autonomousBundle(t.hooks, t.role);
    const out = {
      ...bundle,
      name: `${t.mode}/${t.role}/tamper/${t.name}`,
      verdict: { valid: false, why: t.why, code: t.code },
    };
    writeFileSync(
      join(outDir, 'tampered', `${t.mode}-${t.name}.json`),
      `${JSON.stringify(out, null, 2)}\n`,
    );
  }
  writeVectorJwks(outDir, k);
  const round3 = round3Vectors(outDir);
  valid += configuredTrustVectors(outDir, k);
  const april = await profileVectors(outDir, actors, 'vi-2026-04');
  return {
    valid: valid + april.valid + round3.valid,
    tampered: TAMPERS.length + april.tampered + round3.tampered,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] ?? join(here, '../vectors'));
  const n = await makeVectors(out);
  process.stdout.write(`wrote ${n.valid} valid and ${n.tampered} tampered vectors to ${out}\n`);
}
