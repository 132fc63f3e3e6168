/**
 * `vintent conformance`: the adapter protocol (one bundle on stdin, one verdict
 * line on stdout) driven over vector folders, with vintent's own verifier as
 * the adapter, and adapters that lie, crash or babble.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { verdictLine } from '../../src/cli/adapter.js';
import {
  categoryOf,
  defaultVectorsDir,
  parseVerdictLine,
  profileOfBundle,
  run,
  runConformance,
} from '../../src/cli/conformance.js';
import { describeIf } from '../support/environment.js';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin', 'vintent.js');
const built = existsSync(join(ROOT, 'dist', 'cli', 'main.js'));
const builtCli = {
  available: built,
  reason: 'dist/ is not built (npm run build; npm ci does it through prepare)',
};

/** A small vector folder: the first two vectors of each category and profile of vectors/. */
function sampleVectors(withAp2 = false): string {
  const src = defaultVectorsDir();
  const out = mkdtempSync(join(tmpdir(), 'vintent-conformance-'));
  for (const category of ['valid', 'tampered']) {
    mkdirSync(join(out, category));
    const files = readdirSync(join(src, category)).sort();
    const april = files.filter((f) => f.startsWith('vi-2026-04-')).slice(0, 2);
    const feb = files.filter((f) => !f.startsWith('vi-2026-')).slice(0, 2);
    for (const f of [...april, ...feb])
      copyFileSync(join(src, category, f), join(out, category, f));
    if (!withAp2) continue;
    // The shipped layout: vectors/ap2/{valid,tampered}.
    mkdirSync(join(out, 'ap2', category), { recursive: true });
    for (const f of readdirSync(join(src, 'ap2', category))
      .sort()
      .slice(0, 2))
      copyFileSync(join(src, 'ap2', category, f), join(out, 'ap2', category, f));
  }
  return out;
}

const node = (script: string) => `"${process.execPath}" -e ${JSON.stringify(script)}`;

describe('adapter protocol pieces', () => {
  it('reads the last stdout line as the verdict; anything else is a crash', () => {
    expect(parseVerdictLine('log line\n{"valid":false,"code":"EXPIRED"}\n')).toEqual({
      kind: 'verdict',
      valid: false,
      code: 'EXPIRED',
    });
    expect(parseVerdictLine('{"valid":true}')).toEqual({ kind: 'verdict', valid: true });
    for (const bad of ['', 'ok', '{"valid":"yes"}', '[true]', 'null'])
      expect(parseVerdictLine(bad).kind).toBe('crashed');
  });

  it('vintent adapter answers one line per bundle, invalid for an unreadable one', async () => {
    expect(JSON.parse(await verdictLine('{ not json'))).toEqual({
      valid: false,
      code: 'BUNDLE_MALFORMED',
    });
    expect(JSON.parse(await verdictLine('{"vi_bundle":1}'))).toMatchObject({ valid: false });
  });

  it("tells a bundle's profile from its L2 mandate VCTs", async () => {
    const dir = sampleVectors();
    const { readFileSync } = await import('node:fs');
    const read = (c: string, f: string) => JSON.parse(readFileSync(join(dir, c, f), 'utf8'));
    for (const f of readdirSync(join(dir, 'valid')))
      expect(profileOfBundle(read('valid', f))).toBe(
        f.startsWith('vi-2026-04-') ? 'vi-2026-04' : 'vi-2026-02',
      );
    expect(profileOfBundle({ l2: 'garbage' })).toBe('unknown');
  });
});

