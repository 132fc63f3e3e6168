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
import { type Layer, VIError } from '../errors.js';
import { isRecord as isPlainObject } from '../internal/guards.js';
import { PROFILE } from '../profiles/profile.js';
import type { ParsedDisclosure } from './parse.js';

export interface ResolveOptions {
  /** Array claim names whose elements may share one disclosure with another such array. */
  shareableArrays: ReadonlySet<string>;
  maxDepth: number;
}

export const VI_RESOLVE_OPTIONS: ResolveOptions = {
  shareableArrays: new Set(PROFILE.sharedReferenceArrays),
  maxDepth: 24,
};

export interface Resolved {
  claims: Record<string, unknown>;
  /** digest → disclosure, for the disclosures presented. */
  byDigest: Map<string, ParsedDisclosure>;
  /**
   * digest → the disclosure whose value holds its first reference, or null
   * when the payload itself references it (see {@link resolveSubset}).
   */
  reachedFrom: Map<string, string | null>;
}

const REF = PROFILE.claim.arrayRef;
const SD = PROFILE.claim.sd;
const hasOwn = Object.prototype.hasOwnProperty;
const isEnumerable = Object.prototype.propertyIsEnumerable;

/** `{"...": "<digest>"}` with nothing else: an array-element reference. */
export function arrayRefDigest(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  if (!isEnumerable.call(v, REF)) return undefined;
  const d = (v as Record<string, unknown>)[REF];
  if (typeof d !== 'string') return undefined;
  // "Own enumerable keys are exactly [REF]" without Object.keys, which allocated an array per call.
  for (const k in v) if (k !== REF && hasOwn.call(v, k)) return undefined;
  return d;
}

/** Elements of a resolved array that were disclosed (withheld references dropped). */
export function disclosedElements(arr: readonly unknown[]): unknown[] {
  return arr.filter((e) => arrayRefDigest(e) === undefined);
}

type ResolveFailure =
  | 'DISCLOSURE_DUPLICATE'
  | 'DISCLOSURE_DUPLICATE_REFERENCE'
  | 'DISCLOSURE_UNREFERENCED'
  | 'DISCLOSURE_MALFORMED'
  | 'LIMIT_EXCEEDED'
  | 'SD_ALG_UNSUPPORTED';

/** What one resolution carries through the recursion (module-level functions: no closures per call). */
interface ResolveState {
  layer: Layer;
  options: ResolveOptions;
  byDigest: Map<string, ParsedDisclosure>;
  /** Listed in the top-level _sd (array-element digests: a commitment that places nothing). */
  committed: Set<string>;
  /** digest → array names (or "_sd") that placed it. */
  placedIn: Map<string, string[]>;
  reachedFrom: Map<string, string | null>;
  /** Digest of the disclosure whose value is being resolved; null in the payload itself. */
  within: string | null;
}

function fail(st: ResolveState, code: ResolveFailure, message: string): never {
  throw new VIError({ code, layer: st.layer, message });
}

