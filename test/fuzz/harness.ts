/**
 * Runs one hostile case through the verifier and checks what must hold for
 * every input whatsoever: it resolves (no throw, no hang), its verdict is
 * consistent with its errors and checks, every code is a known ErrorCode, and
 * nothing leaked onto Object.prototype.
 */
import { isErrorCode } from '../../src/errors.js';
import {
  type VerificationResult,
  type VerifyOptions,
  verifyPresentation,
} from '../../src/verify/index.js';

/** Generous: a case takes milliseconds; only a hang or runaway work comes near. */
export const CASE_TIMEOUT_MS = 2000;

const LAYERS = new Set(['bundle', 'l1', 'l2', 'l3a', 'l3b', 'checkout_jwt', 'ledger', 'issue']);
const STATUSES = new Set(['passed', 'failed', 'skipped']);

export type Verified = { result: VerificationResult } | { failure: string };

/** Sees every verdict reached; the long fuzz run uses it to report what the mutants hit. */
let observer: ((r: VerificationResult) => void) | undefined;
export function observeVerdicts(fn: ((r: VerificationResult) => void) | undefined): void {
  observer = fn;
}

/** verifyPresentation raced against a timer; a throw or a timeout is a failure, never an exception. */
export async function verifyBounded(
  bundle: unknown,
  options: VerifyOptions = {},
  timeoutMs = CASE_TIMEOUT_MS,
): Promise<Verified> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<Verified>((resolve) => {
    timer = setTimeout(
      () => resolve({ failure: `hang: no verdict within ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  const started = performance.now();
  try {
    const run = verifyPresentation(bundle, { trustFromBundle: true, ...options }).then(
      (result): Verified => ({ result }),
      (e: unknown): Verified => ({
        failure: `rejected: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      }),
    );
    const out = await Promise.race([run, hang]);
    // Synchronous runaway work blocks the timer too; measure it after the fact.
    const took = performance.now() - started;
    if ('result' in out) observer?.(out.result);
    if ('result' in out && took > timeoutMs)
      return { failure: `slow: verdict took ${Math.round(took)} ms` };
    return out;
  } catch (e) {
    return {
      failure: `threw synchronously: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** What must hold of any result. Returns the first violation, or undefined. */
export function invariantViolation(r: VerificationResult): string | undefined {
  if (typeof r !== 'object' || r === null) return 'result is not an object';
  if (typeof r.valid !== 'boolean') return 'valid is not a boolean';
  if (!Array.isArray(r.errors) || !Array.isArray(r.checks) || !Array.isArray(r.pairs))
    return 'errors/checks/pairs not arrays';
  if (r.valid && r.errors.length > 0)
    return `valid:true with errors ${r.errors.map((e) => e.code).join(',')}`;
  if (!r.valid && r.errors.length === 0) return 'valid:false without any error';
  for (const e of r.errors) {
    if (!isErrorCode(e.code)) return `unknown error code ${JSON.stringify(e.code)}`;
    if (typeof e.message !== 'string') return `error ${e.code} without a message`;
    if (e.layer !== undefined && !LAYERS.has(e.layer))
      return `error ${e.code} with unknown layer ${String(e.layer)}`;
    // INTERNAL means an exception escaped a check: fail-safe, but a bug (rerun with VINTENT_DEBUG=1).
    if (e.code === 'INTERNAL')
      return `INTERNAL error in check ${r.checks.find((c) => c.status === 'failed')?.name ?? '?'}`;
  }
  for (const c of r.checks) {
    if (typeof c.name !== 'string' || !STATUSES.has(c.status))
      return `malformed check ${JSON.stringify(c)}`;
  }
  const failedCheck = r.checks.some((c) => c.status === 'failed');
  if (failedCheck === r.valid)
    return `valid:${r.valid} but a failed check ${failedCheck ? 'exists' : 'is missing'}`;
  if (r.valid && (r.mode === undefined || r.pairs.some((p) => !p.valid)))
    return 'valid:true with no mode or an invalid pair';
  try {
    JSON.stringify(r);
  } catch (e) {
    return `result is not serializable: ${String(e)}`;
  }
  const proto = Object.prototype as Record<string, unknown>;
  for (const k of ['polluted', 'valid', 'x'])
    if (k in proto) return `Object.prototype polluted with "${k}"`;
  return undefined;
}

/** Digests of the L2 mandates a result vouches for. */
export function mandateDigests(r: VerificationResult): Set<string> {
  const out = new Set<string>();
  for (const p of r.pairs) {
    if (p.checkout) out.add(p.checkout.digest);
    if (p.payment) out.add(p.payment.digest);
  }
  return out;
}
