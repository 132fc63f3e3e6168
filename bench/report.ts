/** Benchmark rows, the printed table, and the JSON document. */
import { cpus, totalmem } from 'node:os';
import type { CostRow } from './cost-suite.js';
import type { FloorCounts } from './floor.js';

export type KeyState = 'cached' | 'fresh';

export interface Row {
  group: 'verify' | 'issue' | 'network';
  name: string;
  keys: KeyState;
  /** Median CPU µs per operation (see bench/harness.ts). */
  usPerOp: number;
  /** 1e6 / usPerOp: operations per second on one core. */
  opsPerSec: number;
  /** Median wall-clock µs per operation. */
  wallUsPerOp: number;
  /** The floor, timed in loops alternating with this row's, CPU µs/op. */
  floorUsPerOp: number;
  /** Median of per-loop ratios usPerOp / floorUsPerOp (floor and op loops alternate). */
  ratio: number;
  floor: FloorCounts & { what: string };
  loopsUsPerOp: number[];
  /** Verify rows: the bare minimum (bench/bare.ts) timed in the same loops, CPU µs/op. */
  bareUsPerOp?: number;
  /** Verify rows: median of per-loop ratios bare / floor, the lowest ratio a JavaScript verifier reaches here. */
  bareRatio?: number;
}

export interface Target {
  name: string;
  /** The measured value (a ratio). */
  value: number;
  /** The bound: an upper one, or a lower one when `atLeast`. */
  max: number;
  atLeast?: boolean;
  met: boolean;
  /** For verify targets: the bare minimum's ratio in the same row (what no verifier can go below). */
  bare?: number;
  /** What `value` measures when it is not a ratio ('ms', 'MiB', 'KiB'). */
  unit?: string;
}

export interface MemoryReport {
  verifications: number;
  scenario: string;
  distinctKeys: number;
  keyCacheCapacity: number;
  gcExposed: boolean;
  /** RSS after each sample interval (after GC when exposed), MB. */
  samples: { after: number; rssMb: number; heapUsedMb: number }[];
  peakRssMb: number;
  baselineAfter: number;
  growthPercent: number;
  flat: boolean;
}

export interface BenchDocument {
  vintent: string;
  date: string;
  mode: 'quick' | 'full';
  machine: {
    node: string;
    v8: string;
    platform: string;
    arch: string;
    cpu: string;
    cores: number;
    memoryGb: number;
  };
  rows: Row[];
  targets: Target[];
  memory?: MemoryReport;
  /** The same memory run with the verified-signature cache on. */
  memoryWithCache?: MemoryReport;
  /** Steady-state network traffic: ledger, HTTP with workers (bench/steady-*.ts, ledger-suite.ts, http-suite.ts). */
  steady?: SteadyReport;
  /** The suites run when `--only` picked some (absent: all of them). */
  suites?: string[];
  /** Hostile input at the limits (bench/cost-suite.ts). */
  cost?: CostRow[];
}

/** Steady state; with `--only`, the parts of a suite not run are absent (http empty). */
export interface SteadyReport {
  users?: number;
  authorizations?: number;
  cacheRatio?: number;
  /** (with cache x floor) / (without x floor) from the two verify rows: a cross-check of cacheRatio. */
  rowCacheRatio?: number;
  pairedCacheStats?: { hits: number; misses: number };
  /** The paired ratio with the parse cache off on both sides. */
  cacheRatioWithoutParseCache?: number;
  cacheStats?: { hits: number; misses: number; size: number; capacity: number };
  ledger?: import('./ledger-suite.js').LedgerBench;
  /** Each worker count's medians over alternating runs (bench/http-suite.ts). */
  http: import('./http-suite.js').HttpSummary[];
  verifyThreads?: import('./verify-threads-suite.js').VerifyThreadsResult;
}

