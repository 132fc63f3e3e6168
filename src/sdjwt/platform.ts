/**
 * The crypto seam on Node (and Bun, whose node:crypto is complete): one-shot
 * node:crypto calls on reused buffers, synchronous, so a verification needs
 * no await per primitive. The package's `browser`, `worker`, `deno` and
 * `default` conditions swap this file for platform-web.ts
 * (scripts/post-build.mjs); both implement {@link PlatformApi}.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hash,
  type JsonWebKey,
  type KeyObject,
  randomFillSync,
  sign,
  verify,
  X509Certificate,
} from 'node:crypto';
import type {
  P256Coordinates,
  PlatformApi,
  PrivateKeyHandle,
  PublicKeyHandle,
} from './platform-api.js';

export type { P256Coordinates, PrivateKeyHandle, PublicKeyHandle } from './platform-api.js';

export const PLATFORM: PlatformApi['PLATFORM'] = 'node';

/**
 * One-shot `crypto.hash` (Node ≥ 20.12) skips the Hash object createHash
 * builds: about 3x faster on the short strings VI hashes. createHash is the
 * fallback for older Node 20 releases.
 */
const oneShot: ((s: string) => string) | undefined =
  typeof hash === 'function' ? (s) => hash('sha256', s, 'base64url') : undefined;

export function sha256b64u(s: string): string {
  return oneShot ? oneShot(s) : createHash('sha256').update(s, 'utf8').digest('base64url');
}

export function sha256(bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest();
}

/**
 * CSPRNG bytes drawn ahead in one `randomFillSync` and handed out 16 at a
 * time, each slice once: a `randomBytes(16)` call per salt costs about as
 * much as encoding the disclosure it salts. The pool is per process (cluster
 * workers and worker threads each fill their own) and refilled only after
 * every slice of it has been used.
 */
const RANDOM_POOL_BYTES = 4096;
const randomPool = Buffer.allocUnsafe(RANDOM_POOL_BYTES);
let randomPoolOffset = RANDOM_POOL_BYTES;

export function random128(): string {
  if (randomPoolOffset + 16 > RANDOM_POOL_BYTES) {
    randomFillSync(randomPool);
    randomPoolOffset = 0;
  }
  const start = randomPoolOffset;
  randomPoolOffset += 16;
  return randomPool.toString('base64url', start, start + 16);
}

/** Value of each base64url character (ASCII), -1 for anything else. */
const SEXTET = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++)
  SEXTET['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.charCodeAt(i)] = i;

/**
 * A UTF-16 code unit above 0xFF. Node's decoder keeps only the low byte of
 * such a unit ('Ł', U+0141, decodes as 'A'), so these must be refused
 * before decoding. V8 answers this test without a scan for strings it
 * stores one byte per character, which is every string a request carries
 * unless it holds such a character.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the class is every one-byte code unit, control characters included, on purpose
const WIDE = /[^\x00-\xff]/;

/**
 * Node's decoder skips characters outside its alphabet (and any '='), so a
 * decoded length short of what `s.length` implies means such a character
 * was there; it also reads '+' and '/' as '-' and '_', and keeps the low
 * byte of wide code units. With those refused, the decoded bytes are exactly
 * the strict reading. This is the canonical round trip (re-encode, compare)
 * without building the second string: test/sdjwt/base64url.test.ts holds the
 * two to the same answer on every input, and platform-web.ts to this one.
 */
export function decodeBase64url(s: string): Uint8Array | undefined {
  const n = s.length;
  const tail = n & 3;
  if (tail === 1 || WIDE.test(s)) return undefined;
  const bytes = Buffer.from(s, 'base64url');
  if (bytes.length !== (n >> 2) * 3 + (tail === 0 ? 0 : tail - 1)) return undefined;
  if (s.indexOf('+') !== -1 || s.indexOf('/') !== -1) return undefined;
  if (tail !== 0) {
    const c = s.charCodeAt(n - 1);
    const v = c < 128 ? SEXTET[c]! : -1;
    // 2 characters carry 1 byte (4 bits unused), 3 carry 2 bytes (2 bits unused).
    if (v < 0 || (v & (tail === 2 ? 0x0f : 0x03)) !== 0) return undefined;
  }
  return bytes;
}

/**
 * base64url of bytes, or of the UTF-8 of a string. Short strings are written
 * through one reused buffer (the write and the encode are synchronous, so
 * nothing can reuse it in between); longer ones get their own.
 */
const encodeScratch = Buffer.allocUnsafe(32 * 1024);

export function encodeBase64url(data: Uint8Array | string): string {
  if (typeof data !== 'string') {
    // A Buffer (what this module decodes to) encodes as it is; another view gets a Buffer over the same bytes.
    const b = Buffer.isBuffer(data)
      ? data
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return b.toString('base64url');
  }
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  if (data.length * 3 > encodeScratch.length)
    return Buffer.from(data, 'utf8').toString('base64url');
  return encodeScratch.toString('base64url', 0, encodeScratch.write(data, 0, 'utf8'));
}

export function utf8ByteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export function utf8Decode(bytes: Uint8Array): string {
  const b = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return b.toString('utf8');
}

export function importP256(c: P256Coordinates): PublicKeyHandle {
  return createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: c.x, y: c.y },
    format: 'jwk',
  }) as unknown as PublicKeyHandle;
}

/**
 * The bytes of a JWS signing input (ASCII: base64url segments and a dot).
 * Written into one reused buffer rather than a new one per signature: about
 * 0.2 µs instead of 1.2 µs for a 1.5 KB input. Safe because node:crypto's
 * one-shot sign and verify read it synchronously, before anything can write
 * here again; longer inputs get a buffer of their own.
 */
