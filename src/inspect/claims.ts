/**
 * Decode an SD-JWT presentation for display: every claim of the signed payload,
 * each marked plain (signed in clear), disclosed (value shown) or withheld
 * (only its digest is known).
 *
 * This is a tolerant reader for people, not a verifier: it never throws and
 * shows whatever it can, also of credentials the verifier rejected. Whether a
 * claim can be trusted is the verifier's call, shown next to it on the page.
 */

import { isRecord as isObject } from '../internal/guards.js';
import { PROFILE } from '../profiles/profile.js';
import { decodeBase64url } from '../sdjwt/base64url.js';
import { sha256b64u } from '../sdjwt/digest.js';
import { utf8Decode } from '../sdjwt/text.js';

/** JSON scalar, shown as is. */
export type Scalar = string | number | boolean | null;

/** One claim of a decoded credential, marked signed, disclosed or withheld. */
export interface ClaimNode {
  /** Property name, `[i]` for an array element, or `?` for a withheld property (its name is hidden too). */
  key: string;
  /** plain: in the signed payload itself; disclosed: from a presented disclosure; withheld: digest only. */
  state: 'plain' | 'disclosed' | 'withheld';
  /** Disclosure digest (disclosed and withheld nodes). */
  digest?: string;
  /** Scalar value; absent for objects, arrays and withheld nodes. */
  value?: Scalar;
  /** Object properties or array elements. */
  children?: ClaimNode[];
  container?: 'object' | 'array';
}

interface Disclosure {
  digest: string;
  name?: string;
  value: unknown;
}

export interface DecodedSdJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** Claim tree of the payload with the presented disclosures applied. */
  claims: ClaimNode[];
  disclosed: number;
  withheld: number;
  /** Digests of presented disclosures that nothing in the payload references. */
  unreferenced: string[];
  /** Every presented disclosure, by digest (used to pair L3s with mandates). */
  disclosures: Map<string, Disclosure>;
}

export type DecodeOutcome = { ok: true; decoded: DecodedSdJwt } | { ok: false; problem: string };

const MAX_DEPTH = 24;

function jsonOf(b64: string): unknown {
  const bytes = decodeBase64url(b64);
  if (!bytes) return undefined;
  try {
    return JSON.parse(utf8Decode(bytes));
  } catch {
    return undefined;
  }
}

/** `{"...": digest}` and nothing else. */
function refDigest(v: unknown): string | undefined {
  if (!isObject(v)) return undefined;
  const keys = Object.keys(v);
  return keys.length === 1 &&
    keys[0] === PROFILE.claim.arrayRef &&
    typeof v[PROFILE.claim.arrayRef] === 'string'
    ? (v[PROFILE.claim.arrayRef] as string)
    : undefined;
}

/** Decode the header and payload of a compact JWS without checking anything. */
export function decodeJws(
  compact: unknown,
): { header: Record<string, unknown>; payload: Record<string, unknown> } | undefined {
  if (typeof compact !== 'string') return undefined;
  const parts = compact.split('.');
  if (parts.length !== 3) return undefined;
  const header = jsonOf(parts[0]!);
  const payload = jsonOf(parts[1]!);
  return isObject(header) && isObject(payload) ? { header, payload } : undefined;
}

function parseDisclosures(encoded: string[]): Map<string, Disclosure> {
  const out = new Map<string, Disclosure>();
  for (const e of encoded) {
    const arr = jsonOf(e);
    if (!Array.isArray(arr) || (arr.length !== 2 && arr.length !== 3)) continue;
    const digest = sha256b64u(e);
    out.set(
      digest,
      arr.length === 3 && typeof arr[1] === 'string'
        ? { digest, name: arr[1], value: arr[2] }
        : { digest, value: arr[arr.length - 1] },
    );
  }
  return out;
}

/** Every `{"...": digest}` inside a value. */
function collectArrayRefs(v: unknown, depth: number, out: Set<string>): Set<string> {
  if (depth > MAX_DEPTH) return out;
  const d = refDigest(v);
  if (d !== undefined) out.add(d);
  else if (Array.isArray(v)) for (const e of v) collectArrayRefs(e, depth + 1, out);
  else if (isObject(v)) for (const e of Object.values(v)) collectArrayRefs(e, depth + 1, out);
  return out;
}

