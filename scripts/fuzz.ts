/**
 * Long fuzz run: every property of test/fuzz/properties.ts, round-robin,
 * for a time budget. Reports cases tried per property, the verdicts and error
 * codes the mutants reached, and every failure with its reproduction seed.
 *
 *   npm run fuzz -- [--minutes 5] [--seed 12345] [--chunk 200]
 *   npm run fuzz -- --replay <property number> --seed <seed> --path <path>   (one reported case; set VINTENT_DEBUG=1 for stacks)
 *
 * Exit 0 when no property failed, 1 otherwise, 2 on bad usage.
 */
import fc from 'fast-check';
import { allSeeds } from '../test/fuzz/corpus.js';
import { observeVerdicts } from '../test/fuzz/harness.js';
import { PROPERTIES, prepare } from '../test/fuzz/properties.js';

interface Tally {
  name: string;
  cases: number;
  valid: number;
  invalid: number;
  codes: Map<string, number>;
  failure?: string;
}

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isFinite(v) || v < 0) {
    console.error(`--${name} needs a non-negative number`);
    process.exit(2);
  }
  return v;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const minutes = arg(args, 'minutes', 5);
  const baseSeed = Math.floor(arg(args, 'seed', Date.now() % 2 ** 31));
  const chunk = Math.max(1, Math.floor(arg(args, 'chunk', 200)));
  const seeds = await prepare(await allSeeds());
  if (args.includes('--replay')) {
    const n = arg(args, 'replay', 0);
    const prop = PROPERTIES[n - 1];
    const path = args[args.indexOf('--path') + 1];
    if (!prop || !args.includes('--path') || !path) {
      console.error('--replay needs a property number (1-based, as listed) and --path');
      return 2;
    }
    const d = await fc.check(prop.property(seeds), { seed: baseSeed, path, numRuns: 1 });
    console.log(`${prop.name}: ${d.failed ? 'FAILS' : 'holds'}`);
    if (d.failed)
      console.log(
        `  ${fc.stringify(d.counterexample)}\n  ${d.errorInstance instanceof Error ? d.errorInstance.message : String(d.errorInstance)}`,
      );
    return d.failed ? 1 : 0;
  }
  console.log(
    `fuzz: ${seeds.length} valid seed bundles (${seeds.filter((s) => s.seed.keys).length} fresh), ${PROPERTIES.length} properties, ${minutes} min, base seed ${baseSeed}`,
  );

  const tallies: Tally[] = PROPERTIES.map((p) => ({
    name: p.name,
    cases: 0,
    valid: 0,
    invalid: 0,
    codes: new Map(),
  }));
  const props = PROPERTIES.map((p) => p.property(seeds));
  const deadline = Date.now() + minutes * 60_000;
  let current: Tally | undefined;
  observeVerdicts((r) => {
    if (!current) return;
    if (r.valid) current.valid++;
    else current.invalid++;
    for (const code of new Set(r.errors.map((e) => e.code)))
      current.codes.set(code, (current.codes.get(code) ?? 0) + 1);
  });

  for (let round = 0; Date.now() < deadline || round === 0; round++) {
    for (let i = 0; i < props.length; i++) {
      const t = tallies[i]!;
      if (t.failure) continue;
      if (round > 0 && Date.now() >= deadline) break;
      current = t;
      const seed = baseSeed + round * 1000 + i;
      const details = await fc.check(props[i]!, { seed, numRuns: chunk });
      t.cases += details.numRuns;
      if (details.failed) {
        t.failure = `seed ${details.seed}, path "${details.counterexamplePath}"\n    counterexample: ${fc.stringify(details.counterexample)}\n    ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`;
        console.log(`FAIL ${i + 1}. ${t.name}\n    ${t.failure}`);
      }
    }
  }
  current = undefined;

  console.log('\nproperty | cases | valid | invalid | most frequent codes');
  for (const t of tallies) {
    const top = [...t.codes]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([c, n]) => `${c}×${n}`)
      .join(' ');
    console.log(
      `${t.failure ? 'FAIL' : 'ok  '} ${tallies.indexOf(t) + 1}. ${t.name} | ${t.cases} | ${t.valid} | ${t.invalid} | ${top}`,
    );
  }
  const total = tallies.reduce((n, t) => n + t.cases, 0);
  const failed = tallies.filter((t) => t.failure);
  console.log(
    `\n${total} cases in ${minutes} min, ${failed.length} failing properties (base seed ${baseSeed})`,
  );
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