describe('conformance matrix', () => {
  const dir = sampleVectors();

  it('an adapter that accepts everything disagrees on exactly the tampered vectors', async () => {
    const report = await runConformance({
      verifier: node('process.stdout.write(JSON.stringify({valid:true}))'),
      vectorsDir: dir,
    });
    const tampered = report.rows.filter((r) => r.category === 'tampered');
    expect(tampered.map((r) => r.profile).sort()).toEqual(['vi-2026-02', 'vi-2026-04']);
    for (const r of tampered) expect(r).toMatchObject({ agree: 0, disagree: 2, crashed: 0 });
    for (const r of report.rows.filter((x) => x.category === 'valid'))
      expect(r).toMatchObject({ agree: 2, disagree: 0, crashed: 0 });
    expect(report.total).toEqual({ agree: 4, disagree: 4, crashed: 0 });
  });

  it('exit status, silence, garbage and hanging are crashes', async () => {
    for (const script of [
      'process.exit(3)',
      'process.stdout.write("not json")',
      'setTimeout(() => {}, 60000)',
    ]) {
      const report = await runConformance({
        verifier: node(script),
        vectorsDir: dir,
        timeoutMs: 1500,
        concurrency: 4,
      });
      expect(report.total).toEqual({ agree: 0, disagree: 0, crashed: 8 });
      expect(report.rows.flatMap((r) => r.crashed_names)).toHaveLength(8);
    }
  });

  it('a timeout kills the adapter and everything it started (its process group)', async () => {
    const pids = join(dir, 'grandchildren');
    writeFileSync(pids, '');
    // A shell that starts a long-lived verifier in the background and waits for it.
    const script = `sleep 60 & echo $! >> ${pids}; wait`;
    const report = await runConformance({
      verifier: script,
      vectorsDir: dir,
      timeoutMs: 800,
      concurrency: 2,
    });
    expect(report.total.crashed).toBe(8);
    const started = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    expect(started).toHaveLength(8);
    await new Promise((r) => setTimeout(r, 200));
    // Alive: signalable and not a zombie waiting for a reaper (PID 1 in a container may never reap it).
    const alive = started.filter((pid) => {
      try {
        process.kill(pid, 0);
      } catch {
        return false;
      }
      const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
      return !/^\d+ \(.*\) Z/.test(stat);
    });
    expect(alive).toEqual([]);
  });

  it('exit 0 only on full agreement; 1 otherwise; 2 on a usage error', async () => {
    const out: string[] = [];
    const w = vi
      .spyOn(process.stdout, 'write')
      .mockImplementation((s) => (out.push(String(s)), true));
    const e = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(
        await run([
          '--verifier',
          node('process.stdout.write(JSON.stringify({valid:false}))'),
          '--vectors',
          dir,
          '--json',
        ]),
      ).toBe(1);
      // JSON Lines: one line per matrix row, then the summary.
      const lines = out
        .join('')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.at(-1)).toMatchObject({ summary: true, agree: 4, disagree: 4, crashed: 0 });
      expect(lines.length).toBeGreaterThan(1);
      expect(await run([])).toBe(2);
      expect(await run(['--verifier', 'x', '--bogus'])).toBe(2);
    } finally {
      w.mockRestore();
      e.mockRestore();
    }
  });
});

describeIf(builtCli)("vintent's own verifier through the protocol", () => {
  it('agrees with every vector of every category and profile', { timeout: 120_000 }, async () => {
    const report = await runConformance({
      verifier: `"${process.execPath}" "${BIN}" adapter`,
      vectorsDir: sampleVectors(true),
    });
    expect(report.total).toEqual({ agree: 12, disagree: 0, crashed: 0 });
    expect(report.rows.map((r) => `${r.category}/${r.profile}`).sort()).toEqual([
      'tampered/ap2-0.2',
      'tampered/vi-2026-02',
      'tampered/vi-2026-04',
      'valid/ap2-0.2',
      'valid/vi-2026-02',
      'valid/vi-2026-04',
    ]);
  });
});

describe('where a vector sits', () => {
  it('its category is the nearest valid/tampered directory; an AP2 bundle speaks ap2-0.2', () => {
    expect(categoryOf('valid/a.json')).toBe('valid');
    expect(categoryOf('ap2/tampered/b.json')).toBe('tampered');
    expect(categoryOf('other/c.json')).toBe('other');
    expect(categoryOf('d.json')).toBe('vectors');
    expect(profileOfBundle({ ap2_bundle: 1, payment_chain: 'x' })).toBe('ap2-0.2');
  });
});
