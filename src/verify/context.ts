/**
 * What one verification shares across its stages: the fixed configuration
 * and the {@link CheckLog} that records each named check as passed, failed
 * or skipped. Nothing else is shared; each stage hands the next a typed,
 * readonly value (src/verify/stages.ts).
 */
import type { Strictness } from '../constraints/types.js';
import { type Layer, VIError, type VIErrorInfo } from '../errors.js';
import { PROFILE } from '../profiles/profile.js';
import { type PublicKeyCache, sharedKeyCache } from '../sdjwt/keys.js';
import { DEFAULT_PARSE_LIMITS } from '../sdjwt/parse.js';
import { SignatureCheck } from '../sdjwt/signature-check.js';
import type { CheckName } from './checks.js';
import type { CheckRecord, CheckStatus, Limits, VerifyOptions } from './types.js';

/** Defaults for {@link Limits}; each is documented with its error code in spec/limits.md. */
export const DEFAULT_LIMITS: Limits = {
  ...DEFAULT_PARSE_LIMITS,
  maxBundleBytes: 2 * 1024 * 1024,
  maxPairs: 32,
  maxL3Entries: 32,
  maxConstraints: 64,
  // One calendar year (credential-format §7): a leap year has 366 days.
  maxL1LifetimeSeconds: 366 * 86400,
  maxImmediateL2LifetimeSeconds: 15 * 60,
  maxL3LifetimeSeconds: PROFILE.l3MaxLifetimeSeconds,
  maxCartLines: 256,
  maxLineItemEntries: 64,
  maxAcceptableItems: 1024,
  maxErrorsPerCheck: 8,
  maxErrors: 64,
  maxMessageLength: 512,
};

/** VINTENT_DEBUG set in the environment, where there is one (no `process` in browsers and workers). */
export function debugging(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  return Boolean(env?.VINTENT_DEBUG);
}

