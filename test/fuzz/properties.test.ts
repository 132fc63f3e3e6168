/**
 * Short, seeded run of every fuzz property (the long run is `npm run fuzz`).
 * Reproduce a failure with VINTENT_FUZZ_SEED=<seed printed below> and, for
 * the exact case, the `path` fast-check prints.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { allSeeds } from './corpus.js';
import { PROPERTIES, type Prepared, prepare } from './properties.js';

const SEED = Number(process.env.VINTENT_FUZZ_SEED ?? 20260611);
const RUNS = Number(process.env.VINTENT_FUZZ_RUNS ?? 60);

let seeds: Prepared[] = [];
beforeAll(async () => {
  seeds = await prepare(await allSeeds());
});

describe(`fuzz properties (seed ${SEED}, ${RUNS} runs each)`, () => {
  it('has valid seeds from the reference vectors and fresh chains', () => {
    expect(seeds.length).toBeGreaterThan(5);
    expect(seeds.some((s) => s.seed.keys)).toBe(true);
  });
  PROPERTIES.forEach((prop, i) => {
    it(prop.name, async () => {
      // Each property gets its own derived seed so adding one does not reshuffle the others.
      await fc.assert(prop.property(seeds), { seed: SEED + i, numRuns: RUNS, endOnFailure: true });
    });
  });
});
