/**
 * Guards every layer shares, written once: a plain JSON object, and the JWK
 * members that make a key private. Nothing here imports anything.
 */

/** A JSON object: not null, not an array. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Private members of EC, RSA and symmetric JWKs (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
export const PRIVATE_JWK_MEMBERS: ReadonlySet<string> = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

/** Whether a JWK (or any object) carries a private member. */
export function hasPrivateJwkMember(jwk: Record<string, unknown>): boolean {
  for (const name of PRIVATE_JWK_MEMBERS) if (Object.hasOwn(jwk, name)) return true;
  return false;
}
