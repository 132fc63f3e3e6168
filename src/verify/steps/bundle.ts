/**
 * Stage 0: the bundle itself ({@link ReadBundle}: shape, trust source,
 * verification time), then one parse of every credential string it carries
 * ({@link ParsedChain}).
 */
import { VIError } from '../../errors.js';
import { isRecord } from '../../internal/guards.js';
import { type Bundle, bundleSchema } from '../../profiles/bundle.js';
import {
  jsonDepthExceeds,
  newParseMemo,
  type ParsedSdJwt,
  type ParseMemo,
  parseSdJwt,
} from '../../sdjwt/parse.js';
import { utf8ByteLength, utf8Decode } from '../../sdjwt/text.js';
import { type CheckLog, DEFAULT_LIMITS, reject } from '../context.js';
import type { ParsedChain, ParsedL3, ParsedView, ReadBundle } from '../stages.js';
import type { KeyResolver, Limits } from '../types.js';
import { checkoutJwtMemo } from './bindings.js';
import { plainBundle } from './bundle-shape.js';

/** The outcome of reading a bundle from raw text: the JSON value, or why it was refused. */
export type BundleTextResult = { ok: true; value: unknown } | { ok: false; error: VIError };

/**
 * Read a bundle from the bytes a CLI or HTTP server received, before any
 * JSON is built: size first (BUNDLE_TOO_LARGE), nesting depth (LIMIT_EXCEEDED), JSON
 * syntax (BUNDLE_MALFORMED). Never throws. Hand `value` to verifyPresentation.
 *
 * @example
 * const read = parseBundleText(await request.text());
 * const result = read.ok ? await verifyPresentation(read.value, { issuerKeys }) : undefined;
 */
export function parseBundleText(
  text: string | Uint8Array,
  limits: Partial<Limits> = {},
): BundleTextResult {
  const l = { ...DEFAULT_LIMITS, ...limits };
  const refuse = (
    code: 'BUNDLE_TOO_LARGE' | 'BUNDLE_MALFORMED' | 'LIMIT_EXCEEDED',
    message: string,
  ): BundleTextResult => ({
    ok: false,
    error: new VIError({ code, layer: 'bundle', message }),
  });
  const bytes = typeof text === 'string' ? utf8ByteLength(text) : text.byteLength;
  if (bytes > l.maxBundleBytes)
    return refuse('BUNDLE_TOO_LARGE', `bundle is ${bytes} bytes, limit ${l.maxBundleBytes}`);
  const s = typeof text === 'string' ? text : utf8Decode(text);
  if (jsonDepthExceeds(s, l.maxJsonDepth))
    return refuse('LIMIT_EXCEEDED', `bundle JSON nests deeper than ${l.maxJsonDepth}`);
  try {
    return { ok: true, value: JSON.parse(s) };
  } catch (error) {
    return refuse('BUNDLE_MALFORMED', `bundle is not JSON: ${jsonBreak(s, error)}`);
  }
}

/** Where a JSON text breaks, for people: the parser's reason and the line and column (1-based). */
export function jsonBreak(text: string, error: unknown): string {
  const reason =
    error instanceof Error
      ? error.message.replace(/ in JSON at position \d+.*$| at position \d+.*$/s, '')
      : 'invalid JSON';
  const found = error instanceof Error ? /position (\d+)/.exec(error.message) : null;
  // V8 names no position at the end of input: the text stops where more was needed.
  const at = found ? Number(found[1]) : text.length;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `${reason.slice(0, 120)} (line ${line}, column ${at - lineStart + 1})`;
}

