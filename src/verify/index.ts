/**
 * Verification driver: a bundle in, a verdict out, never an exception.
 *
 * The chain is walked as a fixed sequence of stages (src/verify/steps/),
 * each a function from the previous stages' typed, readonly values
 * (src/verify/stages.ts) to its own, or undefined when the chain cannot go
 * on. Inside a stage the checks are small named functions listed in order in
 * a table; each is recorded in the one shared {@link CheckLog}. Claims are
 * only read from what a signature check has accepted; each later layer's
 * key comes only from the previous layer's `cnf`.
 */
import { isRecord } from '../constraints/values.js';
import type { ParsedSdJwt } from '../sdjwt/parse.js';
import { CheckLog, configOf, debugging } from './context.js';
import { withoutPrivateKeys } from './redact.js';
import type {
  BoundL3s,
  ConstraintReports,
  MandateSet,
  Pair,
  Pairs,
  ParsedChain,
  ResolvedKeys,
  VerifiedL1,
  VerifiedL2,
} from './stages.js';
import { verifyCheckouts } from './steps/bindings.js';
import { parseChain, readBundle } from './steps/bundle.js';
import { judgeConstraints } from './steps/constraints.js';
import { resolveKeys } from './steps/keys.js';
import { verifyL1 } from './steps/l1.js';
import { statusReferenceOf, verifyL1Status } from './steps/l1-status.js';
import { verifyL2 } from './steps/l2.js';
import { bindL3s } from './steps/l3.js';
import { pairMandates, readMandates } from './steps/mandates.js';
import { checkRoleView } from './steps/role.js';
import type { LayerClaims, PairResult, VerificationResult, VerifyOptions } from './types.js';

export { CHECK_NAMES, type CheckName, isCheckName } from './checks.js';
export { type BundleTextResult, parseBundleText } from './steps/bundle.js';
export type * from './types.js';

/** Everything the stages established, as far as they got: what the result is built from. */
interface Outcome {
  at: number;
  chain?: ParsedChain;
  l1?: VerifiedL1;
  l2?: VerifiedL2;
  set?: MandateSet;
  pairs?: Pairs;
  l3s?: BoundL3s;
  constraints?: ConstraintReports;
}

/**
 * The stages in order: the bundle (`readBundle`) and one parse of each
 * credential (`parseChain`); key resolution (`resolveKeys`: the only await
 * besides the optional L1 status lookup, and only when a resolver is
 * asynchronous); then, synchronously, verified L1 → verified L2 with its
 * views → mandates with their mode → pairs → L3s bound to their views →
 * the merchant's checkout_jwt and cart → constraints.
 */
function runPipeline(input: unknown, log: CheckLog, outcome: Outcome): void | Promise<void> {
  const { at, read } = readBundle(input, log);
  outcome.at = at;
  if (!read) return;
  const chain = parseChain(read, log);
  if (!chain) return;
  outcome.chain = chain;
  const keys = resolveKeys(chain);
  return keys instanceof Promise
    ? keys.then((k) => verifyWithKeys(chain, k, log, outcome))
    : verifyWithKeys(chain, keys, log, outcome);
}

function verifyWithKeys(
  chain: ParsedChain,
  keys: ResolvedKeys,
  log: CheckLog,
  outcome: Outcome,
): void | Promise<void> {
  const l1 = verifyL1(chain, keys, log);
  outcome.l1 = l1;
  // The L1's credential status, when a status resolver is configured: the one other lookup that may wait.
  const status = l1 && verifyL1Status(l1, log);
  return status
    ? status.then(() => verifyAfterL1(chain, keys, l1, log, outcome))
    : verifyAfterL1(chain, keys, l1, log, outcome);
}

function verifyAfterL1(
  chain: ParsedChain,
  keys: ResolvedKeys,
  l1: VerifiedL1 | undefined,
  log: CheckLog,
  outcome: Outcome,
): void {
  // Each value is kept as soon as it exists: a bug in a later stage still reports what was established.
  const l2 = (outcome.l2 = verifyL2(chain, l1, log));
  const set = (outcome.set = readMandates(chain, l2, log));
  // An L2 verifies only under the L1's key, so `l1` is there whenever `set` is.
  const pairs = (outcome.pairs = set?.moded && l1 ? pairMandates(set, l1, log) : undefined);
  const l3s = (outcome.l3s = bindL3s(chain, set, pairs, log));
  checkRoleView(chain.read, set, pairs, l3s, log);
  verifyCheckouts(chain.read, keys, chain.checkoutJwts, set, pairs, l3s, log);
  outcome.constraints = judgeConstraints(chain.read, chain.checkoutJwts, set, pairs, l3s, log);
}

/**
 * Verify a presentation bundle (shared/interop/BUNDLE.md).
 *
 * @example
 * const result = await verifyPresentation(bundle, { issuerKeys: jwks });
 * if (!result.valid) console.log(result.errors.map((e) => e.code));
 */
