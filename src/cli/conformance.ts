/**
 * `vintent conformance --verifier "CMD" [--vectors DIR] [--json]`: run another
 * implementation's verifier over vintent's vectors through the adapter
 * protocol of spec/conformance.md (one bundle JSON on stdin, one verdict JSON
 * line on stdout: `valid`, optional `code`) and print, per vector category and
 * wire profile, how many verdicts agree, disagree or crashed.
 * Exit 0 only on full agreement, 1 otherwise, 2 on a usage error.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AP2_V0_2 } from '../profiles/ap2.js';
import { classifyVct } from '../profiles/profile.js';
import { type CommandSpec, runCommand, stringFlag, UsageError } from './args.js';

/** What the adapter said, or why it said nothing usable. */
export type AdapterOutcome =
  | { kind: 'verdict'; valid: boolean; code?: string }
  | { kind: 'crashed'; reason: string };

export interface VectorRun {
  name: string;
  category: string;
  profile: string;
  expected: { valid: boolean; code?: string };
  outcome: AdapterOutcome;
  status: 'agree' | 'disagree' | 'crashed';
}

export interface MatrixRow {
  category: string;
  profile: string;
  agree: number;
  disagree: number;
  crashed: number;
  disagreeing: string[];
  crashed_names: string[];
}

export interface ConformanceReport {
  verifier: string;
  vectors: string;
  rows: MatrixRow[];
  total: { agree: number; disagree: number; crashed: number };
  runs: VectorRun[];
}

export interface ConformanceOptions {
  /** Shell command of the adapter, run once per vector. */
  verifier: string;
  /** Folder of vector bundles (subfolders are categories). Default: the vectors shipped with vintent. */
  vectorsDir?: string;
  /** Per-vector limit; an adapter that exceeds it has crashed. Default 20 s. */
  timeoutMs?: number;
  /** Adapters run at once. Default 2. */
  concurrency?: number;
}

/** The vectors/ folder next to the package (src/cli or dist/cli → ../../vectors). */
export function defaultVectorsDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'vectors');
}

function bundleFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...bundleFiles(p));
    else if (entry.endsWith('.json')) out.push(p);
  }
  return out;
}

/** A vector's category: the nearest `valid` / `tampered` directory above it (vectors/ap2/valid → valid). */
export function categoryOf(relativePath: string): string {
  const dirs = relativePath.split(/[\\/]/).slice(0, -1);
  const known = dirs.filter((d) => d === 'valid' || d === 'tampered').at(-1);
  return known ?? dirs[0] ?? 'vectors';
}

/** The profile a bundle's L2 speaks, from the first mandate VCT among its disclosures. */
export function profileOfBundle(bundle: unknown): string {
  // AP2 bundles name their vocabulary by their version key.
  if (typeof bundle === 'object' && bundle !== null && 'ap2_bundle' in bundle) return AP2_V0_2.name;
  const l2 =
    typeof bundle === 'object' && bundle !== null ? (bundle as { l2?: unknown }).l2 : undefined;
  if (typeof l2 !== 'string') return 'unknown';
  for (const d of l2.split('~').slice(1)) {
    try {
      const arr = JSON.parse(Buffer.from(d, 'base64url').toString('utf8')) as unknown[];
      const v = arr[arr.length - 1] as { vct?: unknown } | undefined;
      const c = classifyVct(v?.vct);
      if (c) return c.profile.name;
    } catch {
      // not a disclosure we can read: look further
    }
  }
  return 'unknown';
}

/** Parse the adapter's stdout: the last non-empty line must be `{"valid": boolean, "code"?: string}`. */
export function parseVerdictLine(stdout: string): AdapterOutcome {
  const line = stdout.trim().split('\n').pop()?.trim() ?? '';
  if (line === '') return { kind: 'crashed', reason: 'no verdict line on stdout' };
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { kind: 'crashed', reason: `verdict line is not JSON: ${line.slice(0, 80)}` };
  }
  if (
    typeof v !== 'object' ||
    v === null ||
    typeof (v as { valid?: unknown }).valid !== 'boolean'
  ) {
    return { kind: 'crashed', reason: 'verdict line needs a boolean "valid"' };
  }
  const code = (v as { code?: unknown }).code;
  return {
    kind: 'verdict',
    valid: (v as { valid: boolean }).valid,
    ...(typeof code === 'string' ? { code } : {}),
  };
}

/** SIGKILL the child's process group (the shell and all it started); the child alone where groups do not exist. */
function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined && process.platform !== 'win32')
      process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  } catch {
    child.kill('SIGKILL'); // the group is already gone
  }
}