/** Define an own data property; plain assignment would make a "__proto__" claim the prototype. */
export function setOwn(out: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__')
    Object.defineProperty(out, k, {
      value: v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else out[k] = v;
}

function resolveValue(
  st: ResolveState,
  value: unknown,
  depth: number,
  arrayName: string | undefined,
): unknown {
  if (depth > st.options.maxDepth)
    fail(st, 'LIMIT_EXCEEDED', `nesting deeper than ${st.options.maxDepth}`);
  if (Array.isArray(value)) return resolveArray(st, value, depth, arrayName);
  if (isPlainObject(value)) return resolveObject(st, value, depth, false);
  return value;
}

function resolveArray(
  st: ResolveState,
  arr: readonly unknown[],
  depth: number,
  name: string | undefined,
): unknown[] {
  let seenHere: Set<string> | undefined;
  const out: unknown[] = [];
  for (const el of arr) {
    const digest = arrayRefDigest(el);
    if (digest === undefined) {
      out.push(resolveValue(st, el, depth + 1, undefined));
      continue;
    }
    seenHere ??= new Set<string>();
    if (seenHere.has(digest))
      fail(
        st,
        'DISCLOSURE_DUPLICATE_REFERENCE',
        `digest ${digest} referenced twice in ${name ?? 'an array'}`,
      );
    seenHere.add(digest);
    const d = st.byDigest.get(digest);
    if (!d) {
      out.push(el); // withheld: keep the reference
      continue;
    }
    if (d.name !== undefined)
      fail(
        st,
        'DISCLOSURE_MALFORMED',
        `object-property disclosure ${digest} referenced as an array element`,
      );
    const places = st.placedIn.get(digest);
    const label = name ?? '(array)';
    if (places) {
      const shareable =
        name !== undefined &&
        st.options.shareableArrays.has(name) &&
        places.every((p) => st.options.shareableArrays.has(p));
      if (!shareable)
        fail(
          st,
          'DISCLOSURE_DUPLICATE_REFERENCE',
          `disclosure ${digest} referenced from ${places[0]} and ${label}`,
        );
      places.push(label);
    } else {
      st.placedIn.set(digest, [label]);
      st.reachedFrom.set(digest, st.within);
    }
    out.push(resolveDisclosed(st, d, depth + 1, undefined));
  }
  return out;
}

/** Resolve a disclosure's value, noting it as the enclosing disclosure of what it references. */
function resolveDisclosed(
  st: ResolveState,
  d: ParsedDisclosure,
  depth: number,
  arrayName: string | undefined,
): unknown {
  const outer = st.within;
  st.within = d.digest;
  const v = resolveValue(st, d.value, depth, arrayName);
  st.within = outer;
  return v;
}

function resolveObject(
  st: ResolveState,
  obj: Record<string, unknown>,
  depth: number,
  topLevel: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // for-in with an own check visits what Object.keys lists, in the same order, without the array.
  for (const k in obj) {
    if (!hasOwn.call(obj, k) || k === SD || (topLevel && k === PROFILE.claim.sdAlg)) continue;
    setOwn(out, k, resolveValue(st, obj[k], depth + 1, k));
  }
  const sd = obj[SD];
  if (sd === undefined) return out;
  if (!Array.isArray(sd)) fail(st, 'DISCLOSURE_MALFORMED', '_sd must be an array');
  const seen = new Set<string>();
  for (const digest of sd as unknown[]) {
    if (typeof digest !== 'string') fail(st, 'DISCLOSURE_MALFORMED', '_sd entries must be strings');
    if (seen.has(digest))
      fail(st, 'DISCLOSURE_DUPLICATE_REFERENCE', `digest ${digest} appears twice in _sd`);
    seen.add(digest);
    const d = st.byDigest.get(digest);
    if (!d) continue;
    if (d.name === undefined) {
      // VI reference convention: the top-level _sd lists array-element digests too.
      if (!topLevel)
        fail(
          st,
          'DISCLOSURE_MALFORMED',
          `array-element disclosure ${digest} referenced from a nested _sd`,
        );
      st.committed.add(digest);
      st.reachedFrom.set(digest, null); // the payload lists it: referenced in any subset
      continue;
    }
    if (st.placedIn.has(digest))
      fail(st, 'DISCLOSURE_DUPLICATE_REFERENCE', `disclosure ${digest} referenced twice`);
    st.placedIn.set(digest, ['_sd']);
    st.reachedFrom.set(digest, st.within);
    if (Object.hasOwn(out, d.name))
      fail(st, 'DISCLOSURE_MALFORMED', `disclosed claim "${d.name}" already present`);
    setOwn(out, d.name, resolveDisclosed(st, d, depth + 1, d.name));
  }
  return out;
}

export function resolveDisclosures(
  payload: Record<string, unknown>,
  disclosures: readonly ParsedDisclosure[],
  layer: Layer,
  options: ResolveOptions = VI_RESOLVE_OPTIONS,
): Resolved {
  const st: ResolveState = {
    layer,
    options,
    byDigest: new Map(),
    committed: new Set(),
    placedIn: new Map(),
    reachedFrom: new Map(),
    within: null,
  };
  for (const d of disclosures) {
    if (st.byDigest.has(d.digest))
      fail(st, 'DISCLOSURE_DUPLICATE', `disclosure ${d.digest} presented twice`);
    st.byDigest.set(d.digest, d);
  }

  const sdAlg = payload[PROFILE.claim.sdAlg];
  if (sdAlg !== undefined && sdAlg !== PROFILE.sdAlg)
    fail(st, 'SD_ALG_UNSUPPORTED', `_sd_alg must be ${PROFILE.sdAlg}`);

  const claims = resolveObject(st, payload, 0, true);
  for (const d of disclosures) {
    if (!st.placedIn.has(d.digest) && !st.committed.has(d.digest)) {
      fail(
        st,
        'DISCLOSURE_UNREFERENCED',
        `presented disclosure ${d.digest} is referenced by no digest (RFC 9901 §7.1)`,
      );
    }
  }
  return { claims, byDigest: st.byDigest, reachedFrom: st.reachedFrom };
}

/**
 * The value an array-element disclosure resolves to under `resolved`'s
 * disclosures: what its place in `resolved.claims` holds, without building
 * those claims (a view derived by {@link resolveSubset} needs one mandate,
 * not the whole payload walked again). Undefined when `digest` is not an
 * array-element disclosure of `resolved`.
 *
 * Equal to the element of the whole resolution because that resolution
 * succeeds (resolveSubset shows it does, resolveDisclosures did): resolving a
 * part of it can fail only where the whole would, and builds the same value.
 * Depth is counted as for a `delegate_payload` element of the payload.
 */
export function resolveElement(
  resolved: Resolved,
  digest: string,
  layer: Layer,
  options: ResolveOptions = VI_RESOLVE_OPTIONS,
): unknown {
  const d = resolved.byDigest.get(digest);
  if (d === undefined || d.name !== undefined) return undefined;
  const st: ResolveState = {
    layer,
    options,
    byDigest: resolved.byDigest,
    committed: new Set(),
    placedIn: new Map(),
    reachedFrom: new Map(),
    within: null,
  };
  return resolveDisclosed(st, d, ELEMENT_DEPTH, undefined);
}

/**
 * Whether `a` and `b` (two presentations of one payload) disclose exactly
 * the same disclosures inside the disclosure `digest` and, transitively,
 * inside those: then `digest` resolves to the same value under both. A
 * digest names its bytes, so presence in both means the same disclosure.
 * Walks the raw values (every `{"...": d}` and `_sd` entry), not the first
 * recorded reference: a shareable disclosure may sit in several mandates.
 */
export function disclosesAlikeWithin(
  a: Resolved,
  b: Resolved,
  digest: string,
  options: ResolveOptions = VI_RESOLVE_OPTIONS,
): boolean {
  const d = a.byDigest.get(digest);
  return (
    d !== undefined &&
    b.byDigest.has(digest) &&
    alikeIn(a, b, d.value, ELEMENT_DEPTH, options.maxDepth)
  );
}

function alikeRef(a: Resolved, b: Resolved, digest: string, depth: number, max: number): boolean {
  const d = a.byDigest.get(digest);
  if (d === undefined) return !b.byDigest.has(digest);
  return b.byDigest.has(digest) && alikeIn(a, b, d.value, depth + 1, max);
}

function alikeIn(a: Resolved, b: Resolved, value: unknown, depth: number, max: number): boolean {
  if (depth > max) return false;
  if (Array.isArray(value)) {
    for (const el of value) {
      const ref = arrayRefDigest(el);
      if (
        !(ref === undefined ? alikeIn(a, b, el, depth + 1, max) : alikeRef(a, b, ref, depth, max))
      )
        return false;
    }
    return true;
  }
  if (!isPlainObject(value)) return true;
  for (const k in value) {
    if (!hasOwn.call(value, k)) continue;
    const v = value[k];
    if (k === SD && Array.isArray(v)) {
      for (const ref of v)
        if (typeof ref === 'string' && !alikeRef(a, b, ref, depth, max)) return false;
    } else if (!alikeIn(a, b, v, depth + 1, max)) return false;
  }
  return true;
}

/** The depth resolveDisclosures reaches a top-level array's element at: payload 0, array 1, element 2. */
const ELEMENT_DEPTH = 2;

/**
 * The resolution of a subset of `full`'s disclosures over the same payload,
 * derived without walking the payload again; undefined when that cannot be
 * shown to succeed (then the caller runs {@link resolveDisclosures}, which
 * reports the exact failure).
 *
 * Sound because every failure of a resolution over a subset would have failed
 * `full` too, except a duplicate (checked here) and a disclosure left
 * unreferenced because the disclosure that references it is not in the subset
 * (checked here by following `reachedFrom` up to the payload). `claims` is
 * only built if read: the L2 views of a bundle need just `byDigest`.
 */
export function resolveSubset(
  full: Resolved,
  payload: Record<string, unknown>,
  disclosures: readonly ParsedDisclosure[],
  layer: Layer,
  options: ResolveOptions = VI_RESOLVE_OPTIONS,
): Resolved | undefined {
  const byDigest = new Map<string, ParsedDisclosure>();
  for (const d of disclosures) {
    const known = full.byDigest.get(d.digest);
    if (
      known === undefined ||
      (known !== d && known.encoded !== d.encoded) ||
      byDigest.has(d.digest)
    )
      return undefined;
    byDigest.set(d.digest, d);
  }
  for (const d of disclosures) {
    let from = full.reachedFrom.get(d.digest);
    // Each hop moves to an enclosing disclosure; more hops than disclosures would be a cycle.
    for (let hops = 0; from !== null; hops++) {
      if (from === undefined || !byDigest.has(from) || hops > disclosures.length) return undefined;
      from = full.reachedFrom.get(from);
    }
  }
  return new SubsetResolution(
    byDigest,
    full.reachedFrom,
    () => resolveDisclosures(payload, disclosures, layer, options).claims,
  );
}

/** A class, not an object literal with a getter: V8 creates those far more slowly. */
class SubsetResolution implements Resolved {
  private built: Record<string, unknown> | undefined;

  constructor(
    readonly byDigest: Map<string, ParsedDisclosure>,
    readonly reachedFrom: Map<string, string | null>,
    private readonly build: () => Record<string, unknown>,
  ) {}

  get claims(): Record<string, unknown> {
    return (this.built ??= this.build());
  }
}