/** zod's verdict on a bundle the fast check was not sure of; rejects with zod's first issue. */
function schemaChecked(input: unknown): Bundle {
  const parsed = bundleSchema.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.length ? `${first.path.join('.')}: ` : '';
    reject('BUNDLE_MALFORMED', `bundle: ${where}${first?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

interface BundleInput {
  readonly input: unknown;
  readonly log: CheckLog;
}

/** What `bundle.schema` established; `at` is known once the shape is, even if trust then fails. */
interface BundleFindings {
  at: number;
  read?: ReadBundle;
}

/** Shape, then trust and time from configuration (the bundle's own only for test vectors), then limits. */
function bundleSchemaCheck({ input, log }: BundleInput, found: BundleFindings): void {
  if (isRecord(input) && input.ap2_bundle !== undefined) {
    if (input.vi_bundle !== undefined)
      reject('AP2_MIXED_VOCABULARY', 'a bundle is either vi_bundle or ap2_bundle, not both');
    reject(
      'PROFILE_NOT_ACCEPTED',
      'an AP2 bundle (ap2_bundle): verify it with verifyAp2Presentation',
    );
  }
  const b = plainBundle(input) ?? schemaChecked(input);
  const options = log.config.options;
  // Trust and time come from configuration. The bundle's own are read only
  // when the caller asks to check a test vector (trustFromBundle).
  const fromBundle = options.trustFromBundle === true;
  found.at = options.now ?? (fromBundle ? b.at : undefined) ?? Math.floor(Date.now() / 1000);
  const issuerKeys = options.issuerKeys ?? (fromBundle ? b.trust?.issuer_jwks : undefined);
  const merchantKeys = options.merchantKeys ?? (fromBundle ? b.trust?.merchant_jwks : undefined);
  if (!issuerKeys) {
    reject(
      'TRUST_NOT_CONFIGURED',
      fromBundle
        ? 'no trusted issuer keys: neither options.issuerKeys nor bundle trust.issuer_jwks'
        : "no trusted issuer keys configured (options.issuerKeys); the bundle's own trust is not used",
    );
  }
  const maxL3 = log.config.limits.maxL3Entries;
  if ((b.l3?.length ?? 0) > maxL3)
    reject('LIMIT_EXCEEDED', `${b.l3?.length} l3 entries, limit ${maxL3}`);
  found.read = {
    bundle: b,
    config: log.config,
    at: found.at,
    expect: {
      l2: { ...b.expect?.l2, ...options.expect?.l2 },
      l3a: { ...b.expect?.l3a, ...options.expect?.l3a },
      l3b: { ...b.expect?.l3b, ...options.expect?.l3b },
    },
    issuerKeys: issuerKeys as KeyResolver,
    merchantKeys,
  };
}

const BUNDLE_CHECKS = [{ name: 'bundle.schema', layer: 'bundle', run: bundleSchemaCheck }] as const;

/**
 * Stage: the bundle. `read` is undefined when it is refused; `at` is the
 * verification time as far as it was established (0 before the shape is known).
 */
export function readBundle(
  input: unknown,
  log: CheckLog,
): { readonly at: number; readonly read: ReadBundle | undefined } {
  const found: BundleFindings = { at: 0 };
  log.runAll(BUNDLE_CHECKS, { input, log }, found);
  return { at: found.at, read: found.read };
}

/**
 * The L2 views of a bundle, each distinct string parsed once. The first few
 * are matched by equality: a Map keyed by whole view strings hashes every
 * character of each (a request's strings are all new). Past those a Map
 * keeps a hostile bundle's many views to one lookup each.
 */
class ViewTable {
  readonly views: ParsedView[];
  private readonly first: ParsedView[];
  private readonly rest = new Map<string, ParsedView>();

  constructor(
    main: ParsedView,
    private readonly limits: Limits,
    private readonly memo: ParseMemo,
  ) {
    this.views = [main];
    this.first = [main];
  }

  /** The view an entry names (the bundle's `l2` when it names none). Throws VIError when a new one does not parse. */
  viewFor(s: string | undefined, label: string): ParsedView {
    if (s === undefined) return this.views[0]!;
    for (const known of this.first) if (known.parsed.serialized === s) return known;
    const known = this.rest.size > 0 ? this.rest.get(s) : undefined;
    if (known) return known;
    const v: ParsedView = {
      index: this.views.length,
      label,
      parsed: parseSdJwt(s, 'l2', this.limits, this.memo),
    };
    if (this.first.length < 4) this.first.push(v);
    else this.rest.set(s, v);
    this.views.push(v);
    return v;
  }
}

/** Stage: parse every credential once; each parse is its own check. Undefined when L1 or L2 is unreadable. */
export function parseChain(read: ReadBundle, log: CheckLog): ParsedChain | undefined {
  const b = read.bundle;
  const limits = read.config.limits;
  const memo = newParseMemo(); // L2 views repeat the L2 JWT and disclosures: parse each once
  let l1: ParsedSdJwt | undefined;
  let l2: ParsedSdJwt | undefined;
  // L1 and L2 recur across a network's presentations; L3s and checkouts are new every time.
  const recurring = read.config.options.parseCache;
  log.check('l1.parse', 'l1', () => {
    l1 = parseSdJwt(b.l1, 'l1', limits, undefined, recurring);
  });
  log.check('l2.parse', 'l2', () => {
    l2 = parseSdJwt(b.l2, 'l2', limits, memo, recurring);
  });
  if (!l1 || !l2) return undefined;
  const views = new ViewTable({ index: 0, label: 'l2', parsed: l2 }, limits, memo);
  const l3: ParsedL3[] = [];
  const entries = b.l3 ?? [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.payment !== undefined) {
      const payment = entry.payment;
      log.check('l3a.parse', 'l3a', () => {
        const parsed = parseSdJwt(payment, 'l3a', limits);
        l3.push({
          entry: i,
          kind: 'payment',
          layer: 'l3a',
          parsed,
          view: parseView(log, views, entry.payment_l2, `l3[${i}].payment_l2`),
        });
      });
    }
    if (entry.checkout !== undefined) {
      const checkout = entry.checkout;
      log.check('l3b.parse', 'l3b', () => {
        const parsed = parseSdJwt(checkout, 'l3b', limits);
        l3.push({
          entry: i,
          kind: 'checkout',
          layer: 'l3b',
          parsed,
          view: parseView(log, views, entry.checkout_l2, `l3[${i}].checkout_l2`),
        });
      });
    }
  }
  return { read, l1, views: views.views, l3, checkoutJwts: checkoutJwtMemo() };
}

function parseView(
  log: CheckLog,
  views: ViewTable,
  s: string | undefined,
  label: string,
): number | undefined {
  try {
    return views.viewFor(s, label).index;
  } catch (e) {
    // A broken view is an L2 problem; report it once and let the L3 fail for lack of a view.
    if (e instanceof VIError) log.failed('l2.view.parse', 'l2', [e.toJSON()]);
    return undefined;
  }
}
