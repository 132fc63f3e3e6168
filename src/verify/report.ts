/**
 * The report of one verification as the CLI and the HTTP service send it:
 * verdict, mode, profile and bounded errors (no claims), plus whether it
 * matches the verdict a test vector records.
 */
import type { VIErrorInfo } from '../errors.js';
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
