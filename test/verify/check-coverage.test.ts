/**
 * Every verifier check has a test that breaks exactly that check (issue 10).
 *
 * One row per way of breaking a check in CHECK_NAMES. Each row builds a
 * chain with the test chain builder (test/fixtures/raw-chain.ts: every layer
 * signed by its real key unless the row re-signs one with an attacker's key,
 * every downstream binding rebuilt over the tampered bytes), in both wire
 * profiles, and verifies it the way a production verifier does: issuer and
 * merchant keys and the clock from configuration, never from the bundle (the
 * bundle's own `trust` and `at` are removed). It then asserts that the row's
 * check failed with the row's code, and that no other check failed, except
 * the few listed where one failure necessarily carries another (`cascade`).
 *
 * Only the public verify API is used: `verifyPresentation`, `CHECK_NAMES`
 * and the `checks` / `errors` of the result.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { autonomousFlow, newActors, trustOf } from '../../src/cli/scenarios.js';
import { type ErrorCode, isErrorCode } from '../../src/errors.js';
import type { Bundle } from '../../src/profiles/bundle.js';
import { agentCnf, VI_2026_02, VI_2026_04, type WireProfile } from '../../src/profiles/profile.js';
import { makeArrayDisclosure, makePropertyDisclosure } from '../../src/sdjwt/build.js';
import { sha256b64u } from '../../src/sdjwt/digest.js';
import { bareJwk, generateSigningKey } from '../../src/sdjwt/keys.js';
import {
  CHECK_NAMES,
  type CheckName,
  type VerificationResult,
  type VerifyOptions,
  verifyPresentation,
} from '../../src/verify/index.js';
import {
  AT,
  autonomousBundle,
  buildAutonomous,
  chainKeys,
  constraintOf,
  type Hooks,
  immediateBundle,
  MERCHANTS,
  onlyFirstAllowedMerchant,
  type Role,
  T0,
} from '../fixtures/raw-chain.js';

type Obj = Record<string, unknown>;
const PROFILES = [VI_2026_02, VI_2026_04] as const;

/** Keys an attacker holds, under the kids of the legitimate ones (so only the signature can tell). */
const attacker = {
  issuer: generateSigningKey('issuer-key-1'),
  user: generateSigningKey('user-key-1'),
  agent: generateSigningKey('agent-key-1'),
  merchant: generateSigningKey('merchant-key-1'),
};

/** What a production verifier is configured with: the real issuer and merchant keys and its own clock. */
function configured(): VerifyOptions {
  const k = chainKeys();
  return {
    issuerKeys: { keys: [k.issuer.publicJwk] },
    merchantKeys: { keys: [k.merchant.publicJwk] },
    now: AT,
  };
}

/** The bundle as a presenter sends it to a production verifier: its own trust and time carry no weight, so drop them. */
function asPresented(b: Bundle): Bundle {
  const { trust: _trust, at: _at, ...rest } = b;
  return rest as Bundle;
}

interface Made {
  bundle: Bundle;
  /** Options replacing {@link configured} (a chain with keys of its own). */
  options?: VerifyOptions;
}

interface Row {
  check: CheckName;
  /** How the row breaks it. */
  how: string;
  code: ErrorCode;
  /** Other checks that necessarily fail with this one, and why (the failure set is asserted exactly). */
  cascade?: { checks: CheckName[]; why: string };
  /** Profiles where the check does not (yet) fail as stated: a known bug, asserted with it.fails. */
  knownBug?: { profiles: string[]; what: string };
  make: (p: WireProfile) => Bundle | Made | Promise<Made>;
  /** Options over the configured ones (expectations, a status resolver, accepted profiles). */
  options?: (p: WireProfile) => VerifyOptions;
}

const imm = (p: WireProfile, h: Hooks = {}, role: Role = 'dispute') =>
  immediateBundle({ ...h, profile: p }, role);
const auto = (p: WireProfile, h: Hooks = {}, role: Role = 'dispute') =>
  autonomousBundle({ ...h, profile: p }, role);
const otherProfile = (p: WireProfile) => (p === VI_2026_02 ? VI_2026_04 : VI_2026_02);

