/**
 * Parse the compact SD-JWT serialization once: `<jwt>~<disclosure>~...~`.
 *
 * Every later step works on these parsed bytes; nothing is re-serialized.
 * Signing input, header, payload and each disclosure digest are computed here
 * exactly once.
 */
import { VIError, type Layer } from '../errors.js';
import { decodeBase64url } from './base64url.js';
import { sha256b64u } from './digest.js';

export interface ParsedJwt {
  /** The compact JWS exactly as received. */
  compact: string;
  signingInput: string;
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signature: Buffer;
}

export interface ParsedDisclosure {
  /** The base64url text as presented; its digest is over exactly this. */
  encoded: string;
  digest: string;
  salt: string;
  /** Present for object-property disclosures `[salt, name, value]`. */
  name?: string;
  value: unknown;
}

export interface ParsedSdJwt {
  /** The whole presentation string as received (what an `sd_hash` covers). */
  serialized: string;
  jwt: ParsedJwt;
  disclosures: ParsedDisclosure[];
}

export interface ParseLimits {
  maxLength: number;
  maxDisclosures: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxLength: 256 * 1024, maxDisclosures: 256 };

function fail(code: 'SDJWT_MALFORMED' | 'JWT_MALFORMED' | 'DISCLOSURE_MALFORMED' | 'LIMIT_EXCEEDED', layer: Layer, message: string): never {
  throw new VIError({ code, layer, message });
}

function parseJsonObject(b64: string, layer: Layer, what: string): Record<string, unknown> {
  const bytes = decodeBase64url(b64);
  if (!bytes) fail('JWT_MALFORMED', layer, `${what} is not base64url`);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    fail('JWT_MALFORMED', layer, `${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('JWT_MALFORMED', layer, `${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Parse a compact JWS (header.payload.signature). Throws VIError. */
export function parseJwt(compact: string, layer: Layer): ParsedJwt {
  const parts = compact.split('.');
  if (parts.length !== 3) fail('JWT_MALFORMED', layer, `JWT must have 3 segments, got ${parts.length}`);
  const [h, p, s] = parts as [string, string, string];
  const header = parseJsonObject(h, layer, 'JWT header');
  const payload = parseJsonObject(p, layer, 'JWT payload');
  const signature = decodeBase64url(s);
  if (!signature) fail('JWT_MALFORMED', layer, 'JWT signature is not base64url');
  return { compact, signingInput: `${h}.${p}`, header, payload, signature };
}

/** Parse one disclosure and compute its digest (once). Throws VIError. */
export function parseDisclosure(encoded: string, layer: Layer): ParsedDisclosure {
  const bytes = decodeBase64url(encoded);
  if (!bytes) fail('DISCLOSURE_MALFORMED', layer, 'disclosure is not base64url');
  let arr: unknown;
  try {
    arr = JSON.parse(bytes.toString('utf8'));
  } catch {
    fail('DISCLOSURE_MALFORMED', layer, 'disclosure is not JSON');
  }
  if (!Array.isArray(arr) || (arr.length !== 2 && arr.length !== 3)) {
    fail('DISCLOSURE_MALFORMED', layer, 'disclosure must be a JSON array of 2 or 3 elements');
  }
  const salt = arr[0];
  if (typeof salt !== 'string') fail('DISCLOSURE_MALFORMED', layer, 'disclosure salt must be a string');
  const digest = sha256b64u(encoded);
  if (arr.length === 3) {
    const name = arr[1];
    if (typeof name !== 'string') fail('DISCLOSURE_MALFORMED', layer, 'disclosure claim name must be a string');
    if (name === '_sd' || name === '...') fail('DISCLOSURE_MALFORMED', layer, `disclosure claim name "${name}" is reserved`);
    return { encoded, digest, salt, name, value: arr[2] };
  }
  return { encoded, digest, salt, value: arr[1] };
}

/**
 * Parse `<jwt>~<d1>~...~<dn>~`. A key-binding JWT after the last `~` is not
 * part of VI (binding is by `sd_hash` in the next layer) and is refused.
 */
export function parseSdJwt(serialized: unknown, layer: Layer, limits: ParseLimits = DEFAULT_PARSE_LIMITS): ParsedSdJwt {
  if (typeof serialized !== 'string' || serialized.length === 0) {
    fail('SDJWT_MALFORMED', layer, `${layer} must be a non-empty string`);
  }
  if (serialized.length > limits.maxLength) {
    fail('LIMIT_EXCEEDED', layer, `${layer} is ${serialized.length} characters, limit ${limits.maxLength}`);
  }
  const parts = serialized.split('~');
  if (parts.length < 2) fail('SDJWT_MALFORMED', layer, 'SD-JWT must end with "~"');
  if (parts[parts.length - 1] !== '') fail('SDJWT_MALFORMED', layer, 'SD-JWT must end with "~" (key-binding JWTs are not used in VI)');
  const encodedDisclosures = parts.slice(1, -1);
  if (encodedDisclosures.length > limits.maxDisclosures) {
    fail('LIMIT_EXCEEDED', layer, `${encodedDisclosures.length} disclosures, limit ${limits.maxDisclosures}`);
  }
  const jwt = parseJwt(parts[0] as string, layer);
  const disclosures = encodedDisclosures.map((d) => {
    if (d === '') fail('SDJWT_MALFORMED', layer, 'empty disclosure between "~"');
    return parseDisclosure(d, layer);
  });
  return { serialized, jwt, disclosures };
}

/** The issuer-signed part of an SD-JWT string (before the first `~`). */
export function issuerJwtOf(serialized: string): string {
  const i = serialized.indexOf('~');
  return i < 0 ? serialized : serialized.slice(0, i);
}
