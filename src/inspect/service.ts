/**
 * One inspection: pick the party's view, verify it with the library's own
 * {@link verifyPresentation}, and build the page's model.
 */
import type { ErrorCode } from '../errors.js';
import { isRecord } from '../internal/guards.js';
import { verifyAp2Presentation } from '../verify/ap2/index.js';
import type { Ap2VerifyOptions } from '../verify/ap2/types.js';
import { parseBundleText, verifyPresentation } from '../verify/index.js';
import type { KeyResolver, VerifyOptions } from '../verify/types.js';
import { buildAp2InspectView } from './ap2.js';
import { buildInspectView, type InspectView, type TrustSource } from './model.js';
import { deriveRoleView, type ViewRole } from './roles.js';

/** Keys, body limit and an optional preloaded bundle for the inspector page. */
export interface InspectorOptions {
  /**
   * Issuer keys configured on the server. When given they decide trust and the
   * bundle's `trust` is ignored; without them the inspector, being a debugging
   * tool, trusts the keys the bundle itself names (and says so on the page).
   */
  issuerKeys?: KeyResolver;
  merchantKeys?: KeyResolver;
  /** Clock (Unix seconds) for bundles without `at`. Default: the system clock. */
  now?: () => number;
  /** A bundle shown when the page opens (`vintent inspect FILE`). */
  preload?: { name: string; bundle: unknown };
  /** Largest accepted request body. Default 1 MiB. */
  maxBodyBytes?: number;
}

function bundleTrust(bundle: unknown): boolean {
  const t =
    typeof bundle === 'object' && bundle !== null
      ? (bundle as { trust?: { issuer_jwks?: { keys?: unknown } } }).trust
      : undefined;
  return Array.isArray(t?.issuer_jwks?.keys) && t.issuer_jwks.keys.length > 0;
}

function hasAt(bundle: unknown): boolean {
  return (
    typeof bundle === 'object' &&
    bundle !== null &&
    typeof (bundle as { at?: unknown }).at === 'number'
  );
}

/** Verify the `role` view of `bundle` (pair `pair`) and model it for the page. Never throws. */
export async function inspectBundle(
  bundle: unknown,
  role: ViewRole,
  pair: number,
  options: InspectorOptions = {},
): Promise<InspectView> {
  if (isRecord(bundle) && bundle.ap2_bundle !== undefined) return inspectAp2(bundle, options);
  const view = deriveRoleView(bundle, role, pair);
  const verifyOptions: VerifyOptions = {};
  if (options.issuerKeys) verifyOptions.issuerKeys = options.issuerKeys;
  if (options.merchantKeys) verifyOptions.merchantKeys = options.merchantKeys;
  // The inspector is a vector-checking tool: without server keys it uses the
  // bundle's own trust and `at`, and the page says so (trust source 'bundle').
  if (!options.issuerKeys) verifyOptions.trustFromBundle = true;
  // A bundle's `at` is honoured here (reference vectors are judged at their own
  // time); a service deciding real payments would use its own clock instead.
  if (hasAt(view.bundle)) verifyOptions.now = (view.bundle as { at: number }).at;
  else if (options.now) verifyOptions.now = options.now();
  const result = await verifyPresentation(view.bundle, verifyOptions);
  const trust: TrustSource = options.issuerKeys
    ? 'server'
    : bundleTrust(view.bundle)
      ? 'bundle'
      : 'none';
  return buildInspectView(view.bundle, result, { view, trust });
}

/** An AP2 bundle: drawn as presented (it carries the chains of its role), verified with the AP2 verifier. */
async function inspectAp2(
  bundle: Record<string, unknown>,
  options: InspectorOptions,
): Promise<InspectView> {
  const o: Ap2VerifyOptions = {};
  if (options.issuerKeys) o.issuerKeys = options.issuerKeys;
  if (options.merchantKeys) o.merchantKeys = options.merchantKeys;
  if (!options.issuerKeys) o.trustFromBundle = true;
  if (typeof bundle.at === 'number') o.now = bundle.at;
  else if (options.now) o.now = options.now();
  const result = await verifyAp2Presentation(bundle, o);
  const trust: TrustSource = options.issuerKeys
    ? 'server'
    : isRecord(bundle.trust)
      ? 'bundle'
      : 'none';
  return buildAp2InspectView(bundle, result, trust);
}

/** What one inspection request answers: the page's model, or why the input was refused before verification. */
export type InspectAnswer =
  | { ok: true; view: InspectView }
  | { ok: false; status: number; code: ErrorCode; message: string };

/**
 * One inspection from what the page sends: a bundle as pasted text (read with
 * the verifier's own bundle reader: size, depth, JSON syntax) or as a value.
 * The served inspector answers with it, and the static one runs it in the
 * page: one code path.
 */
export async function inspectText(
  input: unknown,
  role: ViewRole,
  pair: number,
  options: InspectorOptions = {},
): Promise<InspectAnswer> {
  let bundle = input;
  if (typeof input === 'string') {
    const r = parseBundleText(input);
    if (!r.ok)
      return {
        ok: false,
        status: r.error.code === 'BUNDLE_TOO_LARGE' ? 413 : 400,
        code: r.error.code,
        message: r.error.message,
      };
    bundle = r.value;
  }
  return { ok: true, view: await inspectBundle(bundle, role, pair, options) };
}
