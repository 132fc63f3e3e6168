/**
 * `vintent verify [--json] [--strict] [--trust JWKS] [--merchant-keys JWKS] PATH...`
 *
 * One line per bundle, then `N bundles, V valid, M match their verdict`.
 * With `--json`, JSON Lines on stdout only: one report per bundle, then
 * `{"summary":true,...}`. Exit 0 when every bundle matches its verdict (or is
 * valid when it has none), 1 otherwise, 2 on usage error or a path that
 * cannot be read. A malformed file is a result, not a crash.
 * Without --trust the bundles are test vectors: their own `trust` and `at`
 * are used (VerifyOptions.trustFromBundle), and every line says so.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readPublicKeySet, readX5cRoots } from '../network/key-files.js';
import { AP2_V0_2 } from '../profiles/ap2.js';
import type { JwkSet } from '../profiles/bundle.js';
import { findProfile, PROFILES } from '../profiles/profile.js';
import { type Ap2VerifyOptions, verifyAp2Presentation } from '../verify/ap2/index.js';
import { verifyPresentation } from '../verify/index.js';
import { type BundleReport, reportOf, reportOfAp2 } from '../verify/report.js';
import type { VerifyOptions } from '../verify/types.js';
import {
  type CommandSpec,
  type FlagSpec,
  InputFileError,
  readBundleFile,
  readInputFile,
  runCommand,
  stringFlag,
  UsageError,
  unixSeconds,
} from './args.js';
import { progressLine } from './format.js';
import { verifyReports } from './verify-pool.js';

export { type BundleReport, reportOf } from '../verify/report.js';

/** Expand files and directories (recursively, `*.json`) in a stable order. */
export function collectBundleFiles(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new InputFileError(
        `${p}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (code ?? (e as Error).message)}`,
      );
    }
    if (st.isDirectory()) {
      const entries = readdirSync(p).sort();
      out.push(
        ...collectBundleFiles(
          entries
            .filter((e) => e.endsWith('.json') || statSync(join(p, e)).isDirectory())
            .map((e) => join(p, e)),
        ),
      );
    } else {
      out.push(p);
    }
  }
  return out;
}

/**
 * Verify one bundle file. A file over the verifier's bundle limit is not read
 * at all: its report carries BUNDLE_TOO_LARGE, as the verifier would give.
 */
export async function verifyFile(file: string, options: CliVerifyOptions): Promise<BundleReport> {
  const read = readBundleFile(file, options.limits?.maxBundleBytes);
  if (!read.ok) {
    const report: BundleReport = {
      file,
      name: null,
      valid: false,
      mode: null,
      profile: null,
      errors: [{ code: read.error.code, layer: 'bundle', pair: null, message: read.error.message }],
      verdict_match: null,
    };
    unreadable.add(report);
    return report;
  }
  if (isAp2Bundle(read.value) && options.profiles && !options.profiles.includes(AP2_V0_2.name))
    return {
      file,
      name: null,
      valid: false,
      mode: null,
      profile: AP2_V0_2.name,
      errors: [
        {
          code: 'PROFILE_NOT_ACCEPTED',
          layer: 'bundle',
          pair: null,
          message: `an AP2 bundle; this verifier accepts ${options.profiles.join(', ') || 'none'}`,
        },
      ],
      verdict_match: null,
    };
  if (isAp2Bundle(read.value))
    return reportOfAp2(
      file,
      read.value,
      await verifyAp2Presentation(read.value, ap2OptionsOf(options)),
    );
  return reportOf(file, read.value, await verifyPresentation(read.value, options));
}

function isAp2Bundle(v: unknown): boolean {
  return typeof v === 'object' && v !== null && 'ap2_bundle' in v && !('vi_bundle' in v);
}

/** What `vintent verify` configures: the verifier's options, and the AP2 x5c anchors (--x5c-roots). */
export type CliVerifyOptions = VerifyOptions & { x5cRoots?: readonly string[] };

