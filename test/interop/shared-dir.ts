/**
 * Where `../shared` (interop material beside the checkout) is, for tests.
 *
 * Local stand-in until the shared test helper (issue 12) lands: the folder
 * beside the repository root, or VINTENT_SHARED_DIR. Tests that need it skip
 * with a visible reason when it is absent.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '../..');

/** Absolute path of `<shared>/<sub>`, and whether it exists (warned once when not). */
export function sharedPath(sub: string, label: string): { path: string; present: boolean } {
  const base = process.env.VINTENT_SHARED_DIR ? resolve(process.env.VINTENT_SHARED_DIR) : join(REPO_ROOT, '..', 'shared');
  const path = join(base, sub);
  const present = existsSync(path);
  if (!present) console.warn(`[${label}] SKIPPED: ${path} not found (set VINTENT_SHARED_DIR to the shared folder)`);
  return { path, present };
}
