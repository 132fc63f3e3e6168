/**
 * `vintent verify [--json] [--strict] [--trust JWKS] [--merchant-keys JWKS] PATH...`
 *
 * One line per bundle, then `N bundles, V valid, M match their verdict`.
 * Exit 0 when every bundle matches its verdict (or is valid when it has none),
 * 1 otherwise, 2 on usage error. A malformed file is a result, not a crash.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { VIErrorInfo } from '../errors.js';
import type { JwkSet } from '../spec/bundle.js';
import { findProfile, PROFILES } from '../spec/profile.js';
import { verifyPresentation } from '../verify/index.js';
import type { VerificationResult, VerifyOptions } from '../verify/types.js';

export interface BundleReport {
  file: string;
  name: string | null;
  valid: boolean;
  mode: string | null;
  /** The wire profile the chain speaks (spec/profile.md); null when no mandate was read. */
  profile: string | null;
  errors: { code: VIErrorInfo['code']; layer: VIErrorInfo['layer'] | null; pair: number | null; message: string }[];
  /** Whether `valid` equals the bundle's recorded verdict; null when it has none. */
  verdict_match: boolean | null;
}

/** Expand files and directories (recursively, `*.json`) in a stable order. */
export function collectBundleFiles(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const st = statSync(p);
    if (st.isDirectory()) {
      const entries = readdirSync(p).sort();
      out.push(...collectBundleFiles(entries.filter((e) => e.endsWith('.json') || statSync(join(p, e)).isDirectory()).map((e) => join(p, e))));
    } else {
      out.push(p);
    }
  }
  return out;
}

/** The report for one verification (also the shape the merchant endpoint returns). */
export function reportOf(file: string, bundle: unknown, result: VerificationResult): BundleReport {
  const b = (typeof bundle === 'object' && bundle !== null ? bundle : {}) as { name?: unknown; verdict?: { valid?: unknown } };
  const verdict = typeof b.verdict?.valid === 'boolean' ? b.verdict.valid : undefined;
  return {
    file,
    name: typeof b.name === 'string' ? b.name : null,
    valid: result.valid,
    mode: result.mode ?? null,
    profile: result.profile ?? null,
    errors: result.errors.map((e) => ({ code: e.code, layer: e.layer ?? null, pair: e.pair ?? null, message: e.message })),
    verdict_match: verdict === undefined ? null : verdict === result.valid,
  };
}

export async function verifyFile(file: string, options: VerifyOptions): Promise<BundleReport> {
  let bundle: unknown;
  try {
    bundle = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    bundle = undefined; // the verifier reports it as a malformed bundle
  }
  return reportOf(file, bundle, await verifyPresentation(bundle, options));
}

/** Read a JWK Set file given to --trust / --merchant-keys. Throws with the path when it is not one. */
export function readJwks(path: string): JwkSet {
  const v = JSON.parse(readFileSync(path, 'utf8')) as JwkSet;
  if (!v || !Array.isArray(v.keys)) throw new Error(`${path} is not a JWK Set`);
  return v;
}

/** `--profiles vi-2026-04,vi-2026-02`: names vintent knows, at least one. */
function acceptedProfiles(list: string): string[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !findProfile(n));
  if (names.length === 0 || unknown.length > 0) throw new Error(`--profiles takes known profile names (${PROFILES.map((p) => p.name).join(', ')}), got '${list}'`);
  return names;
}

export async function run(args: string[]): Promise<number> {
  let json = false;
  const options: VerifyOptions = {};
  const paths: string[] = [];
  try {
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--json') json = true;
      else if (a === '--strict') options.strictness = 'STRICT';
      else if (a === '--trust') options.issuerKeys = readJwks(args[++i] ?? '');
      else if (a === '--merchant-keys') options.merchantKeys = readJwks(args[++i] ?? '');
      else if (a === '--now') options.now = Number.parseInt(args[++i] ?? '', 10);
      else if (a === '--profiles') options.profiles = acceptedProfiles(args[++i] ?? '');
      else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
      else paths.push(a);
    }
    if (paths.length === 0) throw new Error('no bundle paths given');
    if (options.now !== undefined && !Number.isSafeInteger(options.now)) throw new Error('--now takes Unix seconds');
  } catch (e) {
    process.stderr.write(`vintent verify: ${(e as Error).message}\nusage: vintent verify [--json] [--strict] [--trust JWKS] [--merchant-keys JWKS] [--now SECONDS] [--profiles NAME,...] PATH...\n`);
    return 2;
  }
  let files: string[];
  try {
    files = collectBundleFiles(paths);
  } catch (e) {
    process.stderr.write(`vintent verify: ${(e as Error).message}\n`);
    return 2;
  }
  let valid = 0;
  let matched = 0;
  let allGood = true;
  for (const file of files) {
    const r = await verifyFile(file, options);
    if (r.valid) valid++;
    if (r.verdict_match === true) matched++;
    const good = r.verdict_match ?? r.valid;
    if (!good) allGood = false;
    if (json) {
      process.stdout.write(`${JSON.stringify(r)}\n`);
    } else {
      const mark = r.verdict_match === false ? 'MISMATCH' : r.valid ? 'VALID   ' : 'INVALID ';
      const codes = r.errors.length ? `  ${[...new Set(r.errors.map((e) => e.code))].join(', ')}` : '';
      process.stdout.write(`${mark} ${file}${r.mode ? ` (${r.mode}${r.profile ? `, ${r.profile}` : ''})` : ''}${codes}\n`);
    }
  }
  process.stdout.write(`${files.length} bundles, ${valid} valid, ${matched} match their verdict\n`);
  return allGood ? 0 : 1;
}
