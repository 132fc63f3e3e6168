/**
 * Verification driver: a bundle in, a verdict out, never an exception.
 *
 * The chain is walked as a fixed pipeline of small named checks (steps/).
 * Claims are only read from what a signature check has accepted; each later
 * layer's key comes only from the previous layer's `cnf`.
 */
import { isRecord } from '../constraints/values.js';
import { type PairState, VerifyContext } from './context.js';
import { withoutPrivateKeys } from './redact.js';
import { verifyCheckoutBindings } from './steps/bindings.js';
import { checkBundle, parseCredentials } from './steps/bundle.js';
import { verifyConstraints } from './steps/constraints.js';
import { resolveKeys } from './steps/keys.js';
import { verifyL1 } from './steps/l1.js';
import { verifyL1Status } from './steps/l1-status.js';
import { verifyL2 } from './steps/l2.js';
import { verifyL3s } from './steps/l3.js';
import { verifyMandates } from './steps/mandates.js';
import type { LayerClaims, PairResult, VerificationResult, VerifyOptions } from './types.js';

export { CHECK_NAMES, type CheckName, isCheckName } from './checks.js';
export { type BundleTextResult, parseBundleText } from './steps/bundle.js';
export type * from './types.js';

/**
 * The stages in order: the bundle and one parse of each credential; key
 * resolution (the only await, and only when a resolver is asynchronous);
 * then, synchronously, verified L1 → verified L2 with its mode → mandate
 * pairs → L3s bound to their views → the merchant's checkout_jwt and cart →
 * constraints. Each stage records its named checks (src/verify/checks.ts)
 * and hands the next what it established on the context.
 */
function runPipeline(input: unknown, ctx: VerifyContext): void | Promise<void> {
  if (!checkBundle(input, ctx)) return;
  if (!parseCredentials(ctx)) return;
  const keys = resolveKeys(ctx);
  return keys ? keys.then(() => verifyResolved(ctx)) : verifyResolved(ctx);
}

function verifyResolved(ctx: VerifyContext): void | Promise<void> {
  verifyL1(ctx);
  // The L1's credential status, when a status resolver is configured: the one other lookup that may wait.
  const status = verifyL1Status(ctx);
  return status ? status.then(() => verifyAfterL1(ctx)) : verifyAfterL1(ctx);
}

function verifyAfterL1(ctx: VerifyContext): void {
  verifyL2(ctx);
  verifyMandates(ctx);
  verifyL3s(ctx);
  verifyCheckoutBindings(ctx);
  verifyConstraints(ctx);
}

/**
 * Verify a presentation bundle (shared/interop/BUNDLE.md).
 *
 * @example
 * const result = await verifyPresentation(bundle, { issuerKeys: jwks });
 * if (!result.valid) console.log(result.errors.map((e) => e.code));
 */
export async function verifyPresentation(bundle: unknown, options: VerifyOptions = {}): Promise<VerificationResult> {
  const ctx = new VerifyContext(options);
  try {
    const pending = runPipeline(bundle, ctx);
    if (pending) await pending;
  } catch (e) {
    // A bug must not become an exception for the caller, nor a pass.
    if (process.env.VINTENT_DEBUG) console.error(e);
    ctx.failed('internal', 'bundle', [{ code: 'INTERNAL', message: 'internal error while verifying' }]);
  }
  return toResult(ctx);
}

type Redact = <T>(value: T) => T;
const asIs: Redact = (value) => value;

function layerClaims(redact: Redact, header: Record<string, unknown>, claims: Record<string, unknown> | undefined): LayerClaims | undefined {
  return claims ? { header: redact(header), claims: redact(claims) } : undefined;
}

function pairResult(ctx: VerifyContext, p: PairState): PairResult {
  const r = p.result;
  r.valid = !ctx.errors.some((e) => e.pair === r.index);
  const values = ctx.mode === 'immediate' ? p.payment?.claims : p.l3a?.verified ? p.l3a.mandate : undefined;
  if (values && r.valid) {
    const pa = isRecord(values.payment_amount) ? values.payment_amount : values;
    if (typeof pa.amount === 'number' && typeof pa.currency === 'string' && typeof values.transaction_id === 'string') {
      r.payment_values = { amount: pa.amount, currency: pa.currency, payee: values.payee, transaction_id: values.transaction_id };
    }
  }
  return r;
}

function toResult(ctx: VerifyContext): VerificationResult {
  // Redaction walks every echoed claim; the parser already told whether any could need it.
  const redact: Redact = ctx.mayEchoPrivateKey() ? withoutPrivateKeys : asIs;
  const l3Claims: VerificationResult['claims']['l3'] = [];
  const l3Signers: VerificationResult['signers']['l3'] = [];
  for (const r of ctx.l3) {
    const c = (l3Claims[r.entry] ??= {});
    const s = (l3Signers[r.entry] ??= {});
    const lc = r.verified ? layerClaims(redact, r.parsed.jwt.header, r.resolved?.claims) : undefined;
    if (lc) c[r.kind] = lc;
    if (r.signer) s[r.kind] = r.signer;
  }
  const l1 = ctx.l1Trusted ? layerClaims(redact, ctx.l1!.jwt.header, ctx.l1Resolved?.claims) : undefined;
  const l2 = ctx.l2Trusted ? layerClaims(redact, ctx.l2!.parsed.jwt.header, ctx.l2!.resolved?.claims) : undefined;
  const result: VerificationResult = {
    valid: ctx.valid,
    mode: ctx.mode,
    at: ctx.at,
    errors: ctx.errors,
    checks: ctx.checks,
    claims: { l3: l3Claims.map((c) => c ?? {}) },
    pairs: ctx.pairs.map((p) => redact(pairResult(ctx, p))),
    signers: { l3: l3Signers.map((s) => s ?? {}) },
  };
  if (l1) result.claims.l1 = l1;
  if (l2) result.claims.l2 = l2;
  if (ctx.l2Id) result.l2_id = ctx.l2Id;
  if (ctx.profile) result.profile = ctx.profile.name;
  if (ctx.issuerThumbprint) result.signers.l1 = ctx.issuerThumbprint;
  if (ctx.l2Trusted && ctx.userThumbprint) result.signers.l2 = ctx.userThumbprint;
  return result;
}
