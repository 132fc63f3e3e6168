/**
 * AP2 v0.2 verification: an `ap2_bundle` (BUNDLE-AP2.md) in, a verdict out,
 * never an exception. Stages: the bundle and the role; each chain walked
 * (chain.ts: root, hops, bindings, times); its mandates judged (mandates.ts:
 * vct, schema, bindings to the checkout, constraints, pre-sets); receipts
 * (receipts.ts). Every error carries its AP2 code (`ap2_error`).
 *
 * Keys, time, expectations and usage state come from the options; the
 * bundle's `trust`, `at`, `expect` and `inputs` only with `trustFromBundle`
 * (test vectors).
 */
import type { Ap2MandateContext } from '../../constraints/ap2/index.js';
import { VIError } from '../../errors.js';
import { isRecord } from '../../internal/guards.js';
import { AP2_V0_2, type Ap2Role, ap2ErrorOf } from '../../profiles/ap2.js';
import type { MandateKind } from '../../profiles/profile.js';
import { sha256b64u } from '../../sdjwt/digest.js';
import { CheckLog, configOf, debugging, reject } from '../context.js';
import type { KeyResolver, VerifyOptions } from '../types.js';
import { type WalkedChain, walkChain } from './chain.js';
import { judgeMandates, type Mandates } from './mandates.js';
import { isReceiptInput, judgeReceipts, type ReceiptInput } from './receipts.js';
import type {
  Ap2ChainResult,
  Ap2Expectation,
  Ap2VerificationResult,
  Ap2VerifyOptions,
} from './types.js';

export { ap2RootId } from './chain.js';
export type * from './types.js';

const ROLES = Object.keys(AP2_V0_2.roleChains) as Ap2Role[];
const MAX_RECEIPTS = 16;

interface ReadBundle {
  role: Ap2Role;
  at: number;
  chains: Partial<Record<MandateKind, string>>;
  issuerKeys?: KeyResolver;
  x5cRoots: readonly string[];
  merchantKeys?: KeyResolver;
  receiptKeys?: KeyResolver;
  expect: Partial<Record<MandateKind, Ap2Expectation>>;
  context?: Ap2MandateContext;
  receipts: ReceiptInput[];
}

function jwkSet(v: unknown): KeyResolver | undefined {
  return isRecord(v) && Array.isArray(v.keys) ? (v as unknown as KeyResolver) : undefined;
}

