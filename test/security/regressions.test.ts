/**
 * Bugs the fuzzer found (spec/security-matrix.md, "Found by fuzzing"), each
 * pinned by the smallest input that showed it, plus one documented residual.
 */
import { describe, expect, it } from 'vitest';
import { autonomousBundle, chainKeys, immediateBundle } from '../fixtures/raw-chain.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';
import { es256Raw, expectRefused, headerOf, resignSdJwt } from './helpers.js';

const B64U = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Flip an unused low bit of the last character: other text, same bytes. */
const nonCanonical = (seg: string) =>
  seg.slice(0, -1) + B64U[B64U.indexOf(seg[seg.length - 1]!) ^ 1];
const keys = chainKeys();

describe('non-canonical base64url (fuzz: "flip l2 signature @85")', () => {
  it('an Immediate L2 whose signature has a non-zero unused trailing bit → JWT_MALFORMED, not a second valid l2_id', async () => {
    const b = immediateBundle({}, 'network');
    const [jwt, ...rest] = b.l2.split('~');
    const [h, p, s] = jwt!.split('.') as [string, string, string];
    expect(s.length % 4).not.toBe(0); // 64 bytes → 86 characters, 4 unused bits
    expect(Buffer.from(nonCanonical(s), 'base64url')).toEqual(Buffer.from(s, 'base64url'));
    b.l2 = [`${h}.${p}.${nonCanonical(s)}`, ...rest].join('~');
    expectRefused(await verifyPresentation(b), 'JWT_MALFORMED', 'l2');
  });
  it('a disclosure with a non-canonical last character → DISCLOSURE_MALFORMED', async () => {
    const b = immediateBundle();
    const parts = b.l2.split('~');
    const i = parts.findIndex((d, n) => n > 0 && d.length % 4 !== 0);
    expect(i).toBeGreaterThan(0);
    parts[i] = nonCanonical(parts[i]!);
    expectRefused(
      await verifyPresentation({ ...b, l2: parts.join('~') }),
      'DISCLOSURE_MALFORMED',
      'l2',
    );
  });
});

describe('exceptions that escaped a check as INTERNAL', () => {
  it('an L3 whose L2 view does not resolve (duplicated disclosure) → L3_PAIR_UNBOUND, not INTERNAL', async () => {
    const b = autonomousBundle({}, 'dispute');
    const view = b.l3![0]!.payment_l2!.split('~');
    b.l3![0]!.payment_l2 = [view[0], view[1], view[1], ...view.slice(2)].join('~');
    const r = await verifyPresentation(b);
    expectRefused(r, 'L3_PAIR_UNBOUND', 'l3a');
    expectRefused(r, 'DISCLOSURE_DUPLICATE', 'l2');
  });
  it('an L2 whose delegate_payload is a string (signed by the user) → L2_CLAIM_MISSING, not INTERNAL', async () => {
    const b = immediateBundle({ l2Payload: (p) => void (p.delegate_payload = '27999') }, 'network');
    expectRefused(await verifyPresentation(b), 'L2_CLAIM_MISSING', 'l2');
  });
  it('an L3b without delegate_payload (signed by the agent) → L3_CLAIM_MISSING, not INTERNAL', async () => {
    const b = autonomousBundle({}, 'merchant');
    const l3b = b.l3![0]!.checkout!;
    b.l3![0]!.checkout = resignSdJwt(l3b, headerOf(l3b), es256Raw(keys.agent.privateKey), (p) => ({
      value: p,
    }));
    expectRefused(await verifyPresentation(b), 'L3_CLAIM_MISSING', 'l3b');
  });
});

describe('ECDSA malleability: identifiers do not depend on the signature', () => {
  // P-256 group order n: (r, s) and (r, n − s) are both valid signatures of the same input.
  const N = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');
  it('a malleated L2 signature still verifies but keeps the same l2_id, so the ledger sees the same L2', async () => {
    const b = immediateBundle({}, 'network');
    const original = await verifyPresentation(b);
    const [jwt, ...rest] = b.l2.split('~');
    const [h, p, s] = jwt!.split('.') as [string, string, string];
    const sig = Buffer.from(s, 'base64url');
    const sTwin = N - BigInt(`0x${sig.subarray(32).toString('hex')}`);
    const twinSig = Buffer.concat([
      sig.subarray(0, 32),
      Buffer.from(sTwin.toString(16).padStart(64, '0'), 'hex'),
    ]);
    const twin = await verifyPresentation({
      ...b,
      l2: [`${h}.${p}.${twinSig.toString('base64url')}`, ...rest].join('~'),
    });
    expect(twin.valid).toBe(true);
    // l2_id hashes the signed content only: budget, one-fulfilment-per-pair and idempotency all key on it.
    expect(twin.l2_id).toBe(original.l2_id);
    expect(twin.claims.l2?.claims.nonce).toBe(original.claims.l2?.claims.nonce);
  });
});
