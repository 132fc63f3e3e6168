/**
 * The crypto seam everywhere but Node: browsers, Deno, Cloudflare Workers
 * (workerd), Vercel Edge. Only what every one of them has: WebCrypto
 * (`crypto.subtle`, `crypto.getRandomValues`), TextEncoder and TextDecoder.
 *
 * WebCrypto verifies only with a promise, so {@link verifyEs256Now} answers
 * undefined and the verifier checks signatures in one batched phase
 * (src/sdjwt/signature-check.ts). Digests stay synchronous (sha256.ts), and
 * key validation too: a point off the curve is refused at import, as on
 * Node, so both platforms give the same verdict and the same codes.
 * There are no in-process private keys here: a wallet or issuer signs with a
 * WebCrypto key through `webCryptoSigner`.
 */
import type { webcrypto } from 'node:crypto';
import type {
  P256Coordinates,
  PlatformApi,
  PrivateKeyHandle,
  PublicKeyHandle,
} from './platform-api.js';
import { sha256Bytes } from './sha256.js';

// Types only (erased): WebCrypto's key type, spelled as @types/node spells it.
type CryptoKey = webcrypto.CryptoKey;

export type { P256Coordinates, PrivateKeyHandle, PublicKeyHandle } from './platform-api.js';

export const PLATFORM: PlatformApi['PLATFORM'] = 'web';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const SEXTET = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) SEXTET[ALPHABET.charCodeAt(i)] = i;

export function sha256(bytes: Uint8Array): Uint8Array {
  return sha256Bytes(bytes);
}

/** Reused for the UTF-8 of what is hashed (encodeInto writes synchronously; nothing else runs in between). */
const hashScratch = new Uint8Array(64 * 1024);

export function sha256b64u(s: string): string {
  if (s.length * 3 > hashScratch.length) return encodeBase64url(sha256Bytes(encoder.encode(s)));
  const { written } = encoder.encodeInto(s, hashScratch);
  return encodeBase64url(sha256Bytes(hashScratch.subarray(0, written)));
}

export function random128(): string {
  return encodeBase64url(globalThis.crypto.getRandomValues(new Uint8Array(16)));
}

export function encodeBase64url(data: Uint8Array | string): string {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  const n = bytes.length;
  let out = '';
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out +=
      ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + ALPHABET[v & 63]!;
  }
  if (n - i === 1) {
    const v = bytes[i]! << 16;
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]!;
  } else if (n - i === 2) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]!;
  }
  return out;
}

/** Strict unpadded base64url: the same answers as platform.ts (test/sdjwt/platform.test.ts holds them together). */
export function decodeBase64url(s: string): Uint8Array | undefined {
  const n = s.length;
  const tail = n & 3;
  if (tail === 1) return undefined;
  const out = new Uint8Array((n >> 2) * 3 + (tail === 0 ? 0 : tail - 1));
  let o = 0;
  let i = 0;
  const at = (k: number): number => {
    const c = s.charCodeAt(k);
    return c < 128 ? SEXTET[c]! : -1;
  };
  for (; i + 4 <= n; i += 4) {
    const a = at(i);
    const b = at(i + 1);
    const c = at(i + 2);
    const d = at(i + 3);
    if ((a | b | c | d) < 0) return undefined;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
    out[o++] = v & 255;
  }
  if (tail === 2) {
    const a = at(i);
    const b = at(i + 1);
    if ((a | b) < 0 || (b & 0x0f) !== 0) return undefined;
    out[o] = (a << 2) | (b >> 4);
  } else if (tail === 3) {
    const a = at(i);
    const b = at(i + 1);
    const c = at(i + 2);
    if ((a | b | c) < 0 || (c & 0x03) !== 0) return undefined;
    const v = (a << 18) | (b << 12) | (c << 6);
    out[o++] = v >> 16;
    out[o] = (v >> 8) & 255;
  }
  return out;
}

export function utf8ByteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3; // lone surrogates encode as U+FFFD, 3 bytes
  }
  return n;
}

export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

// P-256 (SEC 2 §2.4.2): y² = x³ − 3x + b over GF(p).
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

function bigOf(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** The checked coordinates, and the WebCrypto key once a signature needs it. */
interface WebPublicKey {
  readonly x: string;
  readonly y: string;
  crypto?: Promise<CryptoKey>;
}

export function importP256(c: P256Coordinates): PublicKeyHandle {
  const xb = decodeBase64url(c.x);
  const yb = decodeBase64url(c.y);
  if (xb?.length !== 32 || yb?.length !== 32) throw new Error('P-256 coordinates must be 32 bytes');
  const x = bigOf(xb);
  const y = bigOf(yb);
  if (x >= P || y >= P || (y * y - (x * x * x - 3n * x + B)) % P !== 0n)
    throw new Error('not a point on P-256');
  const key: WebPublicKey = { x: c.x, y: c.y };
  return key as unknown as PublicKeyHandle;
}

function cryptoKeyOf(handle: PublicKeyHandle): Promise<CryptoKey> {
  const key = handle as unknown as WebPublicKey;
  if (key.crypto === undefined) {
    key.crypto = globalThis.crypto.subtle.importKey(
      'jwk',
      { kty: 'EC', crv: 'P-256', x: key.x, y: key.y, ext: true },
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
  }
  return key.crypto;
}

export function verifyEs256Now(): undefined {
  return undefined;
}

export async function verifyEs256Async(
  signingInput: string,
  signature: Uint8Array,
  key: PublicKeyHandle,
): Promise<boolean> {
  if (signature.length !== 64) return false;
  try {
    return await globalThis.crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      await cryptoKeyOf(key),
      signature,
      encoder.encode(signingInput),
    );
  } catch {
    return false;
  }
}

export function signEs256Now(_signingInput: string, _key: PrivateKeyHandle): undefined {
  return undefined;
}

export function generateP256(): undefined {
  return undefined;
}

export function privateKeyFromJwk(_jwk: Record<string, unknown>): undefined {
  return undefined;
}

export function exportPrivateJwk(_key: PrivateKeyHandle): Record<string, unknown> {
  throw new Error('no in-process private keys on this platform');
}

/** WebCrypto parses no certificates: an x5c root cannot be anchored here (the verifier refuses it). */
export function x5cLeafKey(): { problem: string } {
  return { problem: 'x5c chains are checked on Node only (this runtime has no X.509 parser)' };
}
