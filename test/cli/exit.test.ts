/**
 * The CLI process loses no output (hostile input round 3, class 2): a large
 * `--json` run read through a slow pipe arrives whole, with its summary and
 * exit status, and a reader that closes the pipe early ends it quietly.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { costBomb } from '../fixtures/cost-bomb.js';
import { CHECKOUT_DIR } from '../support/serve.js';

const ENTRY = `import('./src/cli/exit.ts').then((m) => m.runCli(process.argv.slice(1)))`;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the CLI from source; stdout is read `chunkDelayMs` after each chunk (a slow reader), or closed after `closeAfter` bytes. */
function runCliSlowly(
  args: string[],
  opts: { chunkDelayMs?: number; closeAfter?: number } = {},
): Promise<Ran> {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', ENTRY, ...args], {
    cwd: CHECKOUT_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
    if (opts.closeAfter !== undefined && stdout.length >= opts.closeAfter) {
      child.stdout.destroy();
      return;
    }
    if (opts.chunkDelayMs) {
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), opts.chunkDelayMs);
    }
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('the CLI process ends with its output delivered', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vintent-exit-'));
  // Refused bundles whose reports weigh a few KiB each, together far over a pipe's 64 KiB buffer.
  const N = 400;
  const text = JSON.stringify({
    ...costBomb({ acceptable: 64, lines: 256, skuWidth: 400 }),
    verdict: { valid: false },
  });
  for (let i = 0; i < N; i++) writeFileSync(join(dir, `bomb-${i}.json`), text);

  it('vintent verify --json through a slow pipe: every report and the summary arrive, exit 0', async () => {
    const r = await runCliSlowly(['verify', '--json', dir], { chunkDelayMs: 20 });
    expect(r.stdout.length).toBeGreaterThan(96 * 1024);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => 'file' in l)).toHaveLength(N);
    expect(lines.at(-1)).toMatchObject({ summary: true });
    expect(lines.filter((l) => 'file' in l).every((l) => l.verdict_match === true)).toBe(true);
    expect(r.code).toBe(0);
  }, 60_000);

  it('vintent demo | head: a reader that closes the pipe ends the process quietly (no EPIPE trace)', async () => {
    const r = await runCliSlowly(['demo'], { closeAfter: 1 });
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|Error/);
    expect(r.code).toBe(0);
  }, 60_000);
});