const ROWS: Row[] = [
  // stage 0: the bundle and one parse of each credential
  {
    check: 'bundle.schema',
    how: 'vi_bundle is not 1',
    code: 'BUNDLE_MALFORMED',
    make: (p) => ({ ...imm(p), vi_bundle: 2 as 1 }),
  },
  {
    check: 'bundle.schema',
    how: 'no issuer keys configured (the bundle carries its own, which do not count)',
    code: 'TRUST_NOT_CONFIGURED',
    make: (p) => ({ bundle: imm(p), options: { now: AT } }),
  },
  {
    check: 'l1.parse',
    how: 'the L1 JWT has two segments',
    code: 'JWT_MALFORMED',
    make: (p) => {
      const b = imm(p);
      const [jwt, ...rest] = b.l1.split('~');
      return { ...b, l1: [jwt!.split('.').slice(0, 2).join('.'), ...rest].join('~') };
    },
  },
  {
    check: 'l2.parse',
    how: 'the L2 lacks its trailing ~',
    code: 'SDJWT_MALFORMED',
    make: (p) => ({ ...imm(p), l2: imm(p).l2.slice(0, -1) }),
  },
  {
    check: 'l2.view.parse',
    how: 'payment_l2 is not an SD-JWT',
    code: 'JWT_MALFORMED',
    cascade: {
      checks: ['l3a.pair'],
      why: 'an L3a whose view cannot be read binds to no mandate (L3_PAIR_UNBOUND)',
    },
    make: (p) => {
      const b = auto(p);
      b.l3![0]!.payment_l2 = 'garbage~';
      return b;
    },
  },
  {
    check: 'l3a.parse',
    how: 'the L3a is not an SD-JWT',
    code: 'JWT_MALFORMED',
    make: (p) => {
      const b = auto(p, {}, 'network');
      b.l3![0]!.payment = 'garbage~';
      return b;
    },
  },
  {
    check: 'l3b.parse',
    how: 'the L3b is not an SD-JWT',
    code: 'JWT_MALFORMED',
    make: (p) => {
      const b = auto(p, {}, 'merchant');
      b.l3![0]!.checkout = 'garbage~';
      return b;
    },
  },

  // stage 1: verified L1
  {
    check: 'l1.header',
    how: 'alg none',
    code: 'ALG_NOT_ALLOWED',
    make: (p) => imm(p, { l1Header: (h) => void (h.alg = 'none') }),
  },
  {
    check: 'l1.header',
    how: 'crit names an extension',
    code: 'CRIT_UNSUPPORTED',
    make: (p) => imm(p, { l1Header: (h) => void (h.crit = ['exp']) }),
  },
  {
    check: 'l1.signature',
    how: "signed by the attacker's key under the issuer's kid",
    code: 'L1_SIGNATURE_INVALID',
    make: (p) => imm(p, { l1SignWith: attacker.issuer }),
  },
  {
    check: 'l1.signature',
    how: 'a kid the configured trust does not hold',
    code: 'L1_ISSUER_KEY_UNKNOWN',
    make: (p) => imm(p, { l1Header: (h) => void (h.kid = 'issuer-key-9') }),
  },
  {
    check: 'l1.disclosures',
    how: 'an injected disclosure no digest references',
    code: 'DISCLOSURE_UNREFERENCED',
    make: (p) =>
      imm(p, {
        l1Serialized: (s) =>
          `${s}${makePropertyDisclosure('email', 'mallory@example.com').encoded}~`,
      }),
  },
  {
    check: 'l1.claims',
    how: 'no sub',
    code: 'L1_CLAIM_MISSING',
    make: (p) => imm(p, { l1Payload: (o) => void delete o.sub }),
  },
  {
    check: 'l1.claims',
    how: 'a vct outside the accepted L1 types',
    code: 'L1_VCT_NOT_ACCEPTED',
    make: (p) => imm(p, { l1Payload: (o) => void (o.vct = 'https://credentials.example/loyalty') }),
  },
  {
    check: 'l1.cnf',
    how: 'cnf missing',
    code: 'L1_CNF_INVALID',
    make: (p) => imm(p, { l1Payload: (o) => void delete o.cnf }),
  },
  {
    check: 'l1.time',
    how: 'expired beyond skew',
    code: 'EXPIRED',
    make: (p) => imm(p, { l1Payload: (o) => void (o.exp = AT - 301) }),
  },
  {
    check: 'l1.time',
    how: 'lifetime over a year',
    code: 'L1_LIFETIME_EXCEEDED',
    make: (p) => imm(p, { l1Payload: (o) => void (o.exp = (o.iat as number) + 400 * 86400) }),
  },
  {
    check: 'l1.status',
    how: 'the status list says the L1 is revoked',
    code: 'L1_STATUS_REVOKED',
    make: (p) =>
      imm(p, {
        l1Payload: (o) =>
          void (o.status = { status_list: { idx: 0, uri: 'https://issuer.example/status/1' } }),
      }),
    options: () => ({ statusResolver: () => ({ ok: true, status: 1 }) }),
  },

  // stage 2: verified L2 and its mode
  {
    check: 'l2.header',
    how: 'typ JWT',
    code: 'TYP_MISMATCH',
    make: (p) => imm(p, { l2Header: (h) => void (h.typ = 'JWT') }),
  },
  {
    check: 'l2.signature',
    how: "signed by the attacker's key under the user's kid",
    code: 'L2_SIGNATURE_INVALID',
    make: (p) => imm(p, { l2SignWith: attacker.user }),
  },
  {
    check: 'l2.sd_hash',
    how: 'sd_hash over another L1',
    code: 'L2_SD_HASH_MISMATCH',
    make: (p) => imm(p, { l2Payload: (o) => void (o.sd_hash = 'AAAA') }),
  },
  {
    check: 'l2.claims',
    how: 'an inline object in delegate_payload',
    code: 'CLAIM_MALFORMED',
    make: (p) =>
      auto(p, {
        l2Payload: (o) => void (o.delegate_payload as unknown[]).push({ note: 'inline' }),
      }),
  },
  {
    check: 'l2.time',
    how: 'expired beyond skew',
    code: 'EXPIRED',
    make: (p) =>
      imm(p, {
        l2Payload: (o) => {
          o.iat = AT - 700;
          o.exp = AT - 400;
        },
      }),
  },
  {
    check: 'l2.expect',
    how: 'the configured L2 nonce differs (configuration wins over bundle.expect)',
    code: 'NONCE_MISMATCH',
    make: (p) => imm(p),
    options: () => ({ expect: { l2: { nonce: 'another-session' } } }),
  },
  {
    check: 'l2.disclosures',
    how: 'an injected disclosure no digest references',
    code: 'DISCLOSURE_UNREFERENCED',
    make: (p) => imm(p, { l2Extra: [makePropertyDisclosure('note', 'injected').encoded] }),
  },
  {
    check: 'l2.view',
    how: 'payment_l2 is a view of another L2',
    code: 'L2_VIEW_MISMATCH',
    cascade: {
      checks: ['l3a.pair'],
      why: 'an L3a whose view is not of this L2 binds to no mandate of it (L3_PAIR_UNBOUND)',
    },
    make: (p) => {
      const b = auto(p);
      b.l3![0]!.payment_l2 = buildAutonomous({
        profile: p,
        l2Payload: (o) => void (o.nonce = 'another-l2'),
      }).paymentL2;
      return b;
    },
  },
  {
    check: 'mandates.disclosed',
    how: 'the L2 presented without any disclosure',
    code: 'MANDATE_NONE_DISCLOSED',
    make: (p) => {
      const b = imm(p);
      return { ...b, l2: `${b.l2.split('~')[0]}~` };
    },
  },
  {
    check: 'mandates.disclosed',
    how: 'a mandate vct no profile defines',
    code: 'MANDATE_VCT_UNKNOWN',
    make: (p) => imm(p, { paymentMandate: (m) => void (m.vct = 'mandate.payment.loyalty') }),
  },
  {
    check: 'mandates.shared_references',
    how: "a payee disclosure also referenced from an array named as in the other profile (the resolver accepts every profile's shareable arrays, the chain's profile does not)",
    code: 'DISCLOSURE_DUPLICATE_REFERENCE',
    make: (p) =>
      auto(
        p,
        {
          paymentMandate: (m) => {
            const payees = constraintOf(m, p.constraint.allowedPayee)[
              p.allowlistField.allowedPayee
            ] as unknown[];
            m[otherProfile(p).allowlistField.allowedPayee] = [payees[0]];
          },
        },
        'network',
      ),
  },
  {
    check: 'mandates.mode',
    how: 'Immediate mandates under the Autonomous typ',
    code: 'TYP_MISMATCH',
    make: (p) => imm(p, { l2Header: (h) => void (h.typ = 'kb-sd-jwt+kb') }),
  },
  {
    check: 'mandates.mode',
    how: 'an open mandate beside final ones',
    code: 'L2_MODE_MIXED',
    make: (p) => auto(p, { paymentMandate: (m) => void (m.vct = p.vct.payment) }),
  },
  {
    check: 'mandates.mode',
    how: 'a profile the verifier does not accept',
    code: 'PROFILE_NOT_ACCEPTED',
    make: (p) => imm(p),
    options: (p) => ({ profiles: [otherProfile(p).name] }),
  },
  {
    check: 'l2.lifetime',
    how: 'an Immediate L2 living over 15 minutes',
    code: 'L2_LIFETIME_EXCEEDED',
    make: (p) => imm(p, { l2Payload: (o) => void (o.exp = (o.iat as number) + 901) }),
  },
  {
    check: 'l2.lifetime',
    how: 'an Autonomous L2 outliving its L1',
    code: 'L2_OUTLIVES_L1',
    make: (p) => auto(p, { l2Payload: (o) => void (o.exp = T0 + 364 * 86400 + 1) }),
  },
  {
    check: 'mandates.shape',
    how: 'an Immediate payment mandate with cnf',
    code: 'MANDATE_CNF_FORBIDDEN',
    make: (p) => imm(p, { paymentMandate: (m) => void (m.cnf = { kid: 'x' }) }),
  },
  {
    check: 'mandates.shape',
    how: 'a constraint with an undisclosed member (_sd)',
    code: 'CONSTRAINT_MALFORMED',
    make: (p) =>
      auto(
        p,
        {
          paymentMandate: (m) => void ((m.constraints as Obj[])[0]!._sd = [sha256b64u('withheld')]),
        },
        'network',
      ),
  },
  {
    check: 'mandates.shape',
    how: 'an allowlist entry (not a disclosure) whose id is a number',
    code: 'CONSTRAINT_MALFORMED',
    make: (p) =>
      auto(
        p,
        {
          paymentMandate: (m) =>
            void (
              constraintOf(m, p.constraint.allowedPayee)[p.allowlistField.allowedPayee] as unknown[]
            ).push({
              id: 7,
              name: 'Seven Shop',
              website: 'https://seven.example',
            }),
        },
        'network',
      ),
  },
  {
    check: 'mandates.pairing',
    how: 'a payment mandate whose transaction_id names no checkout',
    code: 'MANDATE_ORPHAN',
    cascade: {
      checks: ['role.view'],
      why: 'a dispute is then not shown the L3 (or pair) it must judge (ROLE_VIEW_INCOMPLETE)',
    },
    make: (p) => imm(p, { paymentMandate: (m) => void (m.transaction_id = 'AAAA') }),
  },
  {
    check: 'mandates.card_id',
    how: 'the L1 card_id is not the delegated instrument (Immediate)',
    code: 'PAYMENT_INSTRUMENT_MISMATCH',
    make: (p) => imm(p, { l1Payload: (o) => void (o.card_id = 'card-of-someone-else') }, 'network'),
  },
  {
    check: 'mandates.card_id',
    how: 'the L1 card_id is not the delegated instrument (Autonomous)',
    code: 'PAYMENT_INSTRUMENT_MISMATCH',
    make: (p) =>
      auto(p, { l1Payload: (o) => void (o.card_id = 'card-of-someone-else') }, 'network'),
  },
  {
    check: 'mandates.checkout_hash',
    how: 'checkout_hash (and the transaction_id pairing by it) not the hash of checkout_jwt',
    code: 'CHECKOUT_HASH_MISMATCH',
    make: (p) =>
      imm(p, {
        checkoutMandate: (m) => void (m.checkout_hash = 'AAAA'),
        paymentMandate: (m) => void (m.transaction_id = 'AAAA'),
      }),
  },
  {
    check: 'mandates.payment_reference',
    how: 'the reference constraint names no delegate_payload entry (network view)',
    code: 'PAYMENT_REFERENCE_MISMATCH',
    make: (p) =>
      auto(
        p,
        {
          paymentMandate: (m) =>
            void (constraintOf(m, p.constraint.reference).conditional_transaction_id =
              sha256b64u('elsewhere')),
        },
        'network',
      ),
  },
  {
    check: 'mandates.cnf_pair',
    how: 'the checkout mandate binds another agent key (and the L3b is signed by it)',
    code: 'MANDATE_CNF_PAIR_MISMATCH',
    make: (p) =>
      auto(p, {
        checkoutMandate: (m) =>
          void (m.cnf = agentCnf(
            p,
            bareJwk(attacker.agent.publicJwk) as unknown as Obj,
            attacker.agent.kid,
          )),
        l3bSignWith: attacker.agent,
      }),
  },

  // stage 4: L3s bound to their views
  {
    check: 'l3.mode',
    how: 'an L3a beside an Immediate L2',
    code: 'L3_NOT_AUTONOMOUS',
    make: (p) => ({ ...imm(p), l3: [{ payment: buildAutonomous({ profile: p }).l3a }] }),
  },
  {
    check: 'l3a.header',
    how: 'alg none',
    code: 'ALG_NOT_ALLOWED',
    make: (p) => auto(p, { l3aHeader: (h) => void (h.alg = 'none') }, 'network'),
  },
  {
    check: 'l3a.header',
    how: 'a jwk in the header',
    code: 'L3_HEADER_JWK_FORBIDDEN',
    make: (p) => auto(p, { l3aHeader: (h) => void (h.jwk = attacker.agent.publicJwk) }, 'network'),
  },
  {
    check: 'l3a.pair',
    how: 'the L3a presented over the checkout view (no payment mandate to bind)',
    code: 'L3_PAIR_UNBOUND',
    make: (p) => {
      const b = auto(p);
      b.l3![0]!.payment_l2 = b.l3![0]!.checkout_l2;
      return b;
    },
  },
  {
    check: 'l3a.pair',
    how: 'a second L3a for the same mandate pair',
    code: 'L3_PAIR_DUPLICATE',
    make: (p) => {
      const b = auto(p, {}, 'network');
      return { ...b, l3: [b.l3![0]!, { ...b.l3![0]! }] };
    },
  },
  {
    check: 'l3a.signature',
    how: "signed by the attacker's key under the agent's kid",
    code: 'L3_SIGNATURE_INVALID',
    make: (p) => auto(p, { l3aSignWith: attacker.agent }, 'network'),
  },
  {
    check: 'l3a.signature',
    how: 'a kid other than the L2 cnf kid',
    code: 'L3_KID_MISMATCH',
    make: (p) => auto(p, { l3aHeader: (h) => void (h.kid = 'agent-key-9') }, 'network'),
  },
  {
    check: 'l3a.cnf',
    how: 'cnf in the payload',
    code: 'L3_CNF_FORBIDDEN',
    make: (p) => auto(p, { l3aPayload: (o) => void (o.cnf = {}) }, 'network'),
  },
  {
    check: 'l3a.sd_hash',
    how: 'sd_hash over another view',
    code: 'L3_SD_HASH_MISMATCH',
    make: (p) => auto(p, { l3aPayload: (o) => void (o.sd_hash = 'AAAA') }, 'network'),
  },
  {
    check: 'l3a.claims',
    how: 'an inline object in delegate_payload',
    code: 'CLAIM_MALFORMED',
    make: (p) =>
      auto(
        p,
        { l3aPayload: (o) => void (o.delegate_payload as unknown[]).push({ note: 'inline' }) },
        'network',
      ),
  },
  {
    check: 'l3a.claims',
    how: 'the L2 nonce reused (no nonce expected)',
    code: 'L3_NONCE_REUSED',
    make: (p) => {
      const b = auto(p, { l3aPayload: (o) => void (o.nonce = 'nonce-l2') }, 'network');
      delete b.expect!.l3a;
      return b;
    },
  },
  {
    check: 'l3a.time',
    how: 'lifetime over an hour',
    code: 'L3_LIFETIME_EXCEEDED',
    make: (p) => auto(p, { l3aPayload: (o) => void (o.exp = (o.iat as number) + 3601) }, 'network'),
  },
  {
    check: 'l3a.expect',
    how: 'the configured network audience differs',
    code: 'AUD_MISMATCH',
    make: (p) => auto(p, {}, 'network'),
    options: () => ({ expect: { l3a: { aud: 'https://another-network.example' } } }),
  },
  {
    check: 'l3a.mandate',
    how: 'paying with an instrument the L2 did not delegate',
    code: 'PAYMENT_INSTRUMENT_MISMATCH',
    make: (p) =>
      auto(
        p,
        {
          l3aMandate: (m) =>
            void (m.payment_instrument = { type: 'mastercard.srcDigitalCard', id: 'tok-stolen' }),
        },
        'network',
      ),
  },
  {
    check: 'l3a.mandate',
    how: 'no payment_amount',
    code: 'MANDATE_MALFORMED',
    make: (p) => auto(p, { l3aMandate: (m) => void delete m.payment_amount }, 'network'),
  },
  {
    check: 'l3a.view',
    how: 'the bound view withholds every allowed payee',
    code: 'L3_VIEW_INCOMPLETE',
    cascade: {
      checks: ['constraints.payment'],
      why: 'the payee allowlist judged on the same view is unverifiable (CONSTRAINT_UNVERIFIABLE)',
    },
    make: (p) => auto(p, { selectedMerchant: null, paymentViewMerchants: [] }, 'network'),
  },
  {
    check: 'l3a.selected_merchant',
    how: 'a selected merchant the bound view does not allow',
    code: 'SELECTED_MERCHANT_NOT_ALLOWED',
    make: (p) => auto(p, { selectedMerchant: MERCHANTS[1] }, 'network'),
  },
  {
    check: 'l3a.selected_merchant',
    how: 'an allowed payee that the checkout mandate does not allow as a merchant',
    code: 'SELECTED_MERCHANT_NOT_ALLOWED',
    make: (p) =>
      auto(p, {
        selectedMerchant: MERCHANTS[1],
        paymentViewMerchants: [0, 1],
        checkoutMandate: onlyFirstAllowedMerchant(p),
      }),
  },
  {
    check: 'l3b.view',
    how: 'an acceptable item malformed (id a number) and disclosed only in the bound view',
    code: 'CONSTRAINT_MALFORMED',
    make: (p) => {
      const odd = makeArrayDisclosure({ id: 7, title: 'Odd' });
      return auto(p, {
        checkoutViewExtra: [odd.encoded],
        checkoutMandate: (m) => {
          const line = (constraintOf(m, p.constraint.lineItems).items as Obj[])[0]!;
          (line.acceptable_items as unknown[]).push({ '...': odd.digest });
        },
      });
    },
  },
  {
    check: 'role.view',
    how: 'a merchant shown a network presentation (no checkout mandate, no L3b)',
    code: 'ROLE_VIEW_INCOMPLETE',
    make: (p) => auto(p, {}, 'network'),
    options: () => ({ role: 'merchant' }),
  },
  {
    check: 'role.view',
    how: 'a network shown an Immediate merchant view (no payment mandate)',
    code: 'ROLE_VIEW_INCOMPLETE',
    make: (p) => imm(p, {}, 'merchant'),
    options: () => ({ role: 'network' }),
  },
  {
    check: 'l3b.header',
    how: 'typ kb-sd-jwt+kb',
    code: 'TYP_MISMATCH',
    make: (p) => auto(p, { l3bHeader: (h) => void (h.typ = 'kb-sd-jwt+kb') }, 'merchant'),
  },
  {
    check: 'l3b.pair',
    how: 'the L3b presented over the payment view (no checkout mandate to bind)',
    code: 'L3_PAIR_UNBOUND',
    make: (p) => {
      const b = auto(p);
      b.l3![0]!.checkout_l2 = b.l3![0]!.payment_l2;
      return b;
    },
  },
  {
    check: 'l3b.signature',
    how: 'signed by the user instead of the agent',
    code: 'L3_SIGNATURE_INVALID',
    make: (p) => auto(p, { l3bSignWith: chainKeys().user }, 'merchant'),
  },
  {
    check: 'l3b.cnf',
    how: 'cnf in the payload',
    code: 'L3_CNF_FORBIDDEN',
    make: (p) =>
      auto(p, { l3bPayload: (o) => void (o.cnf = { jwk: attacker.agent.publicJwk }) }, 'merchant'),
  },
  {
    check: 'l3b.sd_hash',
    how: 'sd_hash over another view',
    code: 'L3_SD_HASH_MISMATCH',
    make: (p) => auto(p, { l3bPayload: (o) => void (o.sd_hash = 'AAAA') }, 'merchant'),
  },
  {
    check: 'l3b.claims',
    how: 'no aud (none expected)',
    code: 'L3_CLAIM_MISSING',
    make: (p) => {
      const b = auto(p, { l3bPayload: (o) => void delete o.aud }, 'merchant');
      delete b.expect!.l3b;
      return b;
    },
  },
  {
    check: 'l3b.time',
    how: 'expired beyond skew',
    code: 'EXPIRED',
    make: (p) => auto(p, { l3bPayload: (o) => void (o.exp = AT - 301) }, 'merchant'),
  },
  {
    check: 'l3b.expect',
    how: 'the configured merchant nonce differs',
    code: 'NONCE_MISMATCH',
    make: (p) => auto(p, {}, 'merchant'),
    options: () => ({ expect: { l3b: { nonce: 'another-session' } } }),
  },
  {
    check: 'l3b.mandate',
    how: 'checkout_hash not the hash of its checkout_jwt',
    code: 'CHECKOUT_HASH_MISMATCH',
    make: (p) => auto(p, { l3bMandate: (m) => void (m.checkout_hash = 'AAAA') }, 'merchant'),
  },
  {
    check: 'l3b.view',
    how: 'the bound view withholds every acceptable item',
    code: 'L3_VIEW_INCOMPLETE',
    cascade: {
      checks: ['constraints.checkout'],
      why: 'the line-items allowlist judged on the same view is unverifiable (CONSTRAINT_UNVERIFIABLE)',
    },
    make: (p) => auto(p, { checkoutViewItems: [] }, 'merchant'),
  },
  {
    check: 'l3.cross_reference',
    how: 'L3a transaction_id is not the L3b checkout_hash',
    code: 'L3_CROSS_REFERENCE_MISMATCH',
    make: (p) => auto(p, { l3aMandate: (m) => void (m.transaction_id = 'AAAA') }),
  },
  {
    check: 'l3.entry',
    how: 'one bundle entry whose L3a and L3b fulfil different pairs (issued by the library, two pairs)',
    code: 'L3_PAIR_UNBOUND',
    make: async (p) => {
      const actors = newActors();
      const at = AT;
      const flow = await autonomousFlow(actors, at, 2, p.name);
      const b = structuredClone(flow.bundles.dispute!) as Bundle;
      const [e0, e1] = b.l3!;
      [e0!.checkout, e1!.checkout, e0!.checkout_l2, e1!.checkout_l2] = [
        e1!.checkout,
        e0!.checkout,
        e1!.checkout_l2,
        e0!.checkout_l2,
      ];
      const t = trustOf(actors);
      return {
        bundle: b,
        options: { issuerKeys: t.issuer_jwks, merchantKeys: t.merchant_jwks, now: at },
      };
    },
  },

  // stage 5: the merchant's checkout_jwt and the cart
  {
    check: 'checkout_jwt.claims',
    how: 'the checkout_jwt expired beyond skew',
    code: 'EXPIRED',
    make: (p) => imm(p, { checkoutJwtPayload: (o) => void (o.exp = AT - 1000) }),
  },
  {
    check: 'checkout_jwt.signature',
    how: "signed by the attacker's key under the merchant's kid",
    code: 'CHECKOUT_JWT_SIGNATURE_INVALID',
    make: (p) => imm(p, { checkoutJwtSignWith: attacker.merchant }),
  },
  {
    check: 'checkout_jwt.signature',
    how: "signed by the attacker's key under the merchant's kid (Autonomous, at the merchant)",
    code: 'CHECKOUT_JWT_SIGNATURE_INVALID',
    make: (p) => auto(p, { checkoutJwtSignWith: attacker.merchant }, 'merchant'),
  },
  {
    check: 'bindings.amount_matches_cart',
    how: 'an Immediate payment amount other than the signed cart total',
    code: 'PAYMENT_CART_MISMATCH',
    make: (p) => imm(p, { paymentMandate: (m) => void ((m.payment_amount as Obj).amount = 1000) }),
  },
  {
    check: 'bindings.amount_matches_cart',
    how: 'an L3a amount other than the signed cart total (within the amount range)',
    code: 'PAYMENT_CART_MISMATCH',
    make: (p) => auto(p, { l3aMandate: (m) => void ((m.payment_amount as Obj).amount = 1000) }),
  },
  {
    check: 'bindings.amount_matches_cart',
    how: 'an L3a paying another merchant than the one that signed the checkout',
    code: 'PAYEE_MERCHANT_MISMATCH',
    make: (p) => auto(p, { checkoutJwtPayload: (o) => void (o.merchant = MERCHANTS[1]) }),
  },

  // stage 6: constraints
  {
    check: 'constraints.payment',
    how: 'an L3a amount above the mandate max',
    code: 'CONSTRAINT_AMOUNT_ABOVE_MAX',
    make: (p) =>
      auto(p, { l3aMandate: (m) => void ((m.payment_amount as Obj).amount = 50001) }, 'network'),
  },
  {
    check: 'constraints.payment',
    how: 'a payee outside the allowlist',
    code: 'CONSTRAINT_PAYEE_NOT_ALLOWED',
    make: (p) =>
      auto(
        p,
        {
          selectedMerchant: null,
          l3aMandate: (m) =>
            void (m.payee = {
              id: 'm-rogue',
              name: 'Rogue Rackets',
              website: 'https://rogue.example',
            }),
        },
        'network',
      ),
  },
  {
    check: 'constraints.checkout',
    how: 'a quantity over the line limit',
    code: 'CONSTRAINT_QUANTITY_EXCEEDED',
    make: (p) =>
      auto(
        p,
        { cart: [{ id: 'SKU-1', title: 'Pro Racket', quantity: 3, unit_price: 2000 }] },
        'merchant',
      ),
  },
  {
    check: 'constraints.checkout',
    how: 'an item outside the acceptable items',
    code: 'CONSTRAINT_LINE_ITEM_NOT_ACCEPTABLE',
    make: (p) =>
      auto(
        p,
        { cart: [{ id: 'SKU-9', title: 'Other', quantity: 1, unit_price: 2000 }] },
        'merchant',
      ),
  },
];

