/**
 * Timing: warm up, then several timed loops; the median loop's µs/op is the
 * figure reported (the median shrugs off one GC pause or a noisy neighbour).
 *
 * The primary clock is this process's CPU time (user + system), not wall time:
 * every operation here is synchronous work on this thread (node:crypto
 * one-shot verify, better-sqlite3), so on an idle machine the two agree, and
 * on a shared one CPU time does not count the moments another process had
 * the core. Wall time is kept alongside. A row's floor and its scenario run in
 * alternating loops, so whatever noise is left hits both alike.
 */
export interface LoopPlan {
  warmup: number;
  loops: number;
  perLoop: number;
}

export interface Timing {
  /** Median over the timed loops, CPU microseconds per operation. */
  usPerOp: number;
  /** 1e6 / usPerOp: what one core sustains. */
  opsPerSec: number;
  /** Median over the timed loops, wall-clock microseconds per operation. */
  wallUsPerOp: number;
  /** Every loop's CPU µs/op, in run order. */
  loopsUsPerOp: number[];
}

export interface PairedTiming {
  op: Timing;
  floor: Timing;
  /** Median of the per-loop ratios op / floor (each ratio from adjacent loops). */
  ratio: number;
  /** The bare-minimum reference (bench/bare.ts), when one was given: its timing and ratio to the floor. */
  bare?: { timing: Timing; ratio: number };
}

/** Operations a plan consumes: callers that need one fresh input per op size their pool with it. */
export function opsNeeded(plan: LoopPlan): number {
  return plan.warmup + plan.loops * plan.perLoop;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

type Op = (i: number) => unknown;

interface LoopTime {
  cpu: number;
  wall: number;
}

/** Run ops `from..from+count-1`; µs per op. Sync ops are not awaited (no microtask hop the floor does not pay). */
async function loop(op: Op, from: number, count: number): Promise<LoopTime> {
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  for (let i = from; i < from + count; i++) {
    const r = op(i);
    if (r instanceof Promise) await r;
  }
  const wall = Number(process.hrtime.bigint() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { cpu: (cpu.user + cpu.system) / count, wall: wall / count };
}

function timing(loops: LoopTime[]): Timing {
  const usPerOp = median(loops.map((l) => l.cpu));
  return {
    usPerOp,
    opsPerSec: 1e6 / usPerOp,
    wallUsPerOp: median(loops.map((l) => l.wall)),
    loopsUsPerOp: loops.map((l) => l.cpu),
  };
}

/**
 * Time `op(i)` against `floor(i)` (and `bare(i)` when given), each call with
 * a distinct `i` (warm-up included) so an op can take a never-seen input.
 * The loops alternate floor, op, bare, so each ratio compares loops run
 * side by side.
 */
export async function timeAgainstFloor(
  op: Op,
  floor: Op,
  plan: LoopPlan,
  bare?: Op,
): Promise<PairedTiming> {
  await loop(floor, 0, plan.warmup);
  await loop(op, 0, plan.warmup);
  if (bare) await loop(bare, 0, plan.warmup);
  const ops: LoopTime[] = [];
  const floors: LoopTime[] = [];
  const bares: LoopTime[] = [];
  const ratios: number[] = [];
  const bareRatios: number[] = [];
  for (let l = 0; l < plan.loops; l++) {
    const from = plan.warmup + l * plan.perLoop;
    const f = await loop(floor, from, plan.perLoop);
    const o = await loop(op, from, plan.perLoop);
    floors.push(f);
    ops.push(o);
    ratios.push(o.cpu / f.cpu);
    if (bare) {
      const b = await loop(bare, from, plan.perLoop);
      bares.push(b);
      bareRatios.push(b.cpu / f.cpu);
    }
  }
  const out: PairedTiming = { op: timing(ops), floor: timing(floors), ratio: median(ratios) };
  if (bare) out.bare = { timing: timing(bares), ratio: median(bareRatios) };
  return out;
}