export function machine(): BenchDocument['machine'] {
  const c = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpu: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

const fmt = (x: number, digits = 1) =>
  x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** The table as Markdown, so it can go straight into docs/performance.md. */
export function table(doc: BenchDocument): string {
  const head = [
    'scenario',
    'keys',
    'µs/op',
    'ops/s',
    'floor µs',
    'x floor',
    'bare x floor',
    'floor: sigs + digests (+ imports)',
  ];
  const widths = [44, 6, 9, 9, 9, 7, 12, 34];
  const numeric = (i: number) => i >= 2 && i <= 6;
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => pad(c, widths[i]!, numeric(i))).join(' | ')} |`;
  const out = [
    line(head),
    `|${widths.map((w, i) => (numeric(i) ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`,
  ];
  for (const r of doc.rows) {
    const f = r.floor;
    const what = `${f.what}: ${f.signatures} + ${f.digests}${f.imports ? ` (+ ${f.imports})` : ''}`;
    out.push(
      line([
        `${r.group}: ${r.name}`,
        r.keys,
        fmt(r.usPerOp),
        fmt(r.opsPerSec, 0),
        fmt(r.floorUsPerOp),
        `${r.ratio.toFixed(2)}x`,
        r.bareRatio === undefined ? '' : `${r.bareRatio.toFixed(2)}x`,
        what,
      ]),
    );
  }
  const lines = [out.join('\n'), '', 'Targets:'];
  for (const t of doc.targets)
    lines.push(
      `- ${t.met ? 'met ' : 'MISS'}  ${t.name}: ${t.value.toFixed(2)}${t.unit ?? 'x'} (${t.atLeast ? '≥' : '≤'} ${t.max}${t.unit ?? 'x'})${t.bare === undefined ? '' : `; bare minimum ${t.bare.toFixed(2)}x`}`,
    );
  if (doc.cost) {
    lines.push('', 'Cost of hostile input at the default limits (one verification each):');
    for (const c of doc.cost)
      lines.push(
        `  ${c.name}: ${(c.bundleBytes / 1024).toFixed(0)} KiB in, ${c.cpuMs.toFixed(1)} ms CPU, heap +${c.heapMiB.toFixed(1)} MiB, report ${(c.reportBytes / 1024).toFixed(1)} KiB, verdict ${(c.verdictBytes / 1024).toFixed(1)} KiB, full result ${(c.resultBytes / 1024).toFixed(1)} KiB (echoed claims); ${c.errors} errors + ${c.errorsOmitted} omitted (${c.codes.join(', ')})`,
      );
  }
  const s = doc.steady;
  if (s) {
    const l = s.ledger;
    lines.push('');
    if (s.cacheStats) {
      lines.push(
        `Steady state: ${s.users} users × 2 Autonomous L2s, ${s.authorizations} authorizations, each a fresh L3 pair; signature cache ${s.cacheStats.hits} hits / ${s.cacheStats.misses} misses in its verify row.`,
      );
    }
    if (l) {
      lines.push(
        `  SQLite ledger, wall µs per decision: one at a time ${fmt(l.sequentialUs, 0)}; ${l.concurrency} in flight with group commit ${fmt(l.concurrentGroupUs, 0)}, one transaction each ${fmt(l.concurrentSingleUs, 0)}; fsync (4 KiB) ${fmt(l.fsyncUs, 0)} µs median, p99 ${fmt(l.fsyncP99Us, 0)} µs`,
      );
    }
    if (s.rowCacheRatio !== undefined)
      lines.push(
        `  signature cache, steady state: with / without ${s.cacheRatio?.toFixed(2)}x in alternating loops (${s.pairedCacheStats?.hits ?? '?'} hits, ${s.pairedCacheStats?.misses ?? '?'} misses: every L3a is new; parse cache on both sides); ${s.rowCacheRatio.toFixed(2)}x from the two rows' x floor; ${s.cacheRatioWithoutParseCache?.toFixed(2) ?? '?'}x with the parse cache off on both sides`,
      );
    for (const h of s.http) {
      lines.push(
        `  HTTP authorize, ${h.workers} worker${h.workers > 1 ? 's' : ''}, ${h.concurrency} in flight (median of ${h.runs?.length ?? 1} runs): ${fmt(h.perSecond, 0)}/s, p50 ${fmt(h.p50Ms, 1)} ms, p99 ${fmt(h.p99Ms, 1)} ms, ${h.errors} errors, largest pair total ${h.maxPairSpent} of budget ${h.budget} (${h.requests} requests); CPU per request: client ${fmt(h.clientCpuUsPerRequest, 0)} µs (${(h.clientCpuShare * 100).toFixed(1)}% of all), server ${fmt(h.serverCpuUsPerRequest, 0)} µs (${fmt(h.serverOtherThreadsUsPerRequest, 0)} off its main threads); load average ${h.loadAverage.toFixed(2)}`,
      );
    }
    const v = s.verifyThreads;
    if (v)
      lines.push(
        `  vintent verify, ${v.bundles} bundle files (compiled CLI, wall, medians): both cores free, 1 thread ${v.oneThreadSeconds.toFixed(2)} s, 2 threads ${v.twoThreadSeconds.toFixed(2)} s (${(v.oneThreadSeconds / v.twoThreadSeconds).toFixed(2)}x)${v.coreSpeedup === undefined ? '' : `; pinned, 1 core ${v.oneCoreSeconds!.toFixed(2)} s, 2 cores ${v.twoCoreSeconds!.toFixed(2)} s (${v.coreSpeedup.toFixed(2)}x)`}; output ${v.identicalOutput ? 'byte-identical' : 'DIFFERENT'}; load average ${v.runs.map((r) => r.loadAverage.toFixed(1)).join(' ')}`,
      );
  }
  for (const [label, m] of [
    ['', doc.memory],
    [' with the signature and parse caches', doc.memoryWithCache],
  ] as const) {
    if (!m) continue;
    lines.push(
      '',
      `Memory${label}: ${m.verifications.toLocaleString('en-US')} verifications (${m.scenario}, ${m.distinctKeys} distinct keys, key cache ${m.keyCacheCapacity}${m.gcExposed ? ', RSS after GC' : ', no --expose-gc'}):`,
    );
    lines.push(
      `  RSS MB ${m.samples.map((s) => `${s.after / 1000}k:${s.rssMb.toFixed(0)}`).join('  ')}`,
    );
    lines.push(
      `  peak ${m.peakRssMb.toFixed(0)} MB; ${m.growthPercent >= 0 ? '+' : ''}${m.growthPercent.toFixed(1)}% from ${m.baselineAfter / 1000}k to the end: ${m.flat ? 'flat' : 'GROWING'}`,
    );
  }
  const mc = doc.machine;
  lines.push(
    '',
    `Node ${mc.node} (V8 ${mc.v8}), ${mc.platform}/${mc.arch}, ${mc.cpu}, ${mc.cores} cores, ${mc.memoryGb} GB; mode ${doc.mode}; ${doc.date}`,
  );
  return lines.join('\n');
}
