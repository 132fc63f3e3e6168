/**
 * The web crypto seam (src/sdjwt/platform-web.ts) answers as the Node one
 * does: the same strict base64url, SHA-256, UTF-8 lengths and curve check,
 * and WebCrypto verification of node:crypto signatures. Runs in both test
 * projects; the SignatureCheck cases follow the seam the project swapped in.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  generateSigningKey,
  CRYPTO_PLATFORM as PLATFORM,
  sharedKeyCache,
  signEs256,
} from '../../src/sdjwt/keys.js';
import * as node from '../../src/sdjwt/platform.js';
import * as web from '../../src/sdjwt/platform-web.js';
import { SignatureCheck } from '../../src/sdjwt/signature-check.js';

// Both modules implement the one contract.
const contract: import('../../src/sdjwt/platform-api.js').PlatformApi[] = [node, web];

const base64urlish = fc.string({
  unit: fc.constantFrom(
    ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=. Łé',
  ),
  maxLength: 40,
});

describe('platform-web', () => {
  it('implements the contract', () => {
    expect(contract.map((p) => p.PLATFORM)).toEqual(['node', 'web']);
  });

  it('decodes base64url exactly as strictly as the Node seam', () => {
    fc.assert(
      fc.property(base64urlish, (s) => {
        const a = node.decodeBase64url(s);
        const b = web.decodeBase64url(s);
        expect(b === undefined, JSON.stringify(s)).toBe(a === undefined);
        if (a && b) expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('encodes, hashes and measures UTF-8 as node:crypto and Buffer do', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.string({ unit: 'binary', maxLength: 200 }),
        (bytes, text) => {
          expect(web.encodeBase64url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
          expect(web.encodeBase64url(text)).toBe(Buffer.from(text).toString('base64url'));
          expect(
            Buffer.from(web.sha256(bytes)).equals(createHash('sha256').update(bytes).digest()),
          ).toBe(true);
          expect(web.sha256b64u(text)).toBe(node.sha256b64u(text));
          expect(web.utf8ByteLength(text)).toBe(Buffer.byteLength(text));
        },
      ),
      { numRuns: 500 },
    );
    // Lone surrogates and block-boundary lengths (55, 56, 63, 64, 119 bytes: the padding cases).
    for (const s of [
      '\ud800',
      'a\udc00b',
      '\ud83d\ude00',
      ...[55, 56, 63, 64, 119].map((n) => 'x'.repeat(n)),
    ]) {
      expect(web.sha256b64u(s)).toBe(node.sha256b64u(s));
      expect(web.utf8ByteLength(s)).toBe(Buffer.byteLength(s));
    }
  });

  it('refuses a point off P-256 at import, as node:crypto does', () => {
    const { x, y } = generateSigningKey().publicJwk;
    expect(() => web.importP256({ x, y })).not.toThrow();
    const yBytes = Buffer.from(y, 'base64url');
    yBytes[31]! ^= 1;
    const off = { x, y: yBytes.toString('base64url') };
    expect(() => node.importP256(off)).toThrow();
    expect(() => web.importP256(off)).toThrow();
    expect(() => web.importP256({ x: 'AAAA', y })).toThrow();
  });

  it('verifies node:crypto signatures with WebCrypto and refuses tampered ones', async () => {
    const key = generateSigningKey('web-seam');
    const handle = web.importP256(key.publicJwk);
    const input = 'eyJhbGciOiJFUzI1NiJ9.eyJhIjoxfQ';
    const sig = signEs256(input, key.privateKey);
    expect(web.verifyEs256Now()).toBeUndefined();
    expect(await web.verifyEs256Async(input, sig, handle)).toBe(true);
    expect(await web.verifyEs256Async(`${input}x`, sig, handle)).toBe(false);
    expect(await web.verifyEs256Async(input, sig.subarray(0, 63), handle)).toBe(false);
  });
});

describe(`SignatureCheck on the ${PLATFORM} seam`, () => {
  const key = generateSigningKey('check');
  const handle = sharedKeyCache.import(key.publicJwk);
  const input = 'eyJhbGciOiJFUzI1NiJ9.eyJiIjoyfQ';
  const good = signEs256(input, key.privateKey);
  const bad = Uint8Array.from(good);
  bad[10]! ^= 1;

  it.runIf(PLATFORM === 'node')('answers at once on Node', () => {
    const check = new SignatureCheck();
    expect(check.verify(input, good, handle)).toBe(true);
    expect(check.verify(input, bad, handle)).toBe(false);
    expect(check.provisional).toBe(false);
  });

  it.runIf(PLATFORM === 'web')(
    'answers provisionally, settles in one batch, then answers from what it learnt',
    async () => {
      const check = new SignatureCheck();
      expect(check.verify(input, good, handle)).toBe(true);
      expect(check.verify(input, bad, handle)).toBe(true);
      expect(check.provisional).toBe(true);
      expect(await check.settle()).toBe(false);
      expect(check.provisional).toBe(false);
      expect(check.verify(input, good, handle)).toBe(true);
      expect(check.verify(input, bad, handle)).toBe(false);
      expect(check.provisional).toBe(false);
      const fresh = new SignatureCheck();
      fresh.verify(input, good, handle);
      expect(await fresh.settle()).toBe(true);
    },
  );
});
