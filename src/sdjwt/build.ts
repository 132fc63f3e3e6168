/**
 * Building SD-JWTs: signing JWS, making disclosures, serializing.
 *
 * Disclosures are base64url(UTF-8(JSON array)), byte for byte what
 * @sd-jwt/utils encodes (test/sdjwt/standard-sd-jwt.test.ts checks it) without
 * its pure-JavaScript base64; salts are 128 bits from
 * the platform's CSPRNG (a 16-byte request to some salt generators yields 64 bits).
 * L1 is a plain RFC 9901 SD-JWT ({@link standardSdJwtSealing}).
 */
import { encodeBase64url } from './base64url.js';
import { sha256b64u } from './digest.js';
import { type SigningKey, signEs256 } from './keys.js';
import { random128 as platformRandom128 } from './platform.js';
import { type Sealing, seal } from './sealing.js';

/** A disclosure as issued: its encoded form, digest and value. */
export interface BuiltDisclosure {
  encoded: string;
  digest: string;
  value: unknown;
}

/** 16 fresh CSPRNG bytes (128 bits), base64url (22 characters): pooled on Node (platform.ts). */
export function random128(): string {
  return platformRandom128();
}

/** 128-bit random salt, base64url. */
export function newSalt(): string {
  return random128();
}

/** Where disclosure salts come from: 128-bit random unless a caller reproduces fixed vectors. */
export type SaltSource = () => string;

/** base64url of the UTF-8 bytes of `text`. */
export function base64urlOfText(text: string): string {
  return encodeBase64url(text);
}

/** An array-element disclosure `[salt, value]`. */
export function makeArrayDisclosure(value: unknown, salt: SaltSource = newSalt): BuiltDisclosure {
  const encoded = base64urlOfText(JSON.stringify([salt(), value]));
  return { encoded, digest: sha256b64u(encoded), value };
}

/** An object-property disclosure `[salt, name, value]`. */
export function makePropertyDisclosure(
  name: string,
  value: unknown,
  salt: SaltSource = newSalt,
): BuiltDisclosure {
  const encoded = base64urlOfText(JSON.stringify([salt(), name, value]));
  return { encoded, digest: sha256b64u(encoded), value };
}

/** The first segment of a compact JWS: base64url of the header's JSON. */
export function encodeJwtHeader(header: Record<string, unknown>): string {
  return base64urlOfText(JSON.stringify(header));
}

/**
 * Encoded ES256 headers `{"alg":"ES256","typ":…,"kid":…}` by typ and kid: an
 * issuer signs with the same few keys again and again. Keyed by the string
 * values, so nothing a caller changes later can alter an entry; bounded by
 * starting over when a typ has seen more kids than this.
 */
const HEADER_CACHE_KIDS = 1024;
const headersByTyp = new Map<string, Map<string | undefined, string>>();

/**
 * {@link encodeJwtHeader} of `{alg: "ES256", typ, kid}`, the header every VI
 * issuer writes (`kid` left out when undefined, as JSON.stringify leaves it).
 */
export function encodeEs256Header(typ: string, kid: string | undefined): string {
  if (typeof typ !== 'string' || (kid !== undefined && typeof kid !== 'string'))
    return encodeJwtHeader({ alg: 'ES256', typ, kid });
  let byKid = headersByTyp.get(typ);
  if (byKid === undefined) headersByTyp.set(typ, (byKid = new Map()));
  let encoded = byKid.get(kid);
  if (encoded === undefined) {
    if (byKid.size >= HEADER_CACHE_KIDS) byKid.clear();
    encoded = encodeJwtHeader({ alg: 'ES256', typ, kid });
    byKid.set(kid, encoded);
  }
  return encoded;
}

/** Sign a compact ES256 JWS over a header already encoded by {@link encodeJwtHeader} (several JWTs sharing one header) and a JSON payload. */
export function signJwtWithHeader(
  encodedHeader: string,
  payload: Record<string, unknown>,
  key: SigningKey,
): string {
  const signingInput = `${encodedHeader}.${base64urlOfText(JSON.stringify(payload))}`;
  return `${signingInput}.${encodeBase64url(signEs256(signingInput, key.privateKey))}`;
}

/** Sign a compact ES256 JWS over JSON header and payload. */
export function signJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: SigningKey,
): string {
  return signJwtWithHeader(encodeJwtHeader(header), payload, key);
}

/** `<jwt>~<d1>~...~` */
export function serializeSdJwt(jwt: string, disclosures: readonly string[]): string {
  let out = `${jwt}~`;
  for (const d of disclosures) out += `${d}~`;
  return out;
}

/**
 * Issue a standard RFC 9901 SD-JWT: each claim named in `sdClaims` (top
 * level) becomes a disclosure and its digest goes into a sorted `_sd`;
 * `_sd_alg` is `sha-256`. Signed directly with the key's cached KeyObject,
 * synchronously (the layout @sd-jwt/core's `issue` produces, which
 * test/sdjwt/standard-sd-jwt.test.ts cross-checks, without its async
 * signer and hasher hops).
 */
export function* standardSdJwtSealing(
  header: Record<string, unknown> | string,
  payload: Record<string, unknown>,
  sdClaims: readonly string[],
  salt: SaltSource = newSalt,
): Sealing<string> {
  const packed: Record<string, unknown> = {};
  const digests: string[] = [];
  const disclosures: string[] = [];
  for (const name of Object.keys(payload)) {
    if (sdClaims.includes(name)) {
      const d = makePropertyDisclosure(name, payload[name], salt);
      digests.push(d.digest);
      disclosures.push(d.encoded);
    } else {
      packed[name] = payload[name];
    }
  }
  if (digests.length > 0) packed._sd = digests.sort();
  packed._sd_alg = 'sha-256';
  // Header members in the caller's order: the upstream April vectors write alg, typ, kid. A string is a header already encoded.
  return serializeSdJwt(
    yield* seal(typeof header === 'string' ? header : encodeJwtHeader(header), packed),
    disclosures,
  );
}