/** The same configuration for an AP2 bundle: --trust names root keys, --merchant-keys the merchants'. */
function ap2OptionsOf(o: CliVerifyOptions): Ap2VerifyOptions {
  const out: Ap2VerifyOptions = {};
  if (o.x5cRoots) out.x5cRoots = o.x5cRoots;
  if (o.issuerKeys) out.issuerKeys = o.issuerKeys;
  if (o.merchantKeys) out.merchantKeys = o.merchantKeys;
  if (o.now !== undefined) out.now = o.now;
  if (o.trustFromBundle) out.trustFromBundle = true;
  if (o.limits) out.limits = o.limits;
  return out;
}

/** Reports of files that were not a bundle at all (too large, not JSON): the run exits 2, as for any input it cannot read. */
const unreadable = new WeakSet<BundleReport>();

/** Whether a report is of a file that could not be read as a bundle (exit status 2). */
export function isUnreadable(report: BundleReport): boolean {
  return unreadable.has(report);
}

/**
 * Read a JWK Set (or single public JWK) file given to --trust / --merchant-keys.
 * @throws InputFileError with the path when it is missing, too large, not a JWK Set or holds a private key.
 */
export function readJwks(path: string): JwkSet {
  readInputFile(path); // missing / unreadable / oversized, with the path
  try {
    return readPublicKeySet(path);
  } catch (e) {
    throw new InputFileError((e as Error).message);
  }
}

/** Read an `--x5c-roots` file (PEM certificates or a JSON array of base64 DER). @throws InputFileError with the path. */
export function readX5cRootsFile(path: string): string[] {
  readInputFile(path);
  try {
    return readX5cRoots(path);
  } catch (e) {
    throw new InputFileError((e as Error).message);
  }
}

/** `--x5c-roots`, as verify, serve and network authorize take it. */
export const X5C_ROOTS_FLAG: FlagSpec = {
  type: 'string',
  value: 'CERTS',
  help: 'AP2: root certificates an x5c root must chain to (PEM, or a JSON array of base64 DER)',
};

/** Flags and help of `vintent verify`. */
export const VERIFY_COMMAND: CommandSpec = {
  name: 'verify',
  summary:
    'Verify VI and AP2 v0.2 bundles (files, or directories searched for *.json) and compare each with its recorded verdict.',
  operands: 'PATH...',
  operandsHelp: 'bundle files or directories',
  flags: {
    json: {
      type: 'boolean',
      help: 'JSON Lines on stdout: one report per bundle, then {"summary":true,...}',
    },
    strict: {
      type: 'boolean',
      help: 'STRICT constraint checking: an unknown constraint type fails',
    },
    trust: {
      type: 'string',
      value: 'JWKS',
      help: "issuer public keys (JWK Set file); without it each bundle's own trust is used",
    },
    'merchant-keys': {
      type: 'string',
      value: 'JWKS',
      help: 'merchant public keys for checkout_jwt signatures (JWK Set file)',
    },
    'x5c-roots': X5C_ROOTS_FLAG,
    now: {
      type: 'string',
      value: 'SECONDS',
      help: "verify as of this Unix time instead of the clock or the bundle's `at`",
    },
    profiles: {
      type: 'string',
      value: 'NAME,...',
      help: 'accept only these wire profiles (vintent profiles); others are PROFILE_NOT_ACCEPTED',
    },
    threads: {
      type: 'string',
      value: 'N',
      help: 'threads to verify on, this one included (default: one per core above 300 bundles, else 1)',
    },
  },
  example: 'verify --json --trust issuer-jwks.json vectors',
  notes: [
    'exit status: 0 every bundle matches its verdict (or is valid without one), 1 otherwise, 2 usage, an unreadable path, or a file that is not a bundle (over the 2 MiB bundle limit, or not JSON)',
  ],
};

