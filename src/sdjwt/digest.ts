import { createHash, hash } from 'node:crypto';

/**
 * One-shot `crypto.hash` (Node ≥ 20.12) skips the Hash object createHash
 * builds: about 3x faster on the short strings VI hashes. createHash is the
 * fallback for older Node 20 releases.
 */
const oneShot: ((s: string) => string) | undefined =
  typeof hash === 'function' ? (s) => hash('sha256', s, 'base64url') : undefined;

/** B64U(SHA-256(UTF-8(s))): the digest VI uses for disclosures, sd_hash and checkout_hash. */
export function sha256b64u(s: string): string {
  return oneShot ? oneShot(s) : createHash('sha256').update(s, 'utf8').digest('base64url');
}
