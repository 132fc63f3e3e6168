/**
 * What the tests may find beside the checkout: the shared interop folder,
 * a PostgreSQL server and a Chromium binary. A clone with nothing beside it
 * has none of them; the suites that need one skip, saying why, and
 * test/support/skip-reporter.ts lists those reasons again at the end of the run.
 *
 * The shared folder is `../shared` next to the checkout, or VINTENT_SHARED_DIR;
 * VINTENT_REFERENCE_DIR still points at the Feb reference bundles alone.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

const CHECKOUT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** The shared folder (spec copies and interop bundles), whether or not it exists. */
export const SHARED_DIR = resolve(process.env.VINTENT_SHARED_DIR ?? join(CHECKOUT, '..', 'shared'));

/** The February reference bundles with their recorded verdicts. */
export const REFERENCE_DIR = resolve(
  process.env.VINTENT_REFERENCE_DIR ?? join(SHARED_DIR, 'interop', 'reference'),
);

/** The April upstream golden vectors and bundles. */
export const UPSTREAM_DIR = join(SHARED_DIR, 'interop', 'upstream');

/** Something a suite needs from the machine, and why it is missing when it is. */
export interface Requirement {
  readonly available: boolean;
  /** Set when unavailable: what is missing and how to provide it. */
  readonly reason: string;
}

function jsonFilesIn(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
}

/** The reference bundles: present when REFERENCE_DIR holds at least one bundle. */
export const referenceBundles: Requirement =
  jsonFilesIn(REFERENCE_DIR).length > 0
    ? { available: true, reason: '' }
    : {
        available: false,
        reason: `no reference bundles at ${REFERENCE_DIR} (put the shared folder beside the checkout or set VINTENT_SHARED_DIR)`,
      };

/** The upstream April vectors. */
export const upstreamVectors: Requirement = existsSync(join(UPSTREAM_DIR, 'vectors.json'))
  ? { available: true, reason: '' }
  : {
      available: false,
      reason: `no upstream vectors at ${UPSTREAM_DIR} (put the shared folder beside the checkout or set VINTENT_SHARED_DIR)`,
    };

/** The AP2 v0.2 docs, schemas and vector bundles. */
export const AP2_DIR = join(SHARED_DIR, 'ap2-v0.2');

export const ap2Vectors: Requirement =
  jsonFilesIn(join(AP2_DIR, 'bundles')).length > 0
    ? { available: true, reason: '' }
    : {
        available: false,
        reason: `no AP2 vector bundles at ${join(AP2_DIR, 'bundles')} (put the shared folder beside the checkout or set VINTENT_SHARED_DIR)`,
      };

/** The PostgreSQL URL the PG suites use, if any. */
export const PG_URL = process.env.VINTENT_PG_URL || undefined;

export const postgres: Requirement = PG_URL
  ? { available: true, reason: '' }
  : {
      available: false,
      reason: 'VINTENT_PG_URL is not set (export VINTENT_PG_URL="$(bash scripts/ci-postgres.sh)")',
    };

export const CHROMIUM_PATH = process.env.VINTENT_CHROMIUM ?? '/usr/bin/chromium';

export const chromium: Requirement = existsSync(CHROMIUM_PATH)
  ? { available: true, reason: '' }
  : {
      available: false,
      reason: `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set VINTENT_CHROMIUM)`,
    };

/** Marker the skip reporter looks for in suite names. */
export const SKIP_MARK = '[skipped: ';

type SuiteBody = () => void;
type SuiteOptions = { timeout?: number };

/**
 * `describe` when every requirement is met; otherwise a skipped `describe`
 * whose name carries the reasons, so that they show in the run's summary.
 */
export function describeIf(...requirements: Requirement[]) {
  const missing = requirements.filter((r) => !r.available);
  function suite(name: string, body: SuiteBody): void;
  function suite(name: string, options: SuiteOptions, body: SuiteBody): void;
  function suite(name: string, a: SuiteBody | SuiteOptions, b?: SuiteBody): void {
    const options = typeof a === 'function' ? {} : a;
    const body = typeof a === 'function' ? a : b!;
    if (missing.length === 0) {
      describe(name, options, body);
      return;
    }
    const why = missing.map((r) => r.reason).join('; ');
    console.warn(`[vintent tests] skipping "${name}": ${why}`);
    describe.skip(`${name} ${SKIP_MARK}${why}]`, options, body);
  }
  return suite;
}
