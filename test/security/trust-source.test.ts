/**
 * Class 13 (no trust and no time from the bundle by default), on the shipped
 * vectors that stand for it. A vector's `trust` and `at` are the verifier's
 * configuration by the bundle format, so the two class-13 vectors are valid
 * as vectors; their `configured` member (ignored by verifiers, BUNDLE.md)
 * holds the trust and time of every other vector and the verdict a verifier
 * configured with them reaches. scripts/make-vectors.ts writes them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/errors.js';
import type { JwkSet } from '../../src/profiles/bundle.js';
import { verifyPresentation } from '../../src/verify/index.js';
import { codes, expectRefused } from './helpers.js';

interface ConfiguredVector {
  file: string;
  bundle: Record<string, unknown> & { at: number; trust: { issuer_jwks: JwkSet } };
  configured: {
    issuer_jwks: JwkSet;
    merchant_jwks: JwkSet;
    now: number;
    verdict: { valid: false; code: ErrorCode };
  };
}

const VALID = resolve(__dirname, '../../vectors/valid');
const vectors: ConfiguredVector[] = readdirSync(VALID)
  .sort()
  .map((f) => ({ file: f, bundle: JSON.parse(readFileSync(join(VALID, f), 'utf8')) }))
  .filter((v) => v.bundle.configured !== undefined)
  .map((v) => ({ ...v, configured: v.bundle.configured }));

const configuredOptions = (v: ConfiguredVector) => ({
  issuerKeys: v.configured.issuer_jwks,
  merchantKeys: v.configured.merchant_jwks,
  now: v.configured.now,
});

describe('class 13 vectors (vectors/valid/*, with `configured`)', () => {
  it('there is one for the keys and one for the clock', () => {
    expect(vectors.map((v) => v.file)).toEqual([
      'immediate-self-chosen-time.json',
      'immediate-self-vouching-issuer.json',
    ]);
    expect(vectors.map((v) => v.configured.verdict.code).sort()).toEqual([
      'EXPIRED',
      'L1_SIGNATURE_INVALID',
    ]);
  });

  for (const v of vectors) {
    describe(v.file, () => {
      it('is valid as a test vector: under its own trust and time (the opt-in of vector checking)', async () => {
        const r = await verifyPresentation(v.bundle, { trustFromBundle: true });
        expect({ valid: r.valid, errors: r.errors }).toEqual({ valid: true, errors: [] });
      });

      it('is refused by default: no configured issuer keys → TRUST_NOT_CONFIGURED, whatever the bundle carries', async () => {
        const r = await verifyPresentation(v.bundle);
        expectRefused(r, 'TRUST_NOT_CONFIGURED', 'bundle');
        expect(codes(r)).toEqual(['TRUST_NOT_CONFIGURED']);
      });

      it('is refused with the configured trust and time of the other vectors, with the recorded code', async () => {
        const r = await verifyPresentation(v.bundle, configuredOptions(v));
        expectRefused(r, v.configured.verdict.code);
        expect(r.at).toBe(v.configured.now);
      });

      it('configured keys win even when vector checking is asked for', async () => {
        // The clock vector's keys are genuine: only its time gives it away, and a configured `now` wins too.
        const r = await verifyPresentation(v.bundle, {
          ...configuredOptions(v),
          trustFromBundle: true,
        });
        expectRefused(r, v.configured.verdict.code);
      });
    });
  }

  it("the keys vector: the L1 is signed by the key its bundle's trust lists, not by the configured issuer key", () => {
    const v = vectors.find((x) => x.file === 'immediate-self-vouching-issuer.json')!;
    const own = v.bundle.trust.issuer_jwks.keys[0]!;
    const configured = v.configured.issuer_jwks.keys[0]!;
    expect(own.kid).toBe(configured.kid);
    expect(own.x).not.toBe(configured.x);
  });

  it("the clock vector: the bundle's at is before the configured time, and the chain is fresh only at the bundle's", () => {
    const v = vectors.find((x) => x.file === 'immediate-self-chosen-time.json')!;
    expect(v.bundle.at).toBeLessThan(v.configured.now);
    expect(v.bundle.trust.issuer_jwks).toEqual(v.configured.issuer_jwks);
  });
});