/**
 * Names that are records, never verdicts: they only ever pass or are skipped,
 * so no bundle can make them fail. Each with the reason.
 */
const RECORD_ONLY: Partial<Record<CheckName, string>> = {
  mandates:
    'records that the mandate stage was skipped (L2 not verified, delegate_payload not an array); the failure is that of the check that stopped it',
  l3: 'records that the L3 stage was skipped because the L2 was not verified; the failure is reported by the L2 checks',
  'constraints.payment.withheld':
    'records a payment constraint skipped because the role view leaves its material out (spec role views); never a failure',
  'constraints.checkout.withheld':
    'records a checkout constraint skipped because the role view leaves its material out (e.g. allowed_merchant at a merchant)',
};

/** A bug, never a verdict: no bundle may reach it. */
const UNREACHABLE: CheckName = 'internal';

const failedChecks = (r: VerificationResult): string[] =>
  [...new Set(r.checks.filter((c) => c.status === 'failed').map((c) => c.name))].sort();

/** Every result the table produced, for the record-only assertion below. */
const seen: VerificationResult[] = [];

async function run(row: Row, p: WireProfile): Promise<VerificationResult> {
  const made = await row.make(p);
  const { bundle, options }: Made = 'vi_bundle' in made ? { bundle: made } : made;
  const r = await verifyPresentation(asPresented(bundle), {
    ...(options ?? configured()),
    ...row.options?.(p),
  });
  seen.push(r);
  return r;
}