/** Decode `<jwt>~<d1>~...~` for display. Never throws. */
export function decodeSdJwt(serialized: unknown): DecodeOutcome {
  if (typeof serialized !== 'string' || serialized.length === 0)
    return { ok: false, problem: 'not a non-empty string' };
  const parts = serialized.split('~');
  const jws = decodeJws(parts[0]);
  if (!jws) return { ok: false, problem: 'the issuer-signed JWT cannot be decoded' };
  const disclosures = parseDisclosures(parts.slice(1).filter((p) => p !== ''));
  const used = new Set<string>();
  const arrayRefs = collectArrayRefs(jws.payload, 0, new Set<string>());
  for (const d of disclosures.values()) collectArrayRefs(d.value, 0, arrayRefs);
  let disclosed = 0;
  let withheld = 0;

  const node = (key: string, value: unknown, depth: number): ClaimNode => {
    const n: ClaimNode = { key, state: 'plain' };
    fill(n, value, depth);
    return n;
  };
  const fill = (n: ClaimNode, value: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) {
      n.value = '(nested too deep to show)';
    } else if (Array.isArray(value)) {
      n.container = 'array';
      n.children = value.map((v, i) => element(i, v, depth + 1));
    } else if (isObject(value)) {
      n.container = 'object';
      n.children = properties(value, depth + 1);
    } else {
      n.value = value as Scalar;
    }
  };
  const element = (i: number, v: unknown, depth: number): ClaimNode => {
    const digest = refDigest(v);
    if (digest === undefined) return node(`[${i}]`, v, depth);
    const d = disclosures.get(digest);
    if (!d || d.name !== undefined) {
      withheld++;
      return { key: `[${i}]`, state: 'withheld', digest };
    }
    used.add(digest);
    disclosed++;
    const n: ClaimNode = { key: `[${i}]`, state: 'disclosed', digest };
    fill(n, d.value, depth);
    return n;
  };
  const properties = (obj: Record<string, unknown>, depth: number): ClaimNode[] => {
    const out: ClaimNode[] = [];
    for (const [k, v] of Object.entries(obj)) {
      if (k === PROFILE.claim.sd || k === PROFILE.claim.sdAlg) continue;
      out.push(node(k, v, depth));
    }
    const sd = obj[PROFILE.claim.sd];
    for (const digest of Array.isArray(sd) ? sd : []) {
      if (typeof digest !== 'string') continue;
      const d = disclosures.get(digest);
      if ((d && d.name === undefined) || (!d && arrayRefs.has(digest))) {
        // VI adaptation: a top-level `_sd` may list array-element digests as
        // commitments; the element is shown where an array places it.
        if (d) used.add(digest);
        continue;
      }
      if (!d) {
        withheld++;
        out.push({ key: '?', state: 'withheld', digest });
        continue;
      }
      used.add(digest);
      disclosed++;
      const n: ClaimNode = { key: d.name!, state: 'disclosed', digest };
      fill(n, d.value, depth);
      out.push(n);
    }
    return out;
  };

  const claims = properties(jws.payload, 0);
  const unreferenced = [...disclosures.keys()].filter((d) => !used.has(d));
  return {
    ok: true,
    decoded: {
      header: jws.header,
      payload: jws.payload,
      claims,
      disclosed,
      withheld,
      unreferenced,
      disclosures,
    },
  };
}

/** Disclosed array elements whose value has the given `vct` (mandates), by digest. */
export function disclosedMandates(
  decoded: DecodedSdJwt,
): { digest: string; vct: string; value: Record<string, unknown> }[] {
  const out: { digest: string; vct: string; value: Record<string, unknown> }[] = [];
  for (const d of decoded.disclosures.values()) {
    if (d.name === undefined && isObject(d.value) && typeof d.value.vct === 'string')
      out.push({ digest: d.digest, vct: d.value.vct, value: d.value });
  }
  return out;
}
