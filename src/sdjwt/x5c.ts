/**
 * An `x5c` header (RFC 7515 §4.1.6: standard padded base64 DER, leaf first)
 * checked against configured trust anchors, through the platform seam. What a
 * verifier gets is the leaf's P-256 public key, or why the chain does not count.
 */
import { decodeBase64url } from './base64url.js';
import type { PublicJwk } from './keys.js';
import { x5cLeafKey } from './platform.js';

/** Strict standard base64 (RFC 4648 §4, padded): the x5c encoding, not base64url. */
export function decodeBase64Std(s: unknown): Uint8Array | undefined {
  if (typeof s !== 'string' || s.length === 0 || s.length % 4 !== 0) return undefined;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  const url = s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return decodeBase64url(url);
}

/** The leaf key of `x5c` when it chains to one of `anchors` (base64 DER) at `at`; else the problem. */
export function anchoredX5cKey(
  x5c: unknown,
  anchors: readonly string[],
  at: number,
): { jwk: PublicJwk } | { problem: string } {
  if (!Array.isArray(x5c)) return { problem: 'x5c must be an array of base64 certificates' };
  const chain: Uint8Array[] = [];
  for (const c of x5c) {
    const der = decodeBase64Std(c);
    if (!der) return { problem: 'an x5c entry is not standard base64' };
    chain.push(der);
  }
  const roots: Uint8Array[] = [];
  for (const a of anchors) {
    const der = decodeBase64Std(a);
    if (der) roots.push(der); // a configured anchor that does not decode anchors nothing
  }
  if (roots.length === 0) return { problem: 'no x5c roots are configured' };
  const r = x5cLeafKey(chain, roots, at);
  if ('problem' in r) return r;
  return { jwk: { kty: 'EC', crv: 'P-256', x: r.key.x, y: r.key.y } as PublicJwk };
}
