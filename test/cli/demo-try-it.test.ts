/**
 * `vintent demo --out DIR` as a newcomer follows it: the exact commands its
 * README.txt prints start `serve` on the written keys and audiences, and the
 * printed curl calls get `approved` from the network and `valid` from the
 * merchant, with no edits (only the port is left to the system, so parallel
 * runs never collide).
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/demo.js';
import { startServe } from '../support/serve.js';

const HAS_CURL = spawnSync('curl', ['--version']).status === 0;

/** The words of a printed shell command (it quotes with single quotes only). */
function words(line: string): string[] {
  return [...line.trim().matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

describe('vintent demo --out: the printed commands work as printed', () => {
  it.skipIf(!HAS_CURL)(
    `README.txt's serve and curl commands give approved and valid${HAS_CURL ? '' : ' (skipped: no curl)'}`,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vintent-try-it-'));
      vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        expect(await run(['--out', dir])).toBe(0);
      } finally {
        vi.restoreAllMocks();
      }
      const readme = readFileSync(join(dir, 'README.txt'), 'utf8');
      expect(readme).toMatch(/expire at \d{4}-\d\d-\d\dT/);
      const serveLine = readme.split('\n').find((l) => l.trim().startsWith('vintent serve '))!;
      const args = words(serveLine).slice(2);
      const port = args.indexOf('--port');
      args.splice(port, 2); // the helper asks for a free port
      const svc = await startServe(args, { workers: 1 });
      try {
        const host = svc.url.replace(/^http:\/\//, '');
        const answers: string[] = [];
        for (const line of readme.split('\n').filter((l) => l.trim().startsWith('curl '))) {
          const argv = words(line.replace('localhost:8787', host)).slice(1);
          answers.push(
            await new Promise<string>((resolve, reject) =>
              execFile('curl', argv, (e, out) => (e ? reject(e) : resolve(out))),
            ),
          );
        }
        expect(JSON.parse(answers[0]!)).toMatchObject({ decision: 'approved', errors: [] });
        expect(JSON.parse(answers[1]!)).toMatchObject({ valid: true, errors: [] });
      } finally {
        expect(await svc.stop()).toBe(0);
      }
    },
    60_000,
  );
});
