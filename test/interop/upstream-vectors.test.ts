/**
 * The upstream April 2026 golden vectors (shared/interop/upstream/vectors.json):
 * our issuers, given the vectors' salts and keys, reproduce every
 * deterministic artifact byte for byte (ECDSA signatures are randomized, so
 * signatures are checked by verifying, never compared); our verifier reaches
 * every chain scenario's verdict with the code the reference's error string
 * maps to; the constraint registry matches every constraint case's counts;
 * and every bundle in upstream/bundles gets its recorded verdict.
 */

import { createPublicKey, verify } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarizeConstraints } from '../../src/constraints/registry.js';
import type { Fulfillment } from '../../src/constraints/types.js';
import { type ErrorCode, isErrorCode } from '../../src/errors.js';
import { issueL1 } from '../../src/issue/l1.js';
import { issueL2Autonomous } from '../../src/issue/l2-autonomous.js';
import { issueL2Immediate } from '../../src/issue/l2-immediate.js';
import { issueL3Pair } from '../../src/issue/l3.js';
import { VI_2026_04 } from '../../src/profiles/profile.js';
import { encodeBase64url } from '../../src/sdjwt/base64url.js';
import { makeArrayDisclosure, makePropertyDisclosure } from '../../src/sdjwt/build.js';
import { sha256b64u } from '../../src/sdjwt/digest.js';
import { signingKeyFromJwk } from '../../src/sdjwt/keys.js';
import { parseDisclosure } from '../../src/sdjwt/parse.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';
import { describeIf, UPSTREAM_DIR as dir, upstreamVectors } from '../support/environment.js';

const present = upstreamVectors.available;

/**
 * The reference's error strings → our codes: the one place the two
 * vocabularies of failure meet. Every scenario's errors must map, and our
 * verifier must report each mapped code.
 */
const REFERENCE_ERRORS: readonly [RegExp, ErrorCode | ErrorCode[]][] = [
  [/^L2 aud mismatch/, 'AUD_MISMATCH'],
  [/^L2 nonce mismatch/, 'NONCE_MISMATCH'],
  [/^L[123]\S* expired at/, 'EXPIRED'],
  [/iat is in the future/, 'IAT_IN_FUTURE'],
  [/^L1 signature verification failed/, 'L1_SIGNATURE_INVALID'],
  [/^issuer_public_key is required/, 'L1_ISSUER_KEY_UNKNOWN'],
  [/_sd contains a duplicate disclosure digest/, 'DISCLOSURE_DUPLICATE_REFERENCE'],
  // We bind an L3 to its pair through the view presented with it before comparing sd_hash,
  // so a view that is not this L3's (swapped views) is reported as unbound.
  [/^L3[ab] \(\w+\) sd_hash does not match/, ['L3_SD_HASH_MISMATCH', 'L3_PAIR_UNBOUND']],
  [/^L3[ab] \(\w+\) aud mismatch/, 'AUD_MISMATCH'],
  [/^L3[ab] \(\w+\) nonce mismatch/, 'NONCE_MISMATCH'],
  [/cnf\.jwk values must be identical/, 'MANDATE_CNF_PAIR_MISMATCH'],
];

/** Our codes for a reference error string (any of them is the same finding), or undefined when unmapped. */
function codesForReferenceError(message: string): ErrorCode[] | undefined {
  const c = REFERENCE_ERRORS.find(([re]) => re.test(message))?.[1];
  return c === undefined ? undefined : Array.isArray(c) ? c : [c];
}

type Json = Record<string, any>;
const load = (): Json => JSON.parse(readFileSync(join(dir, 'vectors.json'), 'utf8'));
const V: Json = present ? load() : {};

/** The members that are set (the scenarios write null for "not checked"). */
const given = (o: Json): Json =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

/** Salts handed out in the order the vectors say they are consumed. */
function saltsOf(list: string[]): () => string {
  let i = 0;
  return () => {
    const s = list[i++];
    if (s === undefined) throw new Error('more salts consumed than the vector lists');
    return s;
  };
}

const parts = (jwt: string) => jwt.split('.');
const decodeJson = (b64: string) => JSON.parse(Buffer.from(b64, 'base64url').toString('utf8'));
/** `<jwt>~<d>~...~` with the signature cut out: everything deterministic in a serialization. */
const unsigned = (serialized: string) => {
  const [jwt, ...rest] = serialized.split('~');
  const [h, p] = parts(jwt!);
  return [`${h}.${p}`, ...rest].join('~');
};