function expectBroken(r: VerificationResult, row: Row): void {
  for (const e of r.errors) expect(isErrorCode(e.code), e.code).toBe(true);
  const codes = r.errors.map((e) => e.code);
  expect(codes).not.toContain('INTERNAL');
  expect(r.valid).toBe(false);
  expect(r.checks.filter((c) => c.name === row.check).map((c) => c.status)).toContain('failed');
  expect(codes).toContain(row.code);
  expect(failedChecks(r)).toEqual([row.check, ...(row.cascade?.checks ?? [])].sort());
}

describe('the untampered chains verify with configured trust, in both profiles (each row departs from these)', () => {
  for (const p of PROFILES) {
    for (const role of ['merchant', 'network', 'dispute'] as const) {
      it(`${p.name}: Immediate and Autonomous ${role} views are valid with no failed check`, async () => {
        for (const b of [imm(p, {}, role), auto(p, {}, role)]) {
          const r = await verifyPresentation(asPresented(b), configured());
          expect({
            valid: r.valid,
            errors: r.errors,
            failed: failedChecks(r),
            profile: r.profile,
          }).toEqual({
            valid: true,
            errors: [],
            failed: [],
            profile: p.name,
          });
        }
      });
    }
  }
});

describe('each check breaks alone (configured trust, both profiles)', () => {
  for (const row of ROWS) {
    for (const p of PROFILES) {
      const name = `${row.check}: ${row.how} → ${row.code} [${p.name}]${row.cascade ? ` (with ${row.cascade.checks.join(', ')}: ${row.cascade.why})` : ''}`;
      const bug = row.knownBug?.profiles.includes(p.name);
      (bug ? it.fails : it)(bug ? `${name} — KNOWN BUG: ${row.knownBug!.what}` : name, async () => {
        expectBroken(await run(row, p), row);
      });
    }
  }
});