function runAdapter(command: string, input: string, timeoutMs: number): Promise<AdapterOutcome> {
  return new Promise((done) => {
    // Its own process group: on a timeout the whole group goes, not only the shell (the adapter
    // it started would otherwise be left running, holding the pipe open).
    const child = spawn(command, {
      shell: true,
      detached: process.platform !== 'win32',
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let stdout = '';
    let settled = false;
    const finish = (o: AdapterOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done(o);
    };
    const timer = setTimeout(() => {
      killGroup(child);
      finish({ kind: 'crashed', reason: `no verdict within ${timeoutMs} ms` });
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => {
      if (stdout.length < 1 << 20) stdout += s;
    });
    child.on('error', (e) => finish({ kind: 'crashed', reason: e.message }));
    child.on('close', (code, signal) => {
      const parsed = parseVerdictLine(stdout);
      // A verdict line counts whatever the exit status (some CLIs exit 1 on an invalid verdict); none plus a failure is a crash.
      if (parsed.kind === 'crashed' && (code !== 0 || signal))
        finish({ kind: 'crashed', reason: `exit ${code ?? signal}: ${parsed.reason}` });
      else finish(parsed);
    });
    child.stdin.on('error', () => undefined); // an adapter that exits without reading stdin
    child.stdin.end(input);
  });
}

/** Run the adapter over every vector and tally the matrix. */
export async function runConformance(opts: ConformanceOptions): Promise<ConformanceReport> {
  const dir = resolve(opts.vectorsDir ?? defaultVectorsDir());
  const files = bundleFiles(dir);
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const runs: VectorRun[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const file = files[i]!;
      const text = readFileSync(file, 'utf8');
      const bundle = JSON.parse(text) as { verdict?: { valid?: unknown; code?: unknown } };
      const rel = relative(dir, file);
      const category = categoryOf(rel);
      const expected = {
        valid: bundle.verdict?.valid === true,
        ...(typeof bundle.verdict?.code === 'string' ? { code: bundle.verdict.code } : {}),
      };
      const outcome = await runAdapter(opts.verifier, text, timeoutMs);
      const status =
        outcome.kind === 'crashed'
          ? 'crashed'
          : outcome.valid === expected.valid
            ? 'agree'
            : 'disagree';
      runs[i] = {
        name: basename(file, '.json'),
        category,
        profile: profileOfBundle(bundle),
        expected,
        outcome,
        status,
      };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));

  const rows = new Map<string, MatrixRow>();
  for (const r of runs) {
    const key = `${r.category}\u0000${r.profile}`;
    let row = rows.get(key);
    if (!row)
      rows.set(
        key,
        (row = {
          category: r.category,
          profile: r.profile,
          agree: 0,
          disagree: 0,
          crashed: 0,
          disagreeing: [],
          crashed_names: [],
        }),
      );
    row[r.status]++;
    if (r.status === 'disagree') row.disagreeing.push(r.name);
    if (r.status === 'crashed') row.crashed_names.push(r.name);
  }
  const total = { agree: 0, disagree: 0, crashed: 0 };
  for (const r of runs) total[r.status]++;
  return { verifier: opts.verifier, vectors: dir, rows: [...rows.values()], total, runs };
}

/** The human-readable matrix. */
export function formatMatrix(report: ConformanceReport): string {
  const lines = [`conformance of: ${report.verifier}`, `vectors: ${report.vectors}`, ''];
  lines.push(
    `${'category'.padEnd(10)} ${'profile'.padEnd(11)} ${'agree'.padStart(5)} ${'disagree'.padStart(8)} ${'crashed'.padStart(7)}`,
  );
  for (const r of report.rows) {
    lines.push(
      `${r.category.padEnd(10)} ${r.profile.padEnd(11)} ${String(r.agree).padStart(5)} ${String(r.disagree).padStart(8)} ${String(r.crashed).padStart(7)}`,
    );
    if (r.disagreeing.length) lines.push(`  disagree: ${r.disagreeing.join(', ')}`);
    if (r.crashed_names.length) lines.push(`  crashed:  ${r.crashed_names.join(', ')}`);
  }
  const t = report.total;
  lines.push(
    '',
    `${t.agree} agree, ${t.disagree} disagree, ${t.crashed} crashed${t.disagree + t.crashed === 0 ? ': full agreement' : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

/** Flags and help of `vintent conformance`. */
export const CONFORMANCE_COMMAND: CommandSpec = {
  name: 'conformance',
  summary:
    'Run another verifier over the shipped vectors through the adapter protocol and print where it agrees with their verdicts.',
  flags: {
    verifier: {
      type: 'string',
      value: 'CMD',
      help: 'required: the adapter command, run once per vector with the bundle on stdin',
    },
    vectors: {
      type: 'string',
      value: 'DIR',
      help: 'vector folder (default: the vectors shipped with vintent)',
    },
    timeout: {
      type: 'string',
      value: 'MS',
      help: 'per-vector time limit; the adapter and its children are killed after it',
    },
    json: {
      type: 'boolean',
      help: 'JSON Lines on stdout: one line per matrix row, then {"summary":true,...}',
    },
  },
  example: 'conformance --verifier "node my-adapter.js" --timeout 5000',
  notes: ['exit status: 0 full agreement, 1 a disagreement or crash, 2 usage or no vectors'],
};

export async function run(args: string[]): Promise<number> {
  return runCommand(CONFORMANCE_COMMAND, args, async (values, positionals) => {
    if (positionals.length > 0) throw new UsageError('conformance takes no operands');
    const verifier = stringFlag(values, 'verifier');
    if (!verifier) throw new UsageError('--verifier CMD is required');
    const timeoutText = stringFlag(values, 'timeout');
    const timeoutMs = timeoutText === undefined ? undefined : Number(timeoutText);
    if (timeoutMs !== undefined && !(Number.isSafeInteger(timeoutMs) && timeoutMs > 0))
      throw new UsageError('--timeout takes a positive integer of milliseconds');
    return conformance(verifier, stringFlag(values, 'vectors'), timeoutMs, values.json === true);
  });
}

async function conformance(
  verifier: string,
  vectorsDir: string | undefined,
  timeoutMs: number | undefined,
  json: boolean,
): Promise<number> {
  const dir = vectorsDir ?? defaultVectorsDir();
  if (!existsSync(dir)) {
    process.stderr.write(`vintent conformance: no vectors at ${dir}\n`);
    return 2;
  }
  const report = await runConformance({ verifier, vectorsDir: dir, timeoutMs });
  if (json) {
    for (const row of report.rows) process.stdout.write(`${JSON.stringify(row)}\n`);
    process.stdout.write(
      `${JSON.stringify({ summary: true, verifier: report.verifier, vectors: report.vectors, ...report.total })}\n`,
    );
  } else process.stdout.write(formatMatrix(report));
  return report.total.disagree + report.total.crashed === 0 && report.runs.length > 0 ? 0 : 1;
}
