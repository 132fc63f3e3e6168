import { createHash } from 'node:crypto';

/** B64U(SHA-256(ASCII(s))): the digest VI uses for disclosures, sd_hash and checkout_hash. */
export function sha256b64u(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('base64url');
}
