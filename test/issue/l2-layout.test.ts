/**
 * The two L2 layouts (spec/wire-format.md "Two L2 layouts"): the reference
 * layout lists every digest in the top-level `_sd` as well, the unique layout
 * references each digest exactly once (RFC 9901 §7.1). `@sd-jwt/core`, a
 * generic SD-JWT verifier, accepts our L1 and the unique L2 as plain SD-JWTs.
 */
import { createHash } from 'node:crypto';
import { SDJwtInstance } from '@sd-jwt/core';
import { describe, expect, it } from 'vitest';
import { issueL2Autonomous } from '../../src/issue/l2-autonomous.js';
import { issueL2Immediate } from '../../src/issue/l2-immediate.js';
import { L2_LAYOUTS, type L2Layout } from '../../src/issue/l2-types.js';
import { presentToMerchant, presentToNetwork } from '../../src/present/index.js';
import { type PublicJwk, PublicKeyCache, verifyEs256 } from '../../src/sdjwt/keys.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';
import { options } from '../present/helpers.js';
import {
  autonomousPair,
  babolat,
  checkoutFor,
  codeOf,
  decode,
  head,
  instrument,
  issuerKey,
  makeL1,
  T0,
  tennis,
  userKey,
} from './fixtures.js';

/** Every digest reference in a payload and its disclosures: `_sd` entries and `{"...": d}`, anywhere. */
function references(serialized: string): string[] {
  const d = decode(serialized);
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const e of v) walk(e);
      return;
    }
    if (v === null || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (k === '_sd' && Array.isArray(x)) out.push(...(x as string[]));
      else if (k === '...' && typeof x === 'string') out.push(x);
      else walk(x);
    }
  };
  walk(d.payload);
  for (const disc of d.disclosures) walk(disc.array.at(-1));
  return out;
}

