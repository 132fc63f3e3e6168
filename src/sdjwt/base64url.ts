/** Strict base64url (RFC 4648 §5, no padding): Node's decoder is lenient, so check first. */
const B64U = /^[A-Za-z0-9_-]*$/;

export function isBase64url(s: string): boolean {
  return B64U.test(s) && s.length % 4 !== 1;
}

/**
 * Decode, or return undefined when `s` is not strict unpadded base64url.
 * The unused low bits of the last character must be zero (RFC 4648 §3.5):
 * otherwise several strings decode to the same bytes, and a signature could
 * be re-encoded into a "different" credential (a new l2_id) that still verifies.
 *
 * Checked by round trip: Node's lenient decoder skips foreign characters and
 * accepts '+', '/' and '=', but the canonical encoding of what it decoded
 * equals `s` exactly when `s` is in the alphabet, unpadded, not 1 mod 4 long
 * and zero in its unused bits, which is what {@link isBase64url} and the bit
 * test required. Cheaper than a regex pass over the string before decoding.
 */
export function decodeBase64url(s: string): Buffer | undefined {
  const bytes = Buffer.from(s, 'base64url');
  return bytes.toString('base64url') === s ? bytes : undefined;
}

export function encodeBase64url(data: Uint8Array | string): string {
  return Buffer.from(data).toString('base64url');
}
