/**
 * Step 0: the bundle itself. Shape, trust source, verification time, and one
 * parse of every credential string it carries.
 */
import { VIError } from '../../errors.js';
import { jsonDepthExceeds, newParseMemo, parseSdJwt } from '../../sdjwt/parse.js';
import { type Bundle, bundleSchema } from '../../spec/bundle.js';
import { DEFAULT_LIMITS, type L2View, reject, type VerifyContext } from '../context.js';
import type { Limits } from '../types.js';
import { plainBundle } from './bundle-shape.js';

/** The outcome of reading a bundle from raw text: the JSON value, or why it was refused. */
export type BundleTextResult = { ok: true; value: unknown } | { ok: false; error: VIError };

/**
 * Read a bundle from the bytes a CLI or HTTP server received, before any
 * JSON is built: size first (BUNDLE_TOO_LARGE), nesting depth (LIMIT_EXCEEDED), JSON
 * syntax (BUNDLE_MALFORMED). Never throws. Hand `value` to verifyPresentation.
 */
export function parseBundleText(text: string | Uint8Array, limits: Partial<Limits> = {}): BundleTextResult {
  const l = { ...DEFAULT_LIMITS, ...limits };
  const refuse = (code: 'BUNDLE_TOO_LARGE' | 'BUNDLE_MALFORMED' | 'LIMIT_EXCEEDED', message: string): BundleTextResult => ({
    ok: false,
    error: new VIError({ code, layer: 'bundle', message }),
  });
  const bytes = typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : text.byteLength;
  if (bytes > l.maxBundleBytes) return refuse('BUNDLE_TOO_LARGE', `bundle is ${bytes} bytes, limit ${l.maxBundleBytes}`);
  const s = typeof text === 'string' ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8');
  if (jsonDepthExceeds(s, l.maxJsonDepth)) return refuse('LIMIT_EXCEEDED', `bundle JSON nests deeper than ${l.maxJsonDepth}`);
  try {
    return { ok: true, value: JSON.parse(s) };
  } catch {
    return refuse('BUNDLE_MALFORMED', 'bundle is not JSON');
  }
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

export function checkBundle(input: unknown, ctx: VerifyContext): boolean {
  return (
    'passed' ===
    ctx.check('bundle.schema', 'bundle', () => {
      const b = plainBundle(input) ?? schemaChecked(input);
      ctx.bundle = b;
      // Trust and time come from configuration. The bundle's own are read only
      // when the caller asks to check a test vector (trustFromBundle).
      const fromBundle = ctx.options.trustFromBundle === true;
      ctx.at = ctx.options.now ?? (fromBundle ? b.at : undefined) ?? Math.floor(Date.now() / 1000);
      ctx.expect = {
        l2: { ...b.expect?.l2, ...ctx.options.expect?.l2 },
        l3a: { ...b.expect?.l3a, ...ctx.options.expect?.l3a },
        l3b: { ...b.expect?.l3b, ...ctx.options.expect?.l3b },
      };
      ctx.issuerKeys = ctx.options.issuerKeys ?? (fromBundle ? b.trust?.issuer_jwks : undefined);
      ctx.merchantKeys = ctx.options.merchantKeys ?? (fromBundle ? b.trust?.merchant_jwks : undefined);
      if (!ctx.issuerKeys) {
        reject(
          'TRUST_NOT_CONFIGURED',
          fromBundle
            ? 'no trusted issuer keys: neither options.issuerKeys nor bundle trust.issuer_jwks'
            : "no trusted issuer keys configured (options.issuerKeys); the bundle's own trust is not used",
        );
      }
      if ((b.l3?.length ?? 0) > ctx.limits.maxL3Entries) reject('LIMIT_EXCEEDED', `${b.l3?.length} l3 entries, limit ${ctx.limits.maxL3Entries}`);
    })
  );
}

/** Parse every credential once; each parse is its own check. Returns false when L1 or L2 is unreadable. */
export function parseCredentials(ctx: VerifyContext): boolean {
  const b = ctx.bundle!;
  const limits = ctx.limits;
  const memo = newParseMemo(); // L2 views repeat the L2 JWT and disclosures: parse each once
  ctx.check('l1.parse', 'l1', () => {
    ctx.l1 = parseSdJwt(b.l1, 'l1', limits);
  });
  ctx.check('l2.parse', 'l2', () => {
    ctx.l2 = { label: 'l2', parsed: parseSdJwt(b.l2, 'l2', limits, memo) };
  });
  if (!ctx.l1 || !ctx.l2) return false;
  const main = ctx.l2;
  // The first few views are matched by equality: a Map keyed by whole view
  // strings hashes every character of each (a request's strings are all new).
  // Past those a Map keeps a hostile bundle's many views to one lookup each.
  const first: L2View[] = [main];
  const rest = new Map<string, L2View>();
  const viewFor = (s: string | undefined, label: string): L2View | undefined => {
    if (s === undefined) return main;
    for (const known of first) if (known.parsed.serialized === s) return known;
    const known = rest.size > 0 ? rest.get(s) : undefined;
    if (known) return known;
    const v: L2View = { label, parsed: parseSdJwt(s, 'l2', limits, memo) };
    if (first.length < 4) first.push(v);
    else rest.set(s, v);
    ctx.l2Views.push(v);
    return v;
  };
  (b.l3 ?? []).forEach((entry, i) => {
    if (entry.payment !== undefined) {
      const payment = entry.payment;
      ctx.check('l3a.parse', 'l3a', () => {
        const parsed = parseSdJwt(payment, 'l3a', limits);
        ctx.l3.push({
          entry: i,
          kind: 'payment',
          layer: 'l3a',
          parsed,
          view: parseView(ctx, () => viewFor(entry.payment_l2, `l3[${i}].payment_l2`)),
          verified: false,
        });
      });
    }
    if (entry.checkout !== undefined) {
      const checkout = entry.checkout;
      ctx.check('l3b.parse', 'l3b', () => {
        const parsed = parseSdJwt(checkout, 'l3b', limits);
        ctx.l3.push({
          entry: i,
          kind: 'checkout',
          layer: 'l3b',
          parsed,
          view: parseView(ctx, () => viewFor(entry.checkout_l2, `l3[${i}].checkout_l2`)),
          verified: false,
        });
      });
    }
  });
  return true;
}

function parseView(ctx: VerifyContext, make: () => L2View | undefined): L2View | undefined {
  try {
    return make();
  } catch (e) {
    // A broken view is an L2 problem; report it once and let the L3 fail for lack of a view.
    if (e instanceof VIError) ctx.failed('l2.view.parse', 'l2', [e.toJSON()]);
    return undefined;
  }
}
