/**
 * The per-party examples (docs/parties/) run as a user runs them, importing
 * `vintent` through the package's own exports, and every step they print is
 * "ok": a step that surprises sets the exit code.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { describeIf } from '../support/environment.js';

const ROOT = resolve(__dirname, '../..');
const built = {
  available: existsSync(join(ROOT, 'dist', 'index.js')),
  reason: "dist/ is not built: the examples import 'vintent' (npm run build; npm ci does it)",
};

/** Each example and the steps it must report. */
const EXAMPLES: Record<string, number> = {
  issuer: 4,
  wallet: 4,
  agent: 5,
  merchant: 5,
  network: 6,
};

describeIf(built)('examples/<party>.ts', () => {
  for (const [party, steps] of Object.entries(EXAMPLES)) {
    it(`${party}: every step ok`, () => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', `examples/${party}.ts`], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      });
      const lines = r.stdout.trimEnd().split('\n');
      expect({ party, status: r.status, stderr: r.stderr }).toEqual({
        party,
        status: 0,
        stderr: '',
      });
      expect(lines.filter((l) => l.startsWith('ok '))).toHaveLength(steps);
      expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([]);
    });
  }
});

it('every party page names its example, and every example has a page', () => {
  for (const party of Object.keys(EXAMPLES)) {
    expect(existsSync(join(ROOT, 'examples', `${party}.ts`))).toBe(true);
    expect(existsSync(join(ROOT, 'docs', 'parties', `${party}.md`))).toBe(true);
  }
});
