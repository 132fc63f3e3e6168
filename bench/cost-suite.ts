/**
 * The cost row (issue 22): the most expensive presentations we can build
 * within the default limits (an L3b whose every line is a SKU the user never
 * allowed, against the longest allowlist a constraint may carry), verified
 * one at a time. CPU per verification, heap grown during one, and the sizes
 * of what leaves the verifier: the report the CLI and HTTP send, and the full
 * result (whose echoed claims are the signed input, so it tracks input size).
 */
import { cpuUsage, memoryUsage } from 'node:process';
import { VI_2026_02, VI_2026_04 } from '../src/profiles/profile.js';
import { reportOf } from '../src/verify/report.js';
import { bundleBytes, type CostBombShape, costBomb } from '../test/fixtures/cost-bomb.js';
import { verifyPresentation } from '../test/fixtures/vector-verify.js';

export interface CostRow {
  name: string;
  bundleBytes: number;
  /** Median CPU ms for one verification. */
  cpuMs: number;
  /** Largest heap growth seen across one verification (MiB, GC not forced in between). */
  heapMiB: number;
  reportBytes: number;
  resultBytes: number;
  /** The result without its echoed claims and mandates: errors, checks, constraint reports. */
  verdictBytes: number;
  errors: number;
  errorsOmitted: number;
  codes: string[];
}

const SHAPES: [string, CostBombShape][] = [
  [
    '1024 acceptable × 256 refused lines (April)',
    { acceptable: 1024, lines: 256, profile: VI_2026_04 },
  ],
  [
    '1024 acceptable × 256 refused lines (Feb)',
    { acceptable: 1024, lines: 256, profile: VI_2026_02 },
  ],
  [
    '1024 acceptable × 256 refused lines of 250-char SKUs',
    { acceptable: 1024, lines: 256, skuWidth: 250, profile: VI_2026_04 },
  ],
  [
    '16 entries × 64 acceptable × 256 refused lines',
    { acceptable: 64, lines: 256, entries: 16, profile: VI_2026_04 },
  ],
];

const gc = (globalThis as { gc?: () => void }).gc;

async function measure(name: string, shape: CostBombShape, runs: number): Promise<CostRow> {
  const bundle = costBomb(shape);
  for (let i = 0; i < 5; i++) await verifyPresentation(bundle);
  const cpu: number[] = [];
  let heap = 0;
  let last = await verifyPresentation(bundle);
  for (let i = 0; i < runs; i++) {
    gc?.();
    const h0 = memoryUsage().heapUsed;
    const c0 = cpuUsage();
    last = await verifyPresentation(bundle);
    const c = cpuUsage(c0);
    heap = Math.max(heap, memoryUsage().heapUsed - h0);
    cpu.push((c.user + c.system) / 1000);
  }
  cpu.sort((a, b) => a - b);
  const { claims: _c, pairs, ...rest } = last;
  const verdict = { ...rest, pairs: pairs.map(({ checkout: _k, payment: _p, ...p }) => p) };
  return {
    name,
    bundleBytes: bundleBytes(bundle),
    cpuMs: cpu[Math.floor(cpu.length / 2)]!,
    heapMiB: heap / 2 ** 20,
    reportBytes: Buffer.byteLength(JSON.stringify(reportOf('-', bundle, last))),
    resultBytes: Buffer.byteLength(JSON.stringify(last)),
    verdictBytes: Buffer.byteLength(JSON.stringify(verdict)),
    errors: last.errors.length,
    errorsOmitted: last.errorsOmitted,
    codes: [...new Set(last.errors.map((e) => e.code))],
  };
}

/** Every shape, one row each; the targets read the worst. */
export async function runCostSuite(runs: number, log: (s: string) => void): Promise<CostRow[]> {
  const rows: CostRow[] = [];
  for (const [name, shape] of SHAPES) {
    log(`cost: ${name}`);
    rows.push(await measure(name, shape, runs));
  }
  return rows;
}
