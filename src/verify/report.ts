/**
 * The report of one verification as the CLI and the HTTP service send it:
 * verdict, mode, profile and bounded errors (no claims), plus whether it
 * matches the verdict a test vector records.
 */
import type { VIErrorInfo } from '../errors.js';
import type { Ap2ErrorCode } from '../profiles/ap2.js';
import type { Ap2VerificationResult } from './ap2/types.js';
import type { VerificationResult } from './types.js';

export interface BundleReport {
  file: string;
  name: string | null;
  valid: boolean;
  mode: string | null;
  /** The wire profile the chain speaks (spec/profile.md); null when no mandate was read. */
  profile: string | null;
  errors: {
    code: VIErrorInfo['code'];
    layer: VIErrorInfo['layer'] | null;
    pair: number | null;
    message: string;
  }[];
  /** AP2 bundles: the AP2 error code of the verdict (null when valid). */
  ap2_error?: Ap2ErrorCode | null;
  /** Whether `valid` equals the bundle's recorded verdict; null when it has none. */
  verdict_match: boolean | null;
}

/** The report for one verification (also the shape the merchant endpoint returns). */
export function reportOf(file: string, bundle: unknown, result: VerificationResult): BundleReport {
  const b = (typeof bundle === 'object' && bundle !== null ? bundle : {}) as {
    name?: unknown;
    verdict?: { valid?: unknown };
  };
  const verdict = typeof b.verdict?.valid === 'boolean' ? b.verdict.valid : undefined;
  return {
    file,
    name: typeof b.name === 'string' ? b.name : null,
    valid: result.valid,
    mode: result.mode ?? null,
    profile: result.profile ?? null,
    errors: result.errors.map((e) => ({
      code: e.code,
      layer: e.layer ?? null,
      pair: e.pair ?? null,
      message: e.message,
    })),
    verdict_match: verdict === undefined ? null : verdict === result.valid,
  };
}

/**
 * The report of an AP2 verification: a recorded verdict matches when the
 * validity does and, for an invalid bundle with a recorded `error`, the AP2
 * error code does too.
 */
export function reportOfAp2(
  file: string,
  bundle: unknown,
  result: Ap2VerificationResult,
): BundleReport {
  const b = (typeof bundle === 'object' && bundle !== null ? bundle : {}) as {
    name?: unknown;
    verdict?: { valid?: unknown; error?: unknown };
  };
  const verdict = typeof b.verdict?.valid === 'boolean' ? b.verdict.valid : undefined;
  const error = typeof b.verdict?.error === 'string' ? b.verdict.error : undefined;
  return {
    file,
    name: typeof b.name === 'string' ? b.name : null,
    valid: result.valid,
    mode: null,
    profile: result.profile,
    errors: result.errors.map((e) => ({
      code: e.code,
      layer: e.layer ?? null,
      pair: e.pair ?? null,
      message: e.message,
    })),
    ap2_error: result.ap2_error,
    verdict_match:
      verdict === undefined
        ? null
        : verdict === result.valid &&
          (result.valid || error === undefined || error === result.ap2_error),
  };
}