/** `--profiles vi-2026-04,vi-2026-02`: names vintent knows, at least one. */
function acceptedProfiles(list: string): string[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0 || names.some((n) => !findProfile(n) && n !== AP2_V0_2.name)) {
    throw new UsageError(
      `--profiles takes known profile names (${[...PROFILES.map((p) => p.name), AP2_V0_2.name].join(', ')}), got '${list}'`,
    );
  }
  return names;
}

export async function run(args: string[]): Promise<number> {
  return runCommand(VERIFY_COMMAND, args, async (values, paths) => {
    const json = values.json === true;
    const options: CliVerifyOptions = {};
    if (values.strict === true) options.strictness = 'STRICT';
    const trust = stringFlag(values, 'trust');
    const merchantKeys = stringFlag(values, 'merchant-keys');
    const now = stringFlag(values, 'now');
    if (now !== undefined) options.now = unixSeconds(now);
    const profiles = stringFlag(values, 'profiles');
    if (profiles !== undefined) options.profiles = acceptedProfiles(profiles);
    if (paths.length === 0) throw new UsageError('no bundle paths given');
    if (trust !== undefined) options.issuerKeys = readJwks(trust);
    if (merchantKeys !== undefined) options.merchantKeys = readJwks(merchantKeys);
    const x5cRoots = stringFlag(values, 'x5c-roots');
    if (x5cRoots !== undefined) options.x5cRoots = readX5cRootsFile(x5cRoots);
    // Without --trust each bundle is checked as a test vector: against its own trust and time, and it says so.
    if (!options.issuerKeys) options.trustFromBundle = true;
    const tag = options.trustFromBundle ? '  [trust and time from the bundle]' : '';
    const files = collectBundleFiles(paths);
    let valid = 0;
    let unreadableFiles = 0;
    let matched = 0;
    let mismatched = 0;
    let allGood = true;
    const progress = progressLine(files.length);
    let i = 0;
    // Many files: worker threads, reports still in file order (verify-pool.ts).
    const threadsFlag = stringFlag(values, 'threads');
    if (threadsFlag !== undefined && !/^[1-9]\d{0,2}$/.test(threadsFlag))
      throw new UsageError('--threads takes 1..999');
    for await (const r of verifyReports(
      files,
      options,
      threadsFlag === undefined ? {} : { threads: Number(threadsFlag) },
    )) {
      const file = r.file;
      if (r.valid) valid++;
      if (r.verdict_match === true) matched++;
      if (r.verdict_match === false) mismatched++;
      const good = r.verdict_match ?? r.valid;
      if (!good) allGood = false;
      if (isUnreadable(r)) unreadableFiles++;
      if (json) {
        process.stdout.write(
          `${JSON.stringify(options.trustFromBundle ? { ...r, trust: 'bundle' } : r)}\n`,
        );
      } else {
        const mark = r.verdict_match === false ? 'MISMATCH' : r.valid ? 'VALID   ' : 'INVALID ';
        // A file that is no bundle says why (where the JSON breaks, the size and its limit).
        const why = isUnreadable(r) && r.errors[0] ? `: ${r.errors[0].message}` : '';
        const codes = r.errors.length
          ? `  ${[...new Set(r.errors.map((e) => e.code))].join(', ')}${why}`
          : '';
        process.stdout.write(
          `${mark} ${file}${r.mode ? ` (${r.mode}${r.profile ? `, ${r.profile}` : ''})` : ''}${codes}${tag}\n`,
        );
      }
      progress.tick(++i);
    }
    progress.end();
    if (json) {
      const summary = {
        summary: true,
        trust: options.trustFromBundle ? 'bundle' : 'configured',
        bundles: files.length,
        valid,
        invalid: files.length - valid,
        verdict_match: matched,
        verdict_mismatch: mismatched,
        ok: allGood,
      };
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    } else {
      process.stdout.write(
        `${files.length} bundles, ${valid} valid, ${matched} match their verdict${options.trustFromBundle ? ' (trust and time taken from each bundle: test-vector mode; pass --trust to use configured keys)' : ''}\n`,
      );
    }
    return unreadableFiles > 0 ? 2 : allGood ? 0 : 1;
  });
}
