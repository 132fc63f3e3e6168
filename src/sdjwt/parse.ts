/**
 * Parse the compact SD-JWT serialization once: `<jwt>~<disclosure>~...~`.
 *
 * Every later step works on these parsed bytes; nothing is re-serialized.
 * Signing input, header, payload and each disclosure digest are computed here
 * exactly once.
 */
import { type Layer, VIError } from '../errors.js';
import { decodeBase64url } from './base64url.js';
import { sha256b64u } from './digest.js';
import { isPrivateJwkMember } from './keys.js';
import type { ParsedJwtCache } from './parse-cache.js';
import { utf8Decode } from './text.js';

export interface ParsedJwt {
  /** The compact JWS exactly as received. */
  compact: string;
  signingInput: string;
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signature: Uint8Array;
  /**
   * Header or payload has, at any depth, a member named like a private JWK
   * member (RFC 7518 §6: d, p, q, ...). Only then can anything echoed from
   * it need redacting (src/verify/redact.ts).
   */
  privateJwkMember: boolean;
  /** Header or payload writes a number with a fraction or exponent (`27999.0`, `2.7999e4`): VI numbers are integers. */
  fractionalNumber: boolean;
}

export interface ParsedDisclosure {
  /** The base64url text as presented; its digest is over exactly this. */
  encoded: string;
  digest: string;
  salt: string;
  /** Present for object-property disclosures `[salt, name, value]`. */
  name?: string;
  value: unknown;
  /** The claim name or a member anywhere in the value is named like a private JWK member (see {@link ParsedJwt}). */
  privateJwkMember: boolean;
  /** The disclosure's JSON writes a number with a fraction or exponent (see {@link ParsedJwt}). */
  fractionalNumber: boolean;
}

export interface ParsedSdJwt {
  /** The whole presentation string as received (what an `sd_hash` covers). */
  serialized: string;
  jwt: ParsedJwt;
  disclosures: ParsedDisclosure[];
}

/** Bounds on what one parse accepts (spec/limits.md). Exceeding one is LIMIT_EXCEEDED. */
export interface ParseLimits {
  /** Characters in one serialized SD-JWT. */
  maxLength: number;
  /** Disclosures in one SD-JWT. */
  maxDisclosures: number;
  /** Nesting of `[`/`{` in one JSON document (header, payload, disclosure, bundle). */
  maxJsonDepth: number;
  /** UTF-16 length of any JSON string or member name, except `checkout_jwt` values. */
  maxStringLength: number;
  /** Length of a `checkout_jwt` string value. */
  maxCheckoutJwtLength: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxLength: 256 * 1024,
  maxDisclosures: 256,
  maxJsonDepth: 32,
  maxStringLength: 64 * 1024,
  maxCheckoutJwtLength: 128 * 1024,
};

function fail(
  code:
    | 'SDJWT_MALFORMED'
    | 'JWT_MALFORMED'
    | 'DISCLOSURE_MALFORMED'
    | 'LIMIT_EXCEEDED'
    | 'JSON_DUPLICATE_MEMBER',
  layer: Layer,
  message: string,
): never {
  throw new VIError({ code, layer, message });
}

/**
 * True when `text` nests `[`/`{` deeper than `max` outside string literals.
 * Checked before JSON.parse, whose recursion would otherwise overflow the stack.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** The first string (value or member name) over its limit, as a path; undefined when none. */
