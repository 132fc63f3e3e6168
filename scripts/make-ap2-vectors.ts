/**
 * Writes vintent's AP2 v0.2 vectors (vectors/ap2/{valid,tampered}/) in the
 * BUNDLE-AP2.md format, from src/cli/ap2-vectors.ts.
 *
 *   npm run vectors                          # regenerate vectors/ (VI and AP2)
 *   npx tsx scripts/make-ap2-vectors.ts OUT_DIR
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ap2Vectors } from '../src/cli/ap2-vectors.js';

/** Write every AP2 vector under `dir` (replacing what was there); returns how many. */
export async function makeAp2Vectors(dir: string): Promise<number> {
  rmSync(dir, { recursive: true, force: true });
  const vectors = await ap2Vectors();
  for (const v of vectors) {
    mkdirSync(join(dir, v.category), { recursive: true });
    writeFileSync(join(dir, v.category, v.file), `${JSON.stringify(v.bundle, null, 2)}\n`);
  }
  return vectors.length;
}

const here = dirname(fileURLToPath(import.meta.url));
if (process.argv[1] && resolve(process.argv[1]) === resolve(here, 'make-ap2-vectors.ts')) {
  const dir = resolve(process.argv[2] ?? join(here, '..', 'vectors', 'ap2'));
  console.log(`${await makeAp2Vectors(dir)} AP2 vectors written to ${dir}`);
}
