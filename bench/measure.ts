/** One benchmark row: its floor and its scenario in alternating loops, so machine noise cancels in the ratio. */
import { countsOf, type FloorCounts, type FloorWork, runFloor } from './floor.js';
import { type LoopPlan, timeAgainstFloor } from './harness.js';
import type { KeyState, Row } from './report.js';

export interface RowSpec {
  group: Row['group'];
  name: string;
  keys: KeyState;
  plan: LoopPlan;
  /** One floor per input, indexed like `op`. */
  floors?: (i: number) => FloorWork;
  /** What the floor counts when `floorOp` replaces the verify floor. */
  counts?: FloorCounts;
  /** What the floor stands for, e.g. "ES256 verify" or "ES256 sign". */
  floorWhat?: string;
  /** Custom floor op (issuance uses signing); defaults to {@link runFloor}. */
  floorOp?: (i: number) => unknown;
  op: (i: number) => unknown;
  /** The bare-minimum reference for this input (bench/bare.ts), verify rows only. */
  bare?: (i: number) => unknown;
}

export async function measureRow(spec: RowSpec, log: (s: string) => void): Promise<Row> {
  const fresh = spec.keys === 'fresh';
  const floorOp =
    spec.floorOp ??
    ((i: number) => {
      if (!runFloor(spec.floors!(i), fresh))
        throw new Error(`${spec.name}: floor signature failed`);
    });
  const {
    op: t,
    floor,
    ratio,
    bare,
  } = await timeAgainstFloor(spec.op, floorOp, spec.plan, spec.bare);
  const counts = spec.counts ?? countsOf(spec.floors!(0), fresh);
  const row: Row = {
    group: spec.group,
    name: spec.name,
    keys: spec.keys,
    usPerOp: t.usPerOp,
    opsPerSec: t.opsPerSec,
    wallUsPerOp: t.wallUsPerOp,
    floorUsPerOp: floor.usPerOp,
    ratio,
    floor: { ...counts, what: spec.floorWhat ?? 'verify' },
    loopsUsPerOp: t.loopsUsPerOp,
  };
  if (bare) {
    row.bareUsPerOp = bare.timing.usPerOp;
    row.bareRatio = bare.ratio;
  }
  log(
    `  ${spec.group}: ${spec.name} [${spec.keys}] ${t.usPerOp.toFixed(1)} µs/op, floor ${floor.usPerOp.toFixed(1)}, ${row.ratio.toFixed(2)}x${bare ? `, bare minimum ${bare.ratio.toFixed(2)}x` : ''}`,
  );
  return row;
}
