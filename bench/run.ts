/**
 * `npm run bench`: what verification and issuance cost against the floor of
 * their unavoidable cryptography, measured in one process and one run.
 *
 *   npm run bench                  table (Markdown) on stdout, progress on stderr
 *   npm run bench -- --json        the same as JSON on stdout
 *   npm run bench -- --quick       a fast smoke run (fewer loops, 20k verifications for memory)
 *   npm run bench -- --out FILE    also write the JSON to FILE (e.g. bench/results/latest.json)
 *
 * Runs under `node --expose-gc --import tsx` so memory samples follow a full GC.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stableParties } from './chains.js';
import type { LoopPlan } from './harness.js';
import { runIssueSuite } from './issue-suite.js';
import { runMemory } from './memory.js';
import { runNetworkSuite } from './network-suite.js';
import { machine, table, type BenchDocument, type Row, type Target } from './report.js';
import { multiName, runVerifySuite } from './verify-suite.js';

interface Args {
  json: boolean;
  quick: boolean;
  out?: string;
}

function parseArgs(argv: string[]): Args | string {
  const a: Args = { json: false, quick: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--json') a.json = true;
    else if (x === '--quick') a.quick = true;
    else if (x === '--out' && argv[i + 1]) a.out = argv[++i];
    else if (x?.startsWith('--out=')) a.out = x.slice('--out='.length);
    else return `unknown argument ${x}; usage: bench [--json] [--quick] [--out FILE]`;
  }
  return a;
}

function plans(quick: boolean) {
  const p = (warmup: number, loops: number, perLoop: number): LoopPlan => ({ warmup, loops, perLoop });
  return quick
    ? { single: p(30, 3, 40), multi: p(10, 3, 10), cachedPool: 4, issue: p(20, 3, 30), network: p(30, 3, 40), memory: 20_000 }
    : { single: p(200, 21, 50), multi: p(40, 21, 14), cachedPool: 8, issue: p(100, 7, 100), network: p(200, 21, 50), memory: 100_000 };
}

function row(rows: Row[], name: string, keys: Row['keys']): Row {
  const r = rows.find((x) => x.name === name && x.keys === keys && x.group === 'verify');
  if (!r) throw new Error(`no row ${name} ${keys}`);
  return r;
}

function targets(rows: Row[]): Target[] {
  const t = (name: string, value: number, max: number): Target => ({ name, value, max, met: value <= max });
  const ratio = (name: string, r: Row, max: number): Target => {
    const target = t(name, r.ratio, max);
    if (r.bareRatio !== undefined) target.bare = r.bareRatio;
    return target;
  };
  const dispute = 'Autonomous, dispute view (1 pair)';
  const network = 'Autonomous, network view (+constraints)';
  return [
    ratio('dispute view, cached keys / floor', row(rows, dispute, 'cached'), 1.25),
    ratio('dispute view, fresh keys / (floor + imports)', row(rows, dispute, 'fresh'), 1.25),
    ratio('network view with constraints, cached keys / floor', row(rows, network, 'cached'), 1.3),
    ratio('network view with constraints, fresh keys / (floor + imports)', row(rows, network, 'fresh'), 1.3),
    t('5-pair dispute / 1-pair dispute, cached keys', row(rows, multiName, 'cached').usPerOp / row(rows, dispute, 'cached').usPerOp, 5.5),
    t('5-pair dispute / 1-pair dispute, fresh keys', row(rows, multiName, 'fresh').usPerOp / row(rows, dispute, 'fresh').usPerOp, 5.5),
  ];
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    console.error(args);
    return 2;
  }
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const plan = plans(args.quick);
  const parties = stableParties();

  const verify = await runVerifySuite(parties, plan, log);
  const issue = await runIssueSuite(parties, plan.issue, log);
  const network = await runNetworkSuite(parties, plan.network, log);
  const memory = await runMemory(verify.freshNetwork, plan.memory, log);

  const rows = [...verify.rows, network, ...issue];
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  const doc: BenchDocument = { vintent: pkg.version, date: new Date().toISOString(), mode: args.quick ? 'quick' : 'full', machine: machine(), rows, targets: targets(rows), memory };

  const json = `${JSON.stringify(doc, null, 2)}\n`;
  if (args.out) {
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, json);
  }
  process.stdout.write(args.json ? json : `${table(doc)}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
