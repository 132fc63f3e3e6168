/** Strict base64url (RFC 4648 §5, no padding): Node's decoder is lenient, so the checks are ours (platform.ts). */
const B64U = /^[A-Za-z0-9_-]*$/;

export function isBase64url(s: string): boolean {
  return B64U.test(s) && s.length % 4 !== 1;
}

/** Strict decode and encode live in the crypto seam (platform.ts on Node, platform-web.ts elsewhere). */
export { decodeBase64url, encodeBase64url } from './platform.js';
