/**
 * Resolve an SD-JWT payload against the disclosures presented with it,
 * with the reference accounting VI needs.
 *
 * RFC 9901 rules apply (every disclosure referenced, no digest twice, claim
 * names not overwritten), with two VI adaptations seen in the upstream
 * reference's output and allowed by the spec:
 *  - a top-level `_sd` may list digests of array-element disclosures as a flat
 *    commitment list; that listing counts as a reference but places nothing;
 *  - one array-element disclosure (a merchant, an item) may be referenced from
 *    several constraint allowlists (e.g. `allowed_merchants` and
 *    `allowed_payees`). Anywhere else, two places for one digest is smuggling.
 *
 * Undisclosed array references stay in the result as `{"...": digest}` so that
 * constraint checks can tell an empty allowlist from a withheld one.
 */
import { VIError, type Layer } from '../errors.js';
import { PROFILE } from '../spec/profile.js';
import type { ParsedDisclosure } from './parse.js';

export interface ResolveOptions {
  /** Array claim names whose elements may share one disclosure with another such array. */
  shareableArrays: ReadonlySet<string>;
  maxDepth: number;
}

export const VI_RESOLVE_OPTIONS: ResolveOptions = {
  shareableArrays: new Set(['allowed_merchants', 'allowed_payees', 'acceptable_items']),
  maxDepth: 24,
};

export interface Resolved {
  claims: Record<string, unknown>;
  /** digest → disclosure, for the disclosures presented. */
  byDigest: Map<string, ParsedDisclosure>;
}

const REF = PROFILE.claim.arrayRef;
const SD = PROFILE.claim.sd;

/** `{"...": "<digest>"}` with nothing else: an array-element reference. */
export function arrayRefDigest(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1 || keys[0] !== REF) return undefined;
  const d = (v as Record<string, unknown>)[REF];
  return typeof d === 'string' ? d : undefined;
}

/** Elements of a resolved array that were disclosed (withheld references dropped). */
export function disclosedElements(arr: readonly unknown[]): unknown[] {
  return arr.filter((e) => arrayRefDigest(e) === undefined);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function resolveDisclosures(
  payload: Record<string, unknown>,
  disclosures: readonly ParsedDisclosure[],
  layer: Layer,
  options: ResolveOptions = VI_RESOLVE_OPTIONS,
): Resolved {
  function fail(code: 'DISCLOSURE_DUPLICATE' | 'DISCLOSURE_DUPLICATE_REFERENCE' | 'DISCLOSURE_UNREFERENCED' | 'DISCLOSURE_MALFORMED' | 'LIMIT_EXCEEDED' | 'SD_ALG_UNSUPPORTED', message: string): never {
    throw new VIError({ code, layer, message });
  }

  const byDigest = new Map<string, ParsedDisclosure>();
  for (const d of disclosures) {
    if (byDigest.has(d.digest)) fail('DISCLOSURE_DUPLICATE', `disclosure ${d.digest} presented twice`);
    byDigest.set(d.digest, d);
  }

  const sdAlg = payload[PROFILE.claim.sdAlg];
  if (sdAlg !== undefined && sdAlg !== PROFILE.sdAlg) fail('SD_ALG_UNSUPPORTED', `_sd_alg must be ${PROFILE.sdAlg}`);

  const committed = new Set<string>(); // listed in the top-level _sd
  const placedIn = new Map<string, string[]>(); // digest → array names that placed it

  const resolveValue = (value: unknown, depth: number, arrayName: string | undefined): unknown => {
    if (depth > options.maxDepth) fail('LIMIT_EXCEEDED', `nesting deeper than ${options.maxDepth}`);
    if (Array.isArray(value)) return resolveArray(value, depth, arrayName);
    if (isPlainObject(value)) return resolveObject(value, depth, false);
    return value;
  };

  const resolveArray = (arr: readonly unknown[], depth: number, name: string | undefined): unknown[] => {
    const seenHere = new Set<string>();
    const out: unknown[] = [];
    for (const el of arr) {
      const digest = arrayRefDigest(el);
      if (digest === undefined) {
        out.push(resolveValue(el, depth + 1, undefined));
        continue;
      }
      if (seenHere.has(digest)) fail('DISCLOSURE_DUPLICATE_REFERENCE', `digest ${digest} referenced twice in ${name ?? 'an array'}`);
      seenHere.add(digest);
      const d = byDigest.get(digest);
      if (!d) {
        out.push(el); // withheld: keep the reference
        continue;
      }
      if (d.name !== undefined) fail('DISCLOSURE_MALFORMED', `object-property disclosure ${digest} referenced as an array element`);
      const places = placedIn.get(digest);
      const label = name ?? '(array)';
      if (places) {
        const shareable = name !== undefined && options.shareableArrays.has(name) && places.every((p) => options.shareableArrays.has(p));
        if (!shareable) fail('DISCLOSURE_DUPLICATE_REFERENCE', `disclosure ${digest} referenced from ${places[0]} and ${label}`);
        places.push(label);
      } else {
        placedIn.set(digest, [label]);
      }
      out.push(resolveValue(d.value, depth + 1, undefined));
    }
    return out;
  };

  const resolveObject = (obj: Record<string, unknown>, depth: number, topLevel: boolean): Record<string, unknown> => {
    const entries: [string, unknown][] = [];
    for (const [k, v] of Object.entries(obj)) {
      if (k === SD || (topLevel && k === PROFILE.claim.sdAlg)) continue;
      entries.push([k, resolveValue(v, depth + 1, k)]);
    }
    const sd = obj[SD];
    if (sd !== undefined) {
      if (!Array.isArray(sd)) fail('DISCLOSURE_MALFORMED', '_sd must be an array');
      const seen = new Set<string>();
      for (const digest of sd as unknown[]) {
        if (typeof digest !== 'string') fail('DISCLOSURE_MALFORMED', '_sd entries must be strings');
        if (seen.has(digest)) fail('DISCLOSURE_DUPLICATE_REFERENCE', `digest ${digest} appears twice in _sd`);
        seen.add(digest);
        const d = byDigest.get(digest);
        if (!d) continue;
        if (d.name === undefined) {
          // VI reference convention: the top-level _sd lists array-element digests too.
          if (!topLevel) fail('DISCLOSURE_MALFORMED', `array-element disclosure ${digest} referenced from a nested _sd`);
          committed.add(digest);
          continue;
        }
        if (placedIn.has(digest)) fail('DISCLOSURE_DUPLICATE_REFERENCE', `disclosure ${digest} referenced twice`);
        placedIn.set(digest, ['_sd']);
        if (entries.some(([k]) => k === d.name)) fail('DISCLOSURE_MALFORMED', `disclosed claim "${d.name}" already present`);
        entries.push([d.name as string, resolveValue(d.value, depth + 1, d.name)]);
      }
    }
    // fromEntries defines own properties, so a "__proto__" claim stays data.
    return Object.fromEntries(entries);
  };

  const claims = resolveObject(payload, 0, true);
  for (const d of disclosures) {
    if (!placedIn.has(d.digest) && !committed.has(d.digest)) {
      fail('DISCLOSURE_UNREFERENCED', `presented disclosure ${d.digest} is referenced by no digest (RFC 9901 §7.1)`);
    }
  }
  return { claims, byDigest };
}