/** `message` cut to `max` UTF-16 units (a cut never splits a surrogate pair). */
export function boundedMessage(message: string, max: number): string {
  if (message.length <= max) return message;
  let end = Math.max(0, max - 1);
  const c = message.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${message.slice(0, end)}…`;
}

/** The options of one verification with their defaults applied; never changes during it. */
export interface VerifyConfig {
  readonly options: VerifyOptions;
  readonly skew: number;
  readonly strictness: Strictness;
  readonly limits: Limits;
  readonly keyCache: PublicKeyCache;
  /** This verification's signature checks (through VerifyOptions.signatureCache when given). */
  readonly signatures: SignatureCheck;
}

/** {@link VerifyConfig} for `options`. */
export function configOf(options: VerifyOptions): VerifyConfig {
  return {
    options,
    skew: options.skewSeconds ?? PROFILE.defaultSkewSeconds,
    strictness: options.strictness ?? 'PERMISSIVE',
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    keyCache: options.keyCache ?? sharedKeyCache,
    signatures: new SignatureCheck(options.signatureCache),
  };
}

/** What a check function may return to say it did not apply. */
export interface Skip {
  skip: string;
}
export const skip = (reason: string): Skip => ({ skip: reason });

/**
 * One named check in a stage's table. `run` gets the stage's input and the
 * stage's findings so far (what earlier checks of the same stage
 * established); it passes by returning, fails by throwing a VIError (see
 * {@link reject}) and is skipped by returning {@link skip}.
 */
export interface Check<In, Found> {
  readonly name: CheckName;
  readonly layer: Layer;
  readonly run: (input: In, found: Found) => void | Skip;
  /** The stage goes no further unless this check passed (a signature: nothing after it may be read otherwise). */
  readonly gate?: true;
}

/**
 * The output being written: every check record and the errors, in order.
 * The one mutable thing a verification shares. What it keeps is bounded
 * whatever the input (spec/limits.md): errors per check and in total, and
 * the length of each message; what is left out is counted, and the verdict
 * (`valid`, each pair's) counts every error found.
 */
export class CheckLog {
  readonly errors: VIErrorInfo[] = [];
  readonly checks: CheckRecord[] = [];
  /** Errors found but not kept. */
  omitted = 0;
  private found = 0;
  private readonly failedPairs = new Set<number>();

  constructor(readonly config: VerifyConfig) {}

  get valid(): boolean {
    return this.found === 0;
  }

  /** Whether some error concerns pair `index` (kept or not). */
  pairFailed(index: number): boolean {
    return this.failedPairs.has(index);
  }

  pass(name: CheckName, layer: Layer, pair?: number): void {
    this.checks.push(
      pair === undefined
        ? { name, status: 'passed', layer }
        : { name, status: 'passed', layer, pair },
    );
  }

  skipped(name: CheckName, layer: Layer, reason: string, pair?: number): void {
    this.checks.push(
      pair === undefined
        ? { name, status: 'skipped', layer, reason }
        : { name, status: 'skipped', layer, reason, pair },
    );
  }

  failed(name: CheckName, layer: Layer, errors: readonly VIErrorInfo[], pair?: number): void {
    this.checks.push(
      pair === undefined
        ? { name, status: 'failed', layer }
        : { name, status: 'failed', layer, pair },
    );
    const { maxErrorsPerCheck, maxErrors, maxMessageLength } = this.config.limits;
    // A failed check is a failure even when it names no error (a caller's empty list).
    if (errors.length === 0) {
      this.found++;
      if (pair !== undefined) this.failedPairs.add(pair);
    }
    let kept = 0;
    for (const e of errors) {
      this.found++;
      const p = e.pair ?? pair;
      if (p !== undefined) this.failedPairs.add(p);
      if (kept >= maxErrorsPerCheck || this.errors.length >= maxErrors) {
        this.omitted++;
        continue;
      }
      kept++;
      const info: VIErrorInfo = {
        ...e,
        message: boundedMessage(e.message, maxMessageLength),
        layer: e.layer ?? layer,
      };
      if (p !== undefined) info.pair = p;
      this.errors.push(info);
    }
  }

  /** Record what `outcome` (a check's return value, or what it threw) means. */
  private settle(
    name: CheckName,
    layer: Layer,
    outcome: void | Skip,
    pair: number | undefined,
  ): CheckStatus {
    if (outcome && typeof outcome === 'object' && 'skip' in outcome) {
      this.skipped(name, layer, outcome.skip, pair);
      return 'skipped';
    }
    this.pass(name, layer, pair);
    return 'passed';
  }

  /** Run one check of a table on the stage's input and findings. */
  run<In, Found>(check: Check<In, Found>, input: In, found: Found, pair?: number): CheckStatus {
    let outcome: void | Skip;
    try {
      outcome = check.run(input, found);
    } catch (e) {
      this.failed(check.name, check.layer, [toInfo(e, check.layer)], pair);
      return 'failed';
    }
    return this.settle(check.name, check.layer, outcome, pair);
  }

  /**
   * Run a stage's table in order. Returns false when a gate check did not
   * pass (the rest is not run), else whether no check failed.
   */
  runAll<In, Found>(
    table: readonly Check<In, Found>[],
    input: In,
    found: Found,
    pair?: number,
  ): boolean {
    let ok = true;
    for (const check of table) {
      const status = this.run(check, input, found, pair);
      if (status === 'failed') ok = false;
      if (check.gate && status !== 'passed') return false;
    }
    return ok;
  }

  /** Run one check given as a function (where a stage checks once per item and a table entry would add nothing). */
  check(name: CheckName, layer: Layer, fn: () => void | Skip, pair?: number): CheckStatus {
    let outcome: void | Skip;
    try {
      outcome = fn();
    } catch (e) {
      this.failed(name, layer, [toInfo(e, layer)], pair);
      return 'failed';
    }
    return this.settle(name, layer, outcome, pair);
  }
}

/**
 * {@link CheckLog.check} for one segment of an AP2 chain: the record and the
 * errors it adds carry `hop`.
 */
export function checkHop(
  log: CheckLog,
  name: CheckName,
  layer: Layer,
  hop: number,
  fn: () => void | Skip,
): CheckStatus {
  const errorsBefore = log.errors.length;
  const status = log.check(name, layer, fn);
  const record = log.checks[log.checks.length - 1];
  if (record) record.hop = hop;
  for (let i = errorsBefore; i < log.errors.length; i++) log.errors[i]!.hop ??= hop;
  return status;
}

export function toInfo(e: unknown, layer: Layer): VIErrorInfo {
  if (e instanceof VIError) return { ...e.toJSON(), layer: e.layer ?? layer };
  if (debugging()) console.error(e);
  return { code: 'INTERNAL', layer, message: 'internal error while verifying' };
}

/** Throw a VIError; checks use it to fail. */
export function reject(
  code: VIErrorInfo['code'],
  message: string,
  claim?: string,
  found?: { expected?: unknown; actual?: unknown },
): never {
  throw new VIError({ code, message, claim, ...found });
}