const signingScratch = Buffer.allocUnsafe(16 * 1024);

function signingBytes(signingInput: string): Buffer {
  if (signingInput.length > signingScratch.length) return Buffer.from(signingInput, 'latin1');
  return signingScratch.subarray(0, signingScratch.write(signingInput, 0, 'latin1'));
}

export function verifyEs256Now(
  signingInput: string,
  signature: Uint8Array,
  key: PublicKeyHandle,
): boolean {
  if (signature.length !== 64) return false;
  try {
    return verify(
      'sha256',
      signingBytes(signingInput),
      { key: key as unknown as KeyObject, dsaEncoding: 'ieee-p1363' },
      signature,
    );
  } catch {
    return false;
  }
}

export async function verifyEs256Async(
  signingInput: string,
  signature: Uint8Array,
  key: PublicKeyHandle,
): Promise<boolean> {
  return verifyEs256Now(signingInput, signature, key);
}

export function signEs256Now(signingInput: string, key: PrivateKeyHandle): Uint8Array {
  return sign('sha256', signingBytes(signingInput), { key, dsaEncoding: 'ieee-p1363' });
}

type JwkPair = { privateKey: JsonWebKey; publicKey: JsonWebKey };

/** `generateKeyPairSync` with JWK encodings (Node ≥ 16; this @types/node version types only PEM and DER there). */
const generateJwkPair = (): JwkPair =>
  (generateKeyPairSync as unknown as (type: 'ec', options: object) => JwkPair)('ec', {
    namedCurve: 'P-256',
    publicKeyEncoding: { format: 'jwk' },
    privateKeyEncoding: { format: 'jwk' },
  });

function coordinates(jwk: JsonWebKey): P256Coordinates {
  return { x: typeof jwk.x === 'string' ? jwk.x : '', y: typeof jwk.y === 'string' ? jwk.y : '' };
}

export function generateP256(): { privateKey: PrivateKeyHandle; publicKey: P256Coordinates } {
  // Encoded as JWKs inside the generation job, and the private one imported again: exporting the
  // job's own KeyObject deadlocks Node 20 now and then (a GC during the export finalizes the job,
  // whose destructor takes the key's lock, which the export holds; docs/performance.md, "Fourth
  // round"). PKCS#8 DER would do too, at 1.5 ms per key against 0.34 ms.
  const { privateKey, publicKey } = generateJwkPair();
  return {
    privateKey: createPrivateKey({ key: privateKey, format: 'jwk' }),
    publicKey: coordinates(publicKey),
  };
}

export function privateKeyFromJwk(jwk: Record<string, unknown>): {
  privateKey: PrivateKeyHandle;
  publicKey: P256Coordinates;
  crv: unknown;
} {
  const privateKey = createPrivateKey({ key: jwk as never, format: 'jwk' });
  const pub = createPublicKey(privateKey).export({ format: 'jwk' });
  return { privateKey, publicKey: coordinates(pub), crv: pub.crv };
}

export function exportPrivateJwk(key: PrivateKeyHandle): Record<string, unknown> {
  return key.export({ format: 'jwk' }) as Record<string, unknown>;
}

/** At most this many certificates in a chain, each at most this many bytes: bounded work for any header. */
const X5C_MAX_CERTS = 8;
const X5C_MAX_CERT_BYTES = 16 * 1024;

/**
 * RFC 7515 §4.1.6 / RFC 5280 path checks with node:crypto's X509Certificate:
 * each certificate issued and signed by the next, every issuer a CA, the last
 * one an anchor or issued by one, all valid at `at`, the leaf key P-256.
 */
export function x5cLeafKey(
  chain: readonly Uint8Array[],
  anchors: readonly Uint8Array[],
  at: number,
): { key: P256Coordinates } | { problem: string } {
  if (chain.length === 0 || chain.length > X5C_MAX_CERTS)
    return { problem: `x5c must hold 1 to ${X5C_MAX_CERTS} certificates` };
  if ([...chain, ...anchors].some((c) => c.length > X5C_MAX_CERT_BYTES))
    return { problem: `a certificate is over ${X5C_MAX_CERT_BYTES} bytes` };
  let certs: X509Certificate[];
  let roots: X509Certificate[];
  try {
    certs = chain.map((c) => new X509Certificate(c));
    roots = anchors.map((c) => new X509Certificate(c));
  } catch {
    return { problem: 'a certificate is not DER X.509' };
  }
  const when = new Date(at * 1000);
  const current = (c: X509Certificate) =>
    new Date(c.validFrom) <= when && when <= new Date(c.validTo);
  const signedBy = (child: X509Certificate, issuer: X509Certificate) =>
    issuer.ca && child.checkIssued(issuer) && child.verify(issuer.publicKey);
  for (let i = 0; i < certs.length; i++) {
    const c = certs[i]!;
    if (!current(c)) return { problem: `certificate ${i} is not valid at ${when.toISOString()}` };
    const next = certs[i + 1];
    if (next && !signedBy(c, next))
      return {
        problem: `certificate ${i} is not issued and signed by certificate ${i + 1} (a CA)`,
      };
  }
  const last = certs[certs.length - 1]!;
  const anchored = roots.some((r) => current(r) && (r.raw.equals(last.raw) || signedBy(last, r)));
  if (!anchored) return { problem: 'the chain reaches no configured root' };
  const leaf = certs[0]!.publicKey;
  if (leaf.asymmetricKeyType !== 'ec' || leaf.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    return { problem: 'the leaf key is not P-256' };
  const jwk = leaf.export({ format: 'jwk' }) as JsonWebKey;
  return { key: { x: String(jwk.x), y: String(jwk.y) } };
}
