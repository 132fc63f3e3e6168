/**
 * One A/B run for scripts/bench-ab.sh, in plain JavaScript so that it runs
 * against any compiled tree, including commits older than this file.
 *
 *   node --expose-gc scripts/bench-ab-driver.mjs run DIR       one JSON line per verify row
 *   node scripts/bench-ab-driver.mjs summary A_DIR B_DIR       medians of the runs saved there
 *
 * `run` imports DIR/bench/verify-suite.js and DIR/bench/chains.js (a tsc
 * output of the tree) and runs the verify suite, then the issue suite where
 * the tree has one, with the plans of a full `npm run bench`. `summary` reads every `*.jsonl` in the two directories.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [mode, a, b] = process.argv.slice(2);

async function run(dir) {
  const root = pathToFileURL(`${resolve(dir)}/`).href;
  const { runVerifySuite } = await import(`${root}bench/verify-suite.js`);
  const { stableParties } = await import(`${root}bench/chains.js`);
  const plan = (warmup, loops, perLoop) => ({ warmup, loops, perLoop });
  const { rows } = await runVerifySuite(
    stableParties(),
    { single: plan(200, 21, 50), multi: plan(40, 21, 14), cachedPool: 8 },
    () => {},
  );
  for (const r of rows) {
    console.log(JSON.stringify({ name: r.name, keys: r.keys, ratio: r.ratio }));
  }
  // The issue rows too, where the tree has them (the same plan as a full `npm run bench`).
  const issue = await import(`${root}bench/issue-suite.js`).catch(() => undefined);
  if (issue?.runIssueSuite) {
    const issued = await issue.runIssueSuite(stableParties(), plan(100, 7, 100), () => {});
    for (const r of issued)
      console.log(JSON.stringify({ name: `issue: ${r.name}`, keys: r.keys, ratio: r.ratio }));
  }
}

function rowsIn(dir) {
  const byRow = new Map();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line);
      const key = `${r.name} [${r.keys}]`;
      if (!byRow.has(key)) byRow.set(key, []);
      byRow.get(key).push(r.ratio);
    }
  }
  return byRow;
}

function median(xs) {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function summary(dirA, dirB) {
  const A = rowsIn(dirA);
  const B = rowsIn(dirB);
  const range = (xs) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
  console.log('| row | A ratio (range) | B ratio (range) | B vs A |');
  console.log('|---|---:|---:|---:|');
  for (const [key, ra] of A) {
    const rb = B.get(key);
    if (!rb) continue;
    const ma = median(ra);
    const mb = median(rb);
    const change = ((mb / ma - 1) * 100).toFixed(1);
    console.log(
      `| ${key} | ${ma.toFixed(3)} (${range(ra)}) | ${mb.toFixed(3)} (${range(rb)}) | ${change.startsWith('-') ? '' : '+'}${change}% |`,
    );
  }
  console.log(
    `\nratio = CPU time per verification / the same bundle's floor (ES256 verifies and SHA-256 digests), median of each run's median; ${[...A.values()][0]?.length ?? 0} runs of A, ${[...B.values()][0]?.length ?? 0} of B, alternated.`,
  );
}

if (mode === 'run' && a) await run(a);
else if (mode === 'summary' && a && b) summary(a, b);
else {
  console.error('usage: bench-ab-driver.mjs run DIR | summary A_DIR B_DIR');
  process.exit(2);
}
