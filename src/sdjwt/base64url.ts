/** Strict base64url (RFC 4648 §5, no padding): Node's decoder is lenient, so check first. */
const B64U = /^[A-Za-z0-9_-]*$/;

export function isBase64url(s: string): boolean {
  return B64U.test(s) && s.length % 4 !== 1;
}

/** Decode, or return undefined when `s` is not strict unpadded base64url. */
export function decodeBase64url(s: string): Buffer | undefined {
  if (!isBase64url(s)) return undefined;
  return Buffer.from(s, 'base64url');
}

export function encodeBase64url(data: Uint8Array | string): string {
  return Buffer.from(data).toString('base64url');
}
