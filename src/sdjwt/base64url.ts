/** Strict base64url (RFC 4648 §5, no padding): Node's decoder is lenient, so check first. */
const B64U = /^[A-Za-z0-9_-]*$/;

export function isBase64url(s: string): boolean {
  return B64U.test(s) && s.length % 4 !== 1;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Decode, or return undefined when `s` is not strict unpadded base64url.
 * The unused low bits of the last character must be zero (RFC 4648 §3.5):
 * otherwise several strings decode to the same bytes, and a signature could
 * be re-encoded into a "different" credential (a new l2_id) that still verifies.
 */
export function decodeBase64url(s: string): Buffer | undefined {
  if (!isBase64url(s)) return undefined;
  const rem = s.length % 4;
  if (rem !== 0 && (ALPHABET.indexOf(s[s.length - 1]!) & (rem === 2 ? 0x0f : 0x03)) !== 0) return undefined;
  return Buffer.from(s, 'base64url');
}

export function encodeBase64url(data: Uint8Array | string): string {
  return Buffer.from(data).toString('base64url');
}