function readBundle(bundle: unknown, options: Ap2VerifyOptions, maxLength: number): ReadBundle {
  if (!isRecord(bundle)) reject('BUNDLE_MALFORMED', 'an AP2 bundle is a JSON object');
  if (bundle.vi_bundle !== undefined && bundle.ap2_bundle !== undefined)
    reject('AP2_MIXED_VOCABULARY', 'a bundle is either vi_bundle or ap2_bundle, not both');
  if (bundle.vi_bundle !== undefined)
    reject('PROFILE_NOT_ACCEPTED', 'a VI bundle (vi_bundle): verify it with verifyPresentation');
  if (bundle.ap2_bundle !== 1) reject('BUNDLE_MALFORMED', 'ap2_bundle must be 1');
  const role = options.role ?? bundle.role;
  if (!ROLES.includes(role as Ap2Role))
    reject('BUNDLE_MALFORMED', `role must be one of ${ROLES.join(', ')}`, 'role');
  const fromBundle = options.trustFromBundle === true;
  const trust = isRecord(bundle.trust) ? bundle.trust : {};
  const chains: Partial<Record<MandateKind, string>> = {};
  for (const kind of ['checkout', 'payment'] as const) {
    const c = bundle[`${kind}_chain`];
    if (c === undefined) continue;
    if (typeof c !== 'string' || c.length === 0)
      reject('BUNDLE_MALFORMED', `${kind}_chain must be a non-empty string`);
    if (c.length > maxLength * (AP2_V0_2.maxHops + 1))
      reject('LIMIT_EXCEEDED', `${kind}_chain is too long`);
    chains[kind] = c;
  }
  const at =
    options.now ??
    (fromBundle && typeof bundle.at === 'number' && Number.isSafeInteger(bundle.at)
      ? bundle.at
      : Math.floor(Date.now() / 1000));
  const bundleExpect = fromBundle && isRecord(bundle.expect) ? bundle.expect : {};
  const expect: Partial<Record<MandateKind, Ap2Expectation>> = {};
  for (const kind of ['checkout', 'payment'] as const) {
    const b = isRecord(bundleExpect[kind]) ? (bundleExpect[kind] as Ap2Expectation) : {};
    expect[kind] = { ...b, ...options.expect?.[kind] };
  }
  const inputs =
    fromBundle && isRecord(bundle.inputs) && isRecord(bundle.inputs.payment)
      ? bundle.inputs.payment
      : undefined;
  const context =
    options.mandateContext ??
    (isRecord(inputs?.mandate_context)
      ? (inputs.mandate_context as unknown as Ap2MandateContext)
      : undefined);
  const receipts = bundle.receipts === undefined ? [] : bundle.receipts;
  if (!Array.isArray(receipts) || receipts.length > MAX_RECEIPTS || !receipts.every(isReceiptInput))
    reject(
      'BUNDLE_MALFORMED',
      `receipts must be at most ${MAX_RECEIPTS} {kind, jwt} entries`,
      'receipts',
    );
  return {
    role: role as Ap2Role,
    at,
    chains,
    issuerKeys: options.issuerKeys ?? (fromBundle ? jwkSet(trust.issuer_jwks) : undefined),
    x5cRoots:
      options.x5cRoots ??
      (fromBundle && Array.isArray(trust.x5c_roots)
        ? trust.x5c_roots.filter((r): r is string => typeof r === 'string').slice(0, 16)
        : []),
    merchantKeys: options.merchantKeys ?? (fromBundle ? jwkSet(trust.merchant_jwks) : undefined),
    receiptKeys: options.receiptKeys ?? (fromBundle ? jwkSet(trust.receipt_jwks) : undefined),
    expect,
    context,
    receipts: receipts as ReceiptInput[],
  };
}

interface Outcome {
  at: number;
  walked: Partial<Record<MandateKind, WalkedChain>>;
  mandates: Partial<Record<MandateKind, Mandates>>;
  receipts: { kind: MandateKind; valid: boolean }[];
}

async function runPipeline(
  bundle: unknown,
  options: Ap2VerifyOptions,
  log: CheckLog,
  out: Outcome,
): Promise<void> {
  const config = log.config;
  let read: ReadBundle | undefined;
  if (
    log.check('ap2.bundle', 'bundle', () => {
      read = readBundle(bundle, options, config.limits.maxLength);
    }) !== 'passed'
  )
    return;
  const b = read!;
  out.at = b.at;
  if (
    log.check('ap2.role', 'bundle', () => {
      for (const kind of AP2_V0_2.roleChains[b.role])
        if (b.chains[kind] === undefined)
          reject(
            'AP2_CHAIN_MISSING',
            `the ${b.role} must be shown the ${kind} chain`,
            `${kind}_chain`,
          );
    }) !== 'passed'
  )
    return;
  // Checkout first: a payment's transaction_id and payment.reference may be judged against it.
  for (const kind of ['checkout', 'payment'] as const) {
    const text = b.chains[kind];
    if (text === undefined) continue;
    const walked = await walkChain(
      kind,
      text,
      { config, at: b.at, issuerKeys: b.issuerKeys, x5cRoots: b.x5cRoots, expect: b.expect[kind] },
      log,
    );
    out.walked[kind] = walked;
    if (!walked.verified) continue;
    const checkout = out.mandates.checkout;
    const checkoutRoot = out.walked.checkout?.segments[0];
    const openCheckoutRoot =
      checkoutRoot?.effective?.vct === AP2_V0_2.vct.checkout.open ? checkoutRoot : undefined;
    const m = await judgeMandates(
      walked,
      {
        config,
        at: b.at,
        expect: b.expect[kind],
        merchantKeys: b.merchantKeys,
        context: b.context,
        openCheckoutHash:
          b.expect.payment?.open_checkout_hash ??
          (openCheckoutRoot ? sha256b64u(openCheckoutRoot.text) : undefined),
        transactionId:
          b.expect.payment?.transaction_id ??
          (checkout?.closed.checkout_hash as string | undefined),
      },
      log,
    );
    if (m) out.mandates[kind] = m;
  }
  if (b.receipts.length > 0)
    out.receipts = await judgeReceipts(
      b.receipts,
      {
        config,
        merchantKeys: b.merchantKeys,
        receiptKeys: b.receiptKeys,
        chains: out.walked,
        sdkReference: options.receiptReference === 'sdk',
      },
      log,
    );
}

