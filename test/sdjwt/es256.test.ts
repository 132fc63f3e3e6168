/**
 * ES256 over the reused signing-input buffer: consecutive signatures over
 * different inputs, inputs longer than the buffer, and a cross-check with
 * node:crypto given fresh Buffers.
 */
import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSigningKey, signEs256, verifyEs256 } from '../../src/sdjwt/keys.js';

const key = generateSigningKey('es256-test');
const pub = createPublicKey(key.privateKey);
const input = (n: number, c: string) =>
  `${Buffer.alloc(n, c).toString('base64url')}.${Buffer.from('{"a":1}').toString('base64url')}`;

describe('ES256 sign and verify', () => {
  it('keeps consecutive inputs apart', () => {
    const a = input(1500, 'a');
    const b = input(900, 'b');
    const sa = signEs256(a, key.privateKey);
    const sb = signEs256(b, key.privateKey);
    expect(verifyEs256(a, sa, pub)).toBe(true);
    expect(verifyEs256(b, sb, pub)).toBe(true);
    expect(verifyEs256(a, sb, pub)).toBe(false);
    expect(verifyEs256(b, sa, pub)).toBe(false);
    // A shorter input after a longer one: no stale tail from the previous bytes.
    expect(verifyEs256(b.slice(0, 100), signEs256(b.slice(0, 100), key.privateKey), pub)).toBe(
      true,
    );
  });

  it('signs and verifies inputs longer than the reused buffer', () => {
    const long = input(40_000, 'z');
    const sig = signEs256(long, key.privateKey);
    expect(verifyEs256(long, sig, pub)).toBe(true);
    expect(verifyEs256(`${long}x`, sig, pub)).toBe(false);
  });

  it('agrees with node:crypto over a fresh Buffer of the same input', () => {
    const s = input(2000, 'q');
    const sig = signEs256(s, key.privateKey);
    expect(
      verify('sha256', Buffer.from(s, 'ascii'), { key: pub, dsaEncoding: 'ieee-p1363' }, sig),
    ).toBe(true);
  });
});
