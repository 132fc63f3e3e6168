// Copy non-TypeScript runtime files (the inspector page) from src/ to dist/
// after tsc, so the built package serves the same page as the sources.
import { cpSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const dir of ['inspect/assets']) {
  const from = join(root, 'src', dir);
  if (!existsSync(from)) continue;
  cpSync(from, join(root, 'dist', dir), { recursive: true });
}
