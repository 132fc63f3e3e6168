/** Reference bundles for the inspector tests (shared/interop/reference; suites using them run under describeIf(referenceBundles)). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_DIR, referenceBundles } from '../support/environment.js';

export { REFERENCE_DIR, referenceBundles };

export function referencePath(name: string): string {
  return join(REFERENCE_DIR, `${name}.json`);
}

export function reference(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(referencePath(name), 'utf8')) as Record<string, unknown>;
}

export function referenceNames(): string[] {
  if (!referenceBundles.available) return [];
  return readdirSync(REFERENCE_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}