describe('the table covers CHECK_NAMES', () => {
  it('every check name has a breaking row, or is a record-only name with its reason, or is internal', () => {
    const broken = new Set(ROWS.map((r) => r.check));
    const accounted = new Set<string>([...broken, ...Object.keys(RECORD_ONLY), UNREACHABLE]);
    // AP2 checks have their own breaking table (test/verify/ap2/check-coverage.test.ts).
    const vi = CHECK_NAMES.filter((n) => !n.startsWith('ap2.'));
    expect(vi.filter((n) => !accounted.has(n))).toEqual([]);
    expect([...accounted].filter((n) => !(CHECK_NAMES as readonly string[]).includes(n))).toEqual(
      [],
    );
    // A record-only name with a breaking row would be a contradiction.
    expect(Object.keys(RECORD_ONLY).filter((n) => broken.has(n as CheckName))).toEqual([]);
    expect(broken.has(UNREACHABLE)).toBe(false);
  });

  it('every row names a check of CHECK_NAMES and a code of ERROR_CODES', () => {
    for (const r of ROWS) {
      expect(CHECK_NAMES as readonly string[]).toContain(r.check);
      expect(isErrorCode(r.code), r.code).toBe(true);
      for (const c of r.cascade?.checks ?? [])
        expect(CHECK_NAMES as readonly string[]).toContain(c);
    }
  });

  it('record-only names and internal never fail: not in the table’s results, not over any committed vector', async () => {
    // The vectors carry their own trust and time; they are checked as vectors are.
    const root = resolve(__dirname, '../../vectors');
    const results: VerificationResult[] = [];
    for (const sub of ['valid', 'tampered']) {
      for (const f of readdirSync(join(root, sub)).sort()) {
        results.push(
          await verifyPresentation(JSON.parse(readFileSync(join(root, sub, f), 'utf8')), {
            trustFromBundle: true,
          }),
        );
      }
    }
    expect(results.length).toBeGreaterThanOrEqual(30);
    results.push(...seen);
    const never = new Set<string>([...Object.keys(RECORD_ONLY), UNREACHABLE]);
    const offending = results.flatMap((r) =>
      r.checks.filter((c) => never.has(c.name) && c.status === 'failed').map((c) => c.name),
    );
    expect(offending).toEqual([]);
    expect(results.flatMap((r) => r.checks.filter((c) => c.name === UNREACHABLE))).toEqual([]);
  });
});
