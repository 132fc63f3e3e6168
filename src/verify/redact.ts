/**
 * Results echo the claims they verified, and results end up in HTTP
 * responses, CLI output and logs. A credential that (wrongly or with hostile
 * intent) carries a private key in a JWK must not spread it further: the
 * private members of any JWK-shaped object are dropped from what is echoed.
 */

import { PRIVATE_JWK_MEMBERS } from '../sdjwt/keys.js';
import { setOwn } from '../sdjwt/resolve.js';

const hasOwn = Object.prototype.hasOwnProperty;

function hasPrivateMember(value: object): boolean {
  for (const k of PRIVATE_JWK_MEMBERS) if (hasOwn.call(value, k)) return true;
  return false;
}

/**
 * `value` without private JWK members. Copy-on-write: a subtree that holds no
 * private member is returned as it is, so the common case (nothing to drop)
 * allocates nothing; a deep copy of every echoed claim measured 45–65 µs per
 * dispute-view verification, about 15% of its signature cost.
 */
export function withoutPrivateKeys<T>(value: T, depth = 0): T {
  // Claims are depth-limited by the parser; the bound only guards direct callers.
  if (typeof value !== 'object' || value === null || depth > 64) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const e = value[i] as unknown;
      // Scalars (most of any claim set) are kept without a call.
      const v = typeof e === 'object' && e !== null ? withoutPrivateKeys(e, depth + 1) : e;
      if (v !== e && !out) out = value.slice(0, i);
      out?.push(v);
    }
    return (out ?? value) as T;
  }
  const src = value as Record<string, unknown>;
  const isJwk = 'kty' in src && hasPrivateMember(src);
  let out: Record<string, unknown> | undefined; // made on the first difference
  let i = 0;
  // for-in with an own check: Object.keys' members in its order, without allocating the array.
  for (const k in src) {
    if (!hasOwn.call(src, k)) continue;
    const e = src[k];
    const dropped = isJwk && PRIVATE_JWK_MEMBERS.has(k);
    const r = dropped || typeof e !== 'object' || e === null ? e : withoutPrivateKeys(e, depth + 1);
    if (!out && (dropped || r !== e)) out = firstMembers(src, i);
    if (out && !dropped) setOwn(out, k, r);
    i++;
  }
  return (out ?? value) as T;
}

/** A copy of the first `n` own enumerable members of `src`. */
function firstMembers(src: Record<string, unknown>, n: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let i = 0;
  for (const k in src) {
    if (i >= n) break;
    if (!hasOwn.call(src, k)) continue;
    setOwn(out, k, src[k]);
    i++;
  }
  return out;
}