function chainResult(kind: MandateKind, w: WalkedChain, m: Mandates | undefined): Ap2ChainResult {
  const final = w.segments[w.segments.length - 1];
  const root = w.segments[0];
  const r: Ap2ChainResult = { kind, segments: w.segments.length, open: m?.open ?? [] };
  if (w.rootKid !== undefined) r.root_kid = w.rootKid;
  if (m) {
    r.closed = m.closed;
    if (root) r.root_id = sha256b64u(root.sd.jwt.signingInput);
    if (final) r.closed_reference = sha256b64u(final.text);
    if (typeof m.closed.checkout_hash === 'string') r.checkout_hash = m.closed.checkout_hash;
    if (typeof m.closed.transaction_id === 'string') r.transaction_id = m.closed.transaction_id;
    const hop = w.segments.length > 1 ? final?.sd.jwt.payload : undefined;
    if (hop) r.closed_hop_id = sha256b64u(final!.sd.jwt.signingInput);
    if (hop)
      r.final_hop = { aud: hop.aud as string, nonce: hop.nonce as string, iat: hop.iat as number };
  }
  return r;
}

const MAX_SIGNATURE_ROUNDS = 8;

/**
 * Verify an AP2 v0.2 presentation bundle (`ap2_bundle: 1`).
 *
 * @example
 * const r = await verifyAp2Presentation(bundle, {
 *   issuerKeys: providerJwks,
 *   expect: { payment: { aud: 'https://network.example/ap2', nonce, transaction_id } },
 *   mandateContext: await ledger.usage(rootId),
 * });
 * if (!r.valid) console.log(r.ap2_error, r.errors.map((e) => e.code));
 */
export async function verifyAp2Presentation(
  bundle: unknown,
  options: Ap2VerifyOptions = {},
): Promise<Ap2VerificationResult> {
  const viOptions: VerifyOptions = {
    limits: options.limits,
    keyCache: options.keyCache,
    signatureCache: options.signatureCache,
    parseCache: options.parseCache,
    skewSeconds: options.skewSeconds ?? AP2_V0_2.skewSeconds,
  };
  const config = configOf(viOptions);
  let log = new CheckLog(config);
  let out: Outcome = { at: 0, walked: {}, mandates: {}, receipts: [] };
  try {
    for (let round = 1; ; round++) {
      await runPipeline(bundle, options, log, out);
      if (!config.signatures.provisional || (await config.signatures.settle())) break;
      if (round >= MAX_SIGNATURE_ROUNDS) throw new Error('signature rounds did not settle');
      log = new CheckLog(config);
      out = { at: 0, walked: {}, mandates: {}, receipts: [] };
    }
  } catch (e) {
    if (debugging()) console.error(e);
    log.failed('internal', 'bundle', [
      {
        code: 'INTERNAL',
        message: e instanceof VIError ? e.message : 'internal error while verifying',
      },
    ]);
  }
  const errors = log.errors.map((e) => ({ ...e, ap2_error: ap2ErrorOf(e.code) }));
  const chains: Ap2VerificationResult['chains'] = {};
  for (const kind of ['checkout', 'payment'] as const) {
    const w = out.walked[kind];
    if (w) chains[kind] = chainResult(kind, w, out.mandates[kind]);
  }
  return {
    valid: log.valid,
    profile: 'ap2-0.2',
    ap2_error: log.valid ? null : (errors[0]?.ap2_error ?? 'invalid_credential'),
    at: out.at,
    errors,
    errorsOmitted: log.omitted,
    checks: log.checks,
    chains,
    receipts: out.receipts,
  };
}
