/**
 * Guards every layer shares, written once: a plain JSON object, and the JWK
 * members that make a key private. Nothing here imports anything.
 */

/** A JSON object: not null, not an array. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Private members of EC, RSA and symmetric JWKs (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
export const PRIVATE_JWK_MEMBERS: ReadonlySet<string> = new Set([
  'd',
  'p',
  'q',
  'dp',
  'dq',
  'qi',
  'oth',
  'k',
]);

/** Whether a JWK (or any object) carries a private member. */
export function hasPrivateJwkMember(jwk: Record<string, unknown>): boolean {
  for (const name of PRIVATE_JWK_MEMBERS) if (Object.hasOwn(jwk, name)) return true;
  return false;
}

/**
 * A URL safe to log or show: userinfo dropped and every query value (and the
 * fragment) replaced, since tokens travel there (`?access_token=…`). Anything
 * that is not a URL is shown as `[unparseable URL]`.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '[unparseable URL]';
  }
  u.username = '';
  u.password = '';
  const names = [...new Set(u.searchParams.keys())];
  u.search = names.length
    ? `?${names.map((n) => `${encodeURIComponent(n)}=redacted`).join('&')}`
    : '';
  if (u.hash) u.hash = '#redacted';
  return u.toString();
}

/** `text` with every occurrence of `url` replaced by its redacted form (error messages may quote it). */
export function redactUrlIn(text: string, url: string): string {
  return url ? text.split(url).join(redactUrl(url)) : text;
}