export async function verifyPresentation(
  bundle: unknown,
  options: VerifyOptions = {},
): Promise<VerificationResult> {
  const config = configOf(options);
  let log = new CheckLog(config);
  let outcome: Outcome = { at: 0 };
  try {
    for (let round = 1; ; round++) {
      const pending = runPipeline(bundle, log, outcome);
      if (pending) await pending;
      // On WebCrypto the signatures were answered provisionally: check them in one batch. When
      // they all held, this run is the synchronous one; when one did not, run again knowing it.
      if (!config.signatures.provisional || (await config.signatures.settle())) break;
      // Each round settles at least one more signature of the bundle's few: a bound, not a loop.
      if (round >= MAX_SIGNATURE_ROUNDS) throw new Error('signature rounds did not settle');
      log = new CheckLog(config);
      outcome = { at: 0 };
    }
  } catch (e) {
    // A bug must not become an exception for the caller, nor a pass.
    if (debugging()) console.error(e);
    log.failed('internal', 'bundle', [
      { code: 'INTERNAL', message: 'internal error while verifying' },
    ]);
  }
  return toResult(log, outcome);
}

/** More rounds than a chain has signed layers (L1, L2, L3a, L3b, checkout_jwt) means a bug. */
const MAX_SIGNATURE_ROUNDS = 8;

type Redact = <T>(value: T) => T;
const asIs: Redact = (value) => value;

function layerClaims(
  redact: Redact,
  header: Record<string, unknown>,
  claims: Record<string, unknown> | undefined,
): LayerClaims | undefined {
  return claims ? { header: redact(header), claims: redact(claims) } : undefined;
}

/**
 * Whether anything parsed in this verification has a member named like a
 * private JWK member (header, payload or disclosure, at any depth, or a
 * disclosed claim so named). Echoed claims come only from these, so when
 * none has one there is nothing to redact.
 */
function mayEchoPrivateKey(chain: ParsedChain | undefined): boolean {
  if (!chain) return false;
  const any = (p: ParsedSdJwt) =>
    p.jwt.privateJwkMember || p.disclosures.some((d) => d.privateJwkMember);
  return (
    any(chain.l1) ||
    chain.views.some((v) => any(v.parsed)) ||
    chain.l3.some((r) => any(r.parsed)) ||
    chain.checkoutJwts.anyPrivateJwkMember()
  );
}

function pairResult(log: CheckLog, o: Outcome, p: Pair): PairResult {
  const l3s = o.l3s?.byPair[p.index];
  const r: PairResult = {
    index: p.index,
    pairId: p.pairId,
    l3a: l3s?.l3aStatus ?? 'absent',
    l3b: l3s?.l3bStatus ?? 'absent',
    constraints: [...(o.constraints?.[p.index] ?? [])],
    valid: !log.pairFailed(p.index),
  };
  if (p.checkout)
    r.checkout = { vct: p.checkout.vct, digest: p.checkout.digest, claims: p.checkout.claims };
  if (p.payment)
    r.payment = { vct: p.payment.vct, digest: p.payment.digest, claims: p.payment.claims };
  const values =
    o.set?.mode === 'immediate'
      ? p.payment?.claims
      : l3s?.l3a?.verified
        ? l3s.l3a.final
        : undefined;
  if (values && r.valid) {
    const pa = isRecord(values.payment_amount) ? values.payment_amount : values;
    if (
      typeof pa.amount === 'number' &&
      typeof pa.currency === 'string' &&
      typeof values.transaction_id === 'string'
    ) {
      r.payment_values = {
        amount: pa.amount,
        currency: pa.currency,
        payee: values.payee,
        transaction_id: values.transaction_id,
      };
    }
  }
  return r;
}

function toResult(log: CheckLog, o: Outcome): VerificationResult {
  const { chain, l1, l2 } = o;
  // Redaction walks every echoed claim; the parser already told whether any could need it.
  const redact: Redact = mayEchoPrivateKey(chain) ? withoutPrivateKeys : asIs;
  const l3Claims: VerificationResult['claims']['l3'] = [];
  const l3Signers: VerificationResult['signers']['l3'] = [];
  const judged = o.l3s?.l3 ?? [];
  const parsedL3 = chain?.l3 ?? [];
  for (let i = 0; i < parsedL3.length; i++) {
    const rec = parsedL3[i]!;
    const c = (l3Claims[rec.entry] ??= {});
    const s = (l3Signers[rec.entry] ??= {});
    const r = judged[i];
    if (!r) continue;
    const lc = r.verified
      ? layerClaims(redact, r.parsed.jwt.header, r.resolved?.claims)
      : undefined;
    if (lc) c[r.kind] = lc;
    if (r.signer) s[r.kind] = r.signer;
  }
  const l1Claims = l1 ? layerClaims(redact, l1.parsed.jwt.header, l1.resolved?.claims) : undefined;
  const main = l2?.views[0];
  const l2Claims = main
    ? layerClaims(redact, main.parsed.jwt.header, main.resolved?.claims)
    : undefined;
  const result: VerificationResult = {
    valid: log.valid,
    mode: o.set?.mode,
    at: o.at,
    errors: log.errors,
    errorsOmitted: log.omitted,
    checks: log.checks,
    claims: { l3: l3Claims.map((c) => c ?? {}) },
    pairs: (o.pairs?.list ?? []).map((p) => redact(pairResult(log, o, p))),
    signers: { l3: l3Signers.map((s) => s ?? {}) },
  };
  if (l1Claims) result.claims.l1 = l1Claims;
  if (l2Claims) result.claims.l2 = l2Claims;
  if (l2) result.l2_id = l2.id;
  if (o.set?.profile) result.profile = o.set.profile.name;
  if (l1) result.signers.l1 = l1.issuerThumbprint;
  const status = l1 && statusReferenceOf(l1);
  if (status) result.l1_status = status;
  if (l2 && l1?.userThumbprint) result.signers.l2 = l1.userThumbprint;
  return result;
}