export function overlongString(
  value: unknown,
  limits: ParseLimits,
  path = '$',
): string | undefined {
  if (typeof value === 'string') return value.length > limits.maxStringLength ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = overlongString(value[i], limits, `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value)) {
    if (k.length > limits.maxStringLength) return `${path} member name`;
    if (k === 'checkout_jwt' && typeof v === 'string') {
      if (v.length > limits.maxCheckoutJwtLength) return `${path}.checkout_jwt`;
      continue;
    }
    const found = overlongString(v, limits, `${path}.${k}`);
    if (found) return found;
  }
  return undefined;
}

/** What {@link scanParsed} found: nesting past the limit, a member named like a private JWK member, a number. */
const TOO_DEEP = 1;
const PRIVATE_MEMBER = 2;
const NUMBER = 4;
/** The low bits of a scan are flags; the rest counts object members. */
const FLAG_BITS = 3;
const FLAGS = (1 << FLAG_BITS) - 1;

/**
 * One walk over a parsed value: whether it nests arrays/objects deeper than
 * `max` (the same count as {@link jsonDepthExceeds}; the walk stops there),
 * whether any member name is one a private JWK uses, whether it holds a
 * number, and how many object
 * members it holds. Packed in one number (flags in the low bits, the count
 * above them), so that the hot path allocates nothing for the answer.
 */
function scanParsed(value: unknown, max: number, depth = 1): number {
  if (typeof value !== 'object' || value === null) return typeof value === 'number' ? NUMBER : 0;
  if (depth > max) return TOO_DEEP;
  let flags = 0;
  let members = 0;
  if (Array.isArray(value)) {
    for (const v of value) {
      const r = scanParsed(v, max, depth + 1);
      flags |= r & FLAGS;
      members += r >>> FLAG_BITS;
      if (flags & TOO_DEEP) break;
    }
  } else {
    for (const k in value) {
      members++;
      if (isPrivateJwkMember(k)) flags |= PRIVATE_MEMBER;
      const r = scanParsed((value as Record<string, unknown>)[k], max, depth + 1);
      flags |= r & FLAGS;
      members += r >>> FLAG_BITS;
      if (flags & TOO_DEEP) break;
    }
  }
  return flags | (members << FLAG_BITS);
}

interface BoundedJson {
  value: unknown;
  privateJwkMember: boolean;
  fractionalNumber: boolean;
}

/** The index of the quote closing the string that opens at `open`, or -1. */
function closingQuote(text: string, open: number): number {
  let j = text.indexOf('"', open + 1);
  while (j > 0 && escapedAt(text, j)) j = text.indexOf('"', j + 1);
  return j;
}

/** Whether the quote at `i` is escaped (an odd run of backslashes before it). */
function escapedAt(text: string, i: number): boolean {
  let n = 0;
  while (text.charCodeAt(--i) === 0x5c) n++;
  return (n & 1) === 1;
}

/**
 * One pass over JSON text that JSON.parse accepted, strings skipped by
 * indexOf: the number of member separators (`:`) outside strings, times two,
 * plus one when a number is written with a fraction or an exponent.
 * JSON.parse keeps the last of two equal member names silently, so more
 * separators in the text than members in the value means a name was repeated;
 * and it reads `27999.0` as 27999, so only the text tells the literal.
 */
function textFacts(text: string): number {
  let members = 0;
  let fractional = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const j = closingQuote(text, i);
      if (j < 0) break;
      i = j;
    } else if (c === 0x3a) members++;
    else if (c === 0x2e) fractional = 1;
    else if (c === 0x65 || c === 0x45) {
      // 'e' outside a string is an exponent after a digit, else part of true/false.
      const p = text.charCodeAt(i - 1);
      if (p >= 0x30 && p <= 0x39) fractional = 1;
    }
  }
  return members * 2 + fractional;
}

/**
 * Member names whose value a JSON text writes as a number with a fraction or
 * an exponent (`"max": 4.0e4`), for the integer-literal rule of amounts
 * (constraints §7.1), which JSON.parse cannot see. Array elements count for
 * the member that holds the array. Only run on a text whose parse flagged
 * such a number (`fractionalNumber`), so the hot path never pays for it.
 */
export function fractionalMembers(text: string): Set<string> {
  const out = new Set<string>();
  let member = '';
  let lastString = '';
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const j = closingQuote(text, i);
      if (j < 0) break;
      lastString = text.slice(i + 1, j);
      i = j;
    } else if (c === 0x3a) member = lastString;
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i;
      let fraction = false;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d === 0x2e || d === 0x65 || d === 0x45) fraction = true;
        else if (!(d === 0x2d || d === 0x2b || (d >= 0x30 && d <= 0x39))) break;
      }
      if (fraction) out.add(member);
      i = j - 1;
    }
  }
  return out;
}

/** {@link fractionalMembers} of a disclosure as presented (its base64url text). */
export function fractionalMembersOfDisclosure(encoded: string): Set<string> {
  const bytes = decodeBase64url(encoded);
  return bytes ? fractionalMembers(new TextDecoder().decode(bytes)) : new Set();
}

/**
 * JSON.parse within the depth and string limits. Throws VIError `code` or LIMIT_EXCEEDED.
 *
 * Hot path, so both limits are checked on the parsed value rather than by a
 * character scan first: V8's JSON.parse is iterative (no stack overflow on
 * deep input), the depth walk stops at the limit, and no string can be longer
 * than the text it came from, so the string walk only runs for texts longer
 * than the string limit. The depth walk also notes private-JWK member names,
 * while the parsed value is still in cache.
 */
function parseBoundedJson(
  text: string,
  layer: Layer,
  what: string,
  limits: ParseLimits,
  code: 'JWT_MALFORMED' | 'DISCLOSURE_MALFORMED',
): BoundedJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Too deep wins over malformed, as when the depth was checked first.
    if (jsonDepthExceeds(text, limits.maxJsonDepth))
      fail('LIMIT_EXCEEDED', layer, `${what} nests deeper than ${limits.maxJsonDepth}`);
    fail(code, layer, `${what} is not JSON`);
  }
  const found = scanParsed(value, limits.maxJsonDepth);
  if (found & TOO_DEEP)
    fail('LIMIT_EXCEEDED', layer, `${what} nests deeper than ${limits.maxJsonDepth}`);
  const long = text.length > limits.maxStringLength ? overlongString(value, limits) : undefined;
  if (long) fail('LIMIT_EXCEEDED', layer, `${what}: string at ${long} is over the length limit`);
  // Only a text with an object can repeat a member name, and only one with a number can write 27999.0:
  // a disclosure of strings (a salt, a name, an email) needs no second pass.
  const facts = found >>> FLAG_BITS > 0 || (found & NUMBER) !== 0 ? textFacts(text) : 0;
  // security-model §5.1: a repeated member name is read differently by different parsers.
  if (facts >> 1 > found >>> FLAG_BITS)
    fail('JSON_DUPLICATE_MEMBER', layer, `${what} names a member twice`);
  return {
    value,
    privateJwkMember: (found & PRIVATE_MEMBER) !== 0,
    fractionalNumber: (facts & 1) === 1,
  };
}

function parseJsonObject(
  b64: string,
  layer: Layer,
  what: string,
  limits: ParseLimits,
): BoundedJson & { value: Record<string, unknown> } {
  const bytes = decodeBase64url(b64);
  if (!bytes) fail('JWT_MALFORMED', layer, `${what} is not base64url`);
  const parsed = parseBoundedJson(utf8Decode(bytes), layer, what, limits, 'JWT_MALFORMED');
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('JWT_MALFORMED', layer, `${what} must be a JSON object`);
  }
  return parsed as BoundedJson & { value: Record<string, unknown> };
}

/** Parse a compact JWS (header.payload.signature). Throws VIError. */
export function parseJwt(
  compact: string,
  layer: Layer,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): ParsedJwt {
  const parts = compact.split('.');
  if (parts.length !== 3)
    fail('JWT_MALFORMED', layer, `JWT must have 3 segments, got ${parts.length}`);
  const [h, p, s] = parts as [string, string, string];
  const header = parseJsonObject(h, layer, 'JWT header', limits);
  const payload = parseJsonObject(p, layer, 'JWT payload', limits);
  const signature = decodeBase64url(s);
  if (!signature) fail('JWT_MALFORMED', layer, 'JWT signature is not base64url');
  return {
    compact,
    signingInput: `${h}.${p}`,
    header: header.value,
    payload: payload.value,
    signature,
    privateJwkMember: header.privateJwkMember || payload.privateJwkMember,
    fractionalNumber: header.fractionalNumber || payload.fractionalNumber,
  };
}

const signingInputDigests = new WeakMap<ParsedJwt, string>();

/**
 * B64U(SHA-256(signing input)) of a parsed JWT, computed at most once: an
 * L2's id across its views and its signature-cache key both need it, and an
 * L2 of many pairs is kilobytes long.
 */
export function signingInputDigest(jwt: ParsedJwt): string {
  let d = signingInputDigests.get(jwt);
  if (d === undefined) {
    d = sha256b64u(jwt.signingInput);
    signingInputDigests.set(jwt, d);
  }
  return d;
}

/** Parse one disclosure and compute its digest (once). Throws VIError. */
export function parseDisclosure(
  encoded: string,
  layer: Layer,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): ParsedDisclosure {
  const bytes = decodeBase64url(encoded);
  if (!bytes) fail('DISCLOSURE_MALFORMED', layer, 'disclosure is not base64url');
  const parsed = parseBoundedJson(
    utf8Decode(bytes),
    layer,
    'disclosure',
    limits,
    'DISCLOSURE_MALFORMED',
  );
  const arr = parsed.value;
  if (!Array.isArray(arr) || (arr.length !== 2 && arr.length !== 3)) {
    fail('DISCLOSURE_MALFORMED', layer, 'disclosure must be a JSON array of 2 or 3 elements');
  }
  const salt = arr[0];
  if (typeof salt !== 'string')
    fail('DISCLOSURE_MALFORMED', layer, 'disclosure salt must be a string');
  const digest = sha256b64u(encoded);
  if (arr.length === 3) {
    const name = arr[1];
    if (typeof name !== 'string')
      fail('DISCLOSURE_MALFORMED', layer, 'disclosure claim name must be a string');
    if (name === '_sd' || name === '...')
      fail('DISCLOSURE_MALFORMED', layer, `disclosure claim name "${name}" is reserved`);
    // A selectively disclosed `d` lands in its JWK only once resolved: count the name too.
    return {
      encoded,
      digest,
      salt,
      name,
      value: arr[2],
      privateJwkMember: parsed.privateJwkMember || isPrivateJwkMember(name),
      fractionalNumber: parsed.fractionalNumber,
    };
  }
  return {
    encoded,
    digest,
    salt,
    value: arr[1],
    privateJwkMember: parsed.privateJwkMember,
    fractionalNumber: parsed.fractionalNumber,
  };
}

/**
 * Successful parses within one verification, by exact text. The L2 views of a
 * dispute bundle repeat the L2 JWT and its disclosures byte for byte: each is
 * decoded, parsed and hashed once. Parsed values are shared, never mutated.
 *
 * Keyed cheaply: a Map keyed by whole strings hashes every character of every
 * fresh substring (about as costly as the SHA-256 of it), so the first JWT is
 * matched by equality and a disclosure by the 32 characters that encode its
 * salt, confirmed by equality. Whatever does not fit those slots (a second
 * JWT, colliding salts) falls back to whole-string Maps, as before.
 */
export class ParseMemo {
  private firstJwt: ParsedJwt | undefined;
  private readonly jwts = new Map<string, ParsedJwt>();
  private readonly bySalt = new Map<string, ParsedDisclosure>();
  private readonly disclosures = new Map<string, ParsedDisclosure>();

  jwt(compact: string): ParsedJwt | undefined {
    if (this.firstJwt?.compact === compact) return this.firstJwt;
    return this.jwts.size > 0 ? this.jwts.get(compact) : undefined;
  }

  setJwt(jwt: ParsedJwt): void {
    if (!this.firstJwt) this.firstJwt = jwt;
    else this.jwts.set(jwt.compact, jwt);
  }

  disclosure(encoded: string): ParsedDisclosure | undefined {
    const slot = this.bySalt.get(saltKey(encoded));
    if (slot?.encoded === encoded) return slot;
    return this.disclosures.size > 0 ? this.disclosures.get(encoded) : undefined;
  }

  setDisclosure(d: ParsedDisclosure): void {
    const key = saltKey(d.encoded);
    if (!this.bySalt.has(key)) this.bySalt.set(key, d);
    else this.disclosures.set(d.encoded, d);
  }
}

/** `["<salt>",…` base64url-encoded: characters 2–33 carry the (random) salt. */
function saltKey(encoded: string): string {
  return encoded.slice(2, 34);
}

export function newParseMemo(): ParseMemo {
  return new ParseMemo();
}

/**
 * Parse `<jwt>~<d1>~...~<dn>~`. A key-binding JWT after the last `~` is not
 * part of VI (binding is by `sd_hash` in the next layer) and is refused.
 * With a `memo`, text already parsed in it is not parsed again; with a
 * `recurring` cache, neither is an issuer JWT parsed in an earlier
 * verification under the same limits.
 */
export function parseSdJwt(
  serialized: unknown,
  layer: Layer,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
  memo?: ParseMemo,
  recurring?: ParsedJwtCache,
): ParsedSdJwt {
  if (typeof serialized !== 'string' || serialized.length === 0) {
    fail('SDJWT_MALFORMED', layer, `${layer} must be a non-empty string`);
  }
  if (serialized.length > limits.maxLength) {
    fail(
      'LIMIT_EXCEEDED',
      layer,
      `${layer} is ${serialized.length} characters, limit ${limits.maxLength}`,
    );
  }
  const parts = serialized.split('~');
  if (parts.length < 2) fail('SDJWT_MALFORMED', layer, 'SD-JWT must end with "~"');
  if (parts[parts.length - 1] !== '')
    fail(
      'SDJWT_MALFORMED',
      layer,
      'SD-JWT must end with "~" (key-binding JWTs are not used in VI)',
    );
  const encodedDisclosures = parts.slice(1, -1);
  if (encodedDisclosures.length > limits.maxDisclosures) {
    fail(
      'LIMIT_EXCEEDED',
      layer,
      `${encodedDisclosures.length} disclosures, limit ${limits.maxDisclosures}`,
    );
  }
  const compact = parts[0] as string;
  const cache = recurring?.serves(limits) ? recurring : undefined;
  let jwt = memo?.jwt(compact);
  if (!jwt) {
    jwt = cache?.get(compact);
    if (!jwt) {
      jwt = parseJwt(compact, layer, limits);
      cache?.set(jwt);
    }
    memo?.setJwt(jwt);
  }
  const disclosures = encodedDisclosures.map((d) => {
    if (d === '') fail('SDJWT_MALFORMED', layer, 'empty disclosure between "~"');
    let parsed = memo?.disclosure(d);
    if (!parsed) {
      parsed = cache?.disclosure(d);
      if (!parsed) {
        parsed = parseDisclosure(d, layer, limits);
        cache?.setDisclosure(parsed);
      }
      memo?.setDisclosure(parsed);
    }
    return parsed;
  });
  return { serialized, jwt, disclosures };
}

/** The issuer-signed part of an SD-JWT string (before the first `~`). */
export function issuerJwtOf(serialized: string): string {
  const i = serialized.indexOf('~');
  return i < 0 ? serialized : serialized.slice(0, i);
}

/**
 * The signed content of an SD-JWT's issuer JWT (`header.payload`, no signature).
 * Identifiers derive from this: an ECDSA signature is malleable (s → n − s
 * verifies too), so anything keyed on the signature could be re-minted by
 * whoever holds the credential.
 */
export function signedContentOf(serialized: string): string {
  const jwt = issuerJwtOf(serialized);
  const i = jwt.lastIndexOf('.');
  return i < 0 ? jwt : jwt.slice(0, i);
}