/** The signature of a compact JWS verifies under a public JWK. */
function signatureVerifies(jwt: string, jwk: Json): boolean {
  const [h, p, s] = parts(jwt);
  const key = createPublicKey({
    key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } as never,
    format: 'jwk',
  });
  // node:crypto itself, whatever seam the project under test runs on: an independent check.
  return verify(
    'sha256',
    Buffer.from(`${h}.${p}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(s!, 'base64url'),
  );
}

/** What a layer record of the vectors pins: header, payload JSON, disclosures, hashes. */
function expectLayer(ours: string, theirs: Json, signerPublic: Json): void {
  const [jwt] = ours.split('~');
  const [h, p] = parts(jwt!);
  expect(h).toBe(theirs.header_b64);
  expect(p).toBe(theirs.payload_b64);
  expect(decodeJson(p!)).toEqual(theirs.payload);
  expect(ours.split('~').slice(1, -1)).toEqual(theirs.disclosures);
  expect(theirs.disclosures.map(sha256b64u)).toEqual(theirs.sd_hashes_of_disclosures);
  expect(unsigned(ours)).toBe(unsigned(theirs.serialized));
  expect(signatureVerifies(jwt!, signerPublic)).toBe(true);
}

describeIf(upstreamVectors)('upstream golden vectors (vi-2026-04)', () => {
  const keys = V.keys;
  const issuerKey = present ? signingKeyFromJwk(keys.issuer.private, keys.issuer.kid) : undefined!;
  const userKey = present ? signingKeyFromJwk(keys.user.private, keys.user.kid) : undefined!;
  const agentKey = present ? signingKeyFromJwk(keys.agent.private, keys.agent.kid) : undefined!;

  it('primitives: base64url, disclosures from fixed salts, SHA-256 digests', () => {
    for (const b of V.primitives.b64url)
      expect(encodeBase64url(Buffer.from(b.bytes_hex, 'hex'))).toBe(b.b64url);
    for (const h of V.primitives.hash_bytes) expect(sha256b64u(h.input_ascii)).toBe(h.hash);
    for (const d of V.primitives.disclosures) {
      // claim_name null: an array-element disclosure [salt, value].
      const built =
        d.claim_name === null
          ? makeArrayDisclosure(d.value, () => d.salt)
          : makePropertyDisclosure(d.claim_name, d.value, () => d.salt);
      expect(built.encoded).toBe(d.disclosure);
      expect(built.digest).toBe(d.hash);
      expect(parseDisclosure(d.disclosure, 'l1').digest).toBe(d.hash);
    }
  });

  it('constraint models serialize as compact JSON in insertion order', () => {
    for (const m of V.models.constraints) expect(JSON.stringify(m.dict)).toBe(m.json);
    expect(JSON.stringify(V.models.misc.issuer_credential_to_payload.dict)).toBe(
      V.models.misc.issuer_credential_to_payload.json,
    );
  });

  it('L1: payload, email disclosure and sd_hash reproduced from the salt', async () => {
    const c = V.shared.l1_credential;
    const l1 = await issueL1({
      issuerKey,
      iss: c.iss,
      sub: c.sub,
      userPublicJwk: { ...c.cnf_jwk, kid: keys.user.kid },
      panLastFour: c.pan_last_four,
      scheme: c.scheme,
      cardId: c.card_id,
      email: c.email,
      iat: c.iat,
      lifetimeSeconds: c.exp - c.iat,
      salt: saltsOf(V.shared.l1.salts),
    });
    expectLayer(l1, V.shared.l1, keys.issuer.public);
    expect(sha256b64u(V.shared.l1_serialized)).toBe(V.shared.l1_sd_hash);
    expect(V.shared.l1_serialized).toBe(V.shared.l1.serialized);
  });

  it('Immediate L2: mandates, delegate_payload, _sd and header kid reproduced', () => {
    const inp = V.immediate.inputs;
    const pm = inp.payment_mandate;
    const l2 = issueL2Immediate({
      profile: 'vi-2026-04',
      layout: 'reference', // the upstream output, byte for byte
      userKey,
      l1: V.shared.l1_serialized,
      aud: inp.aud,
      nonce: inp.nonce,
      iss: inp.iss,
      iat: inp.iat,
      lifetimeSeconds: inp.exp - inp.iat,
      salt: saltsOf(V.immediate.l2.salts),
      // The upstream checkout_jwt cart is implementation-defined (sku, float unitPrice): amount comes from the caller.
      pairs: [
        {
          checkoutJwt: inp.checkout_mandate.checkout_jwt,
          paymentInstrument: pm.payment_instrument,
          payee: pm.payee,
          amount: pm.amount,
          currency: pm.currency,
        },
      ],
    });
    expectLayer(l2.serialized, V.immediate.l2, keys.user.public);
    expect(l2.payload.delegate_payload).toEqual(V.immediate.delegate_payload);
    expect(l2.pairs[0]!.checkout.value).toEqual(V.immediate.checkout_mandate_dict);
    expect(l2.pairs[0]!.payment.value).toEqual(V.immediate.payment_mandate_dict);
    expect(V.immediate.checkout_mandate_dict.checkout_hash).toBe(V.shared.checkout_hash);
    expect(sha256b64u(V.shared.checkout_jwt)).toBe(V.shared.checkout_hash);
  });

  it('Autonomous L2: allowlist disclosures, open mandates with cnf.jwk.kid, flat _sd reproduced', () => {
    const inp = V.autonomous.inputs;
    const payment = parseDisclosure(V.autonomous.disclosure_refs.payment_disc, 'l2').value as Json;
    const amount = payment.constraints.find((c: Json) => c.type === VI_2026_04.constraint.amount);
    const l2 = issueL2Autonomous({
      profile: 'vi-2026-04',
      layout: 'reference', // the upstream output, byte for byte
      userKey,
      l1: V.shared.l1_serialized,
      aud: inp.aud,
      nonce: inp.nonce,
      iss: inp.iss,
      iat: inp.iat,
      lifetimeSeconds: inp.exp - inp.iat,
      salt: saltsOf(V.autonomous.l2.salts),
      pairs: [
        {
          agentKey: { ...inp.agent_cnf_jwk, kid: inp.agent_cnf_kid },
          merchants: inp.merchants,
          lineItems: [{ id: 'line-1', acceptableItems: inp.acceptable_items, quantity: 1 }],
          lineItemsMatchMode: 'minimum',
          paymentInstrument: payment.payment_instrument,
          amount: { currency: amount.currency, min: amount.min, max: amount.max },
          // The payee allowlist references merchant 0's very disclosure (one digest in both allowlists).
          payees: [{ merchantIndex: 0 }],
        },
      ],
    });
    expectLayer(l2.serialized, V.autonomous.l2, keys.user.public);
    const refs = V.autonomous.disclosure_refs;
    expect(l2.pairs[0]!.payment.encoded).toBe(refs.payment_disc);
    expect(l2.pairs[0]!.checkout.encoded).toBe(refs.checkout_disc);
    expect(l2.pairs[0]!.merchants[0]!.encoded).toBe(refs.merchant_disc);
    expect(l2.pairs[0]!.items[0]!.encoded).toBe(refs.item_disc);
  });

  it('L3a / L3b over the upstream L2: selective presentations, sd_hash, final mandates reproduced', () => {
    const a = V.autonomous.l3a;
    const b = V.autonomous.l3b;
    const fp = a.inputs.final_payment;
    const salts = saltsOf([...a.credential.salts, ...b.credential.salts]);
    const l3 = issueL3Pair({
      agentKey,
      l2: V.autonomous.l2.serialized,
      pairIndex: 0,
      checkoutJwt: V.shared.checkout_jwt,
      amount: fp.payment_amount.amount,
      currency: fp.payment_amount.currency,
      payee: fp.payee,
      paymentInstrument: fp.payment_instrument,
      // Lines for the pre-issuance constraint check; upstream L3b leaves them to the checkout_jwt.
      lineItems: [{ id: 'BAB86345', quantity: 1 }],
      includeLineItems: false,
      networkAud: a.inputs.aud,
      merchantAud: b.inputs.aud,
      nonces: { payment: a.inputs.nonce, checkout: b.inputs.nonce },
      iss: a.inputs.iss,
      iat: a.inputs.iat,
      lifetimeSeconds: a.inputs.exp - a.inputs.iat,
      salt: salts,
    });
    expect(l3.paymentL2).toBe(a.selective_presentation);
    expect(l3.checkoutL2).toBe(b.selective_presentation);
    expect(sha256b64u(l3.paymentL2)).toBe(a.sd_hash);
    expect(sha256b64u(l3.checkoutL2)).toBe(b.sd_hash);
    expectLayer(l3.payment, a.credential, keys.agent.public);
    expectLayer(l3.checkout, b.credential, keys.agent.public);
    expect(decodeJson(parts(l3.payment.split('~')[0]!)[1]!)).not.toHaveProperty('_sd');
  });

  describe('chain scenarios reach the reference verdict', () => {
    const scenarios: Json[] = present ? V.verification_conformance.chain_scenarios : [];
    it('maps every reference error string to one of our codes', () => {
      for (const s of scenarios)
        for (const e of s.expected_errors) expect(codesForReferenceError(e), e).toBeDefined();
    });
    for (const s of scenarios) {
      it(s.name, async () => {
        // A bundle cannot skip issuer verification: supply the issuer key, as the upstream bundles do.
        const issuer =
          s.issuer_public ?? (s.skip_issuer_verification ? keys.issuer.public : undefined);
        const l3 =
          s.l3_payment || s.l3_checkout
            ? [
                {
                  payment: s.l3_payment,
                  payment_l2: s.l2_payment_serialized,
                  checkout: s.l3_checkout,
                  checkout_l2: s.l2_checkout_serialized,
                },
              ]
            : undefined;
        const bundle = {
          vi_bundle: 1,
          at: s.current_time,
          trust: { issuer_jwks: { keys: issuer ? [{ ...issuer, kid: keys.issuer.kid }] : [] } },
          l1: s.l1,
          l2: s.l2,
          ...(l3 ? { l3 } : {}),
          expect: {
            l2: given({ aud: s.expected_l2_aud, nonce: s.expected_l2_nonce }),
            l3a: given({ aud: s.expected_l3_payment_aud, nonce: s.expected_l3_payment_nonce }),
            l3b: given({ aud: s.expected_l3_checkout_aud, nonce: s.expected_l3_checkout_nonce }),
          },
        };
        const result = await verifyPresentation(bundle);
        const codes = result.errors.map((e) => e.code);
        expect({ valid: result.valid, codes }).toMatchObject({ valid: s.expected_valid });
        for (const e of s.expected_errors)
          expect(
            codes.some((c) => codesForReferenceError(e)!.includes(c)),
            `${e} → ${codes.join(', ')}`,
          ).toBe(true);
      });
    }
  });

  describe('constraint cases: satisfied / violations / checked / skipped', () => {
    const cases: Json[] = present ? V.verification_conformance.constraint_cases : [];
    /** The reference's fulfillment (final values by name) in our Fulfillment shape. */
    const fulfillmentOf = (f: Json): Fulfillment => ({
      ...(f.payment_amount || f.payee
        ? {
            payment: {
              amount: f.payment_amount?.amount,
              currency: f.payment_amount?.currency,
              payee: f.payee,
            },
          }
        : {}),
      ...(f.line_items
        ? {
            checkout: {
              merchant: undefined,
              lineLists: [
                {
                  source: 'line_items',
                  lines: f.line_items.map((l: Json) => ({ sku: l.id, quantity: l.quantity })),
                },
              ],
            },
          }
        : {}),
    });
    for (const c of cases) {
      it(c.name, () => {
        const s = summarizeConstraints(c.constraints, fulfillmentOf(c.fulfillment), {
          at: V.verification.verify_now,
          strictness: c.mode === 'strict' ? 'STRICT' : 'PERMISSIVE',
          openMandate: c.is_open_mandate,
          profile: VI_2026_04,
        });
        expect({
          satisfied: s.satisfied,
          violations: s.violations,
          checked: s.checked,
          skipped: s.skipped,
        }).toEqual(c.expected);
      });
    }
  });

  describe('integrity cases', () => {
    const cases: Json[] = present ? V.verification_conformance.integrity_cases : [];
    const holds = (c: Json): boolean => {
      switch (c.kind) {
        case 'checkout_hash':
          // CF §6.2: recompute from checkout_jwt; both checkout_hash and transaction_id must equal it.
          return (
            sha256b64u(c.checkout_mandate.checkout_jwt) === c.checkout_mandate.checkout_hash &&
            c.payment_mandate.transaction_id === c.checkout_mandate.checkout_hash
          );
        case 'l3_xref':
          return (
            c.l3_payment_claims.delegate_payload[0].transaction_id ===
            c.l3_checkout_claims.delegate_payload[0].checkout_hash
          );
        case 'l2_ref': {
          // conditional_transaction_id is the digest of the checkout mandate disclosure as our parser computes it.
          const ref = c.payment_mandate.constraints.find(
            (k: Json) => k.type === VI_2026_04.constraint.reference,
          );
          return (
            parseDisclosure(c.checkout_disclosure, 'l2').digest === ref.conditional_transaction_id
          );
        }
        default:
          throw new Error(`unknown integrity kind ${c.kind}`);
      }
    };
    for (const c of cases) it(c.name, () => expect(holds(c)).toBe(c.expected_valid));
  });

  describe('bundles get their recorded verdicts', () => {
    const files = present
      ? readdirSync(join(dir, 'bundles'))
          .filter((f) => f.endsWith('.json'))
          .sort()
      : [];
    it('has bundles to run', () => expect(files.length).toBeGreaterThan(10));
    for (const f of files) {
      it(f, async () => {
        const bundle = JSON.parse(readFileSync(join(dir, 'bundles', f), 'utf8'));
        const result = await verifyPresentation(bundle);
        expect({
          valid: result.valid,
          errors: result.errors.map((e) => `${e.code}: ${e.message}`),
        }).toMatchObject({ valid: bundle.verdict.valid });
        for (const e of result.errors) expect(isErrorCode(e.code)).toBe(true);
      });
    }
  });
});
