/** Strict base64url (RFC 4648 §5, no padding): Node's decoder is lenient, so the checks are ours. */
const B64U = /^[A-Za-z0-9_-]*$/;

export function isBase64url(s: string): boolean {
  return B64U.test(s) && s.length % 4 !== 1;
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
 * Decode, or return undefined when `s` is not strict unpadded base64url:
 * only the 64 URL-safe characters, no padding, not 1 mod 4 long, and zero
 * in the unused low bits of the last character (RFC 4648 §3.5). Otherwise
 * several strings decode to the same bytes, and a signature could be
 * re-encoded into a "different" credential that still verifies.
 *
 * Node's decoder skips characters outside its alphabet (and any '='), so a
 * decoded length short of what `s.length` implies means such a character
 * was there; it also reads '+' and '/' as '-' and '_', and keeps the low
 * byte of wide code units. With those refused, the decoded bytes are exactly
 * the strict reading. This is the canonical round trip (re-encode, compare)
 * without building the second string: test/sdjwt/base64url.test.ts holds the
 * two to the same answer on every input.
 */
export function decodeBase64url(s: string): Buffer | undefined {
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

export function encodeBase64url(data: Uint8Array | string): string {
  return Buffer.from(data).toString('base64url');
}