function counts(xs: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

async function l2s(layout: L2Layout, iat = T0) {
  const l1 = await makeL1(iat - 1000);
  const immediate = issueL2Immediate({
    userKey,
    l1,
    aud: 'https://agent.example.com',
    iat,
    layout,
    pairs: [
      { checkoutJwt: checkoutFor().jwt, paymentInstrument: instrument, payee: tennis },
      {
        checkoutJwt: checkoutFor(babolat, head, '249.99', 'co-b').jwt,
        paymentInstrument: instrument,
        payee: babolat,
      },
    ],
  });
  const autonomous = issueL2Autonomous({
    userKey,
    l1,
    aud: 'https://agent.example.com',
    iat,
    layout,
    pairs: [
      autonomousPair(), // payees: the merchants themselves
      autonomousPair({ payees: [{ merchantIndex: 1 }, { ...tennis, id: 'm-other' }] }),
    ],
  });
  return { l1, immediate, autonomous };
}

const pub = new PublicKeyCache();
const now = () => Math.floor(Date.now() / 1000);
function genericVerifier(jwk: PublicJwk): SDJwtInstance<Record<string, unknown>> {
  const key = pub.import(jwk);
  return new SDJwtInstance({
    verifier: (data: string, sig: string) => verifyEs256(data, Buffer.from(sig, 'base64url'), key),
    hasher: (data: string | ArrayBuffer) =>
      new Uint8Array(
        createHash('sha256')
          .update(typeof data === 'string' ? data : Buffer.from(data))
          .digest(),
      ),
    hashAlg: 'sha-256',
  });
}

describe('unique layout', () => {
  it('references every disclosure digest exactly once, with no top-level _sd', async () => {
    const { immediate, autonomous } = await l2s('unique');
    for (const l2 of [immediate, autonomous]) {
      const d = decode(l2.serialized);
      expect(d.payload._sd).toBeUndefined();
      const c = counts(references(l2.serialized));
      for (const disc of d.disclosures)
        expect({ [disc.digest]: c.get(disc.digest) }).toEqual({ [disc.digest]: 1 });
      expect([...c.values()].every((n) => n === 1)).toBe(true);
    }
  });

  it('gives a merchant that is also a payee a disclosure of its own in each allowlist', async () => {
    const { autonomous } = await l2s('unique');
    for (const p of autonomous.pairs) {
      for (const payee of p.payees) expect(p.merchants).not.toContain(payee);
      expect(new Set([...p.merchants, ...p.payees].map((x) => x.digest)).size).toBe(
        p.merchants.length + p.payees.length,
      );
    }
    expect(autonomous.pairs[1]!.payees[0]!.value).toEqual(autonomous.pairs[1]!.merchants[1]!.value);
  });

  it('the reference layout lists the mandates twice and shares merchant disclosures (what generic verifiers refuse)', async () => {
    const { autonomous } = await l2s('reference');
    const c = counts(references(autonomous.serialized));
    for (const p of autonomous.pairs) expect(c.get(p.checkout.digest)).toBe(2);
    expect(autonomous.pairs[0]!.payees).toBe(autonomous.pairs[0]!.merchants);
  });

  it('is asked for by name; anything else is a typed input error', async () => {
    const l1 = await makeL1();
    expect(
      await codeOf(() =>
        issueL2Autonomous({
          userKey,
          l1,
          aud: 'https://agent.example.com',
          layout: 'flat' as never,
          pairs: [autonomousPair()],
        }),
      ),
    ).toBe('ISSUE_INVALID_INPUT');
  });
});

describe.each(L2_LAYOUTS)('%s layout: vintent verifies every role view', (layout) => {
  it('Immediate and Autonomous, merchant and network', async () => {
    const { l1, immediate } = await l2s(layout);
    for (const pairIndex of [0, 1])
      for (const present of [presentToMerchant, presentToNetwork]) {
        const r = await verifyPresentation(present({ l1, l2: immediate, pairIndex }, options));
        expect({ pairIndex, errors: r.errors, valid: r.valid }).toEqual({
          pairIndex,
          errors: [],
          valid: true,
        });
      }
  });
});

describe('@sd-jwt/core (a generic RFC 9901 verifier)', () => {
  it('verifies and resolves our L1', async () => {
    const l1 = await makeL1(now() - 10);
    const r = await genericVerifier(issuerKey.publicJwk).verify(l1);
    expect(r.payload).toMatchObject({ email: 'alice@example.com', cnf: { jwk: { kty: 'EC' } } });
  });

  it('verifies our unique-layout L2s and resolves every mandate', async () => {
    const { immediate, autonomous } = await l2s('unique', now());
    const verifier = genericVerifier(userKey.publicJwk);
    for (const l2 of [immediate, autonomous]) {
      const r = await verifier.verify(l2.serialized);
      const mandates = (r.payload as Record<string, unknown>).delegate_payload as Record<
        string,
        unknown
      >[];
      expect(mandates).toHaveLength(4);
      for (const m of mandates) expect(typeof m.vct).toBe('string');
    }
    const r = await verifier.verify(autonomous.serialized);
    const payment = (
      (r.payload as Record<string, unknown>).delegate_payload as Record<string, any>[]
    )[1]!;
    const payees = payment.constraints.find((c: any) => Array.isArray(c.allowed)).allowed;
    expect(payees).toEqual([tennis, babolat]);
  });

  it('0.19 also accepts the reference layout: the §7.1 duplicate check landed in the 0.20 line', async () => {
    // openwallet-foundation/sd-jwt-js#389 (July 2026) refuses a digest found twice; 0.20 does not
    // install here (env packages/npm.tsv). When it does, this test turns red: then it must refuse.
    const { autonomous } = await l2s('reference', now());
    const r = await genericVerifier(userKey.publicJwk).verify(autonomous.serialized);
    expect((r.payload as Record<string, unknown>).delegate_payload).toHaveLength(4);
  });
});
