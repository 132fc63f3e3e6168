/**
 * Results echo the claims they verified, and results end up in HTTP
 * responses, CLI output and logs. A credential that (wrongly or with hostile
 * intent) carries a private key in a JWK must not spread it further: the
 * private members of any JWK-shaped object are dropped from what is echoed.
 */

/** Private members of EC, RSA and symmetric JWKs (RFC 7518 §6). */
const PRIVATE_JWK_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

/** A deep copy of `value` without private JWK members; other values are copied as they are. */
export function withoutPrivateKeys<T>(value: T, depth = 0): T {
  // Claims are depth-limited by the parser; the bound only guards direct callers.
  if (typeof value !== 'object' || value === null || depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => withoutPrivateKeys(v, depth + 1)) as T;
  const isJwk = 'kty' in value;
  const entries = Object.entries(value)
    .filter(([k]) => !(isJwk && PRIVATE_JWK_MEMBERS.has(k)))
    .map(([k, v]) => [k, withoutPrivateKeys(v, depth + 1)] as const);
  // fromEntries defines own properties: a "__proto__" claim stays data.
  return Object.fromEntries(entries) as T;
}
