/**
 * Instruction-count driver for verification: the deterministic companion of
 * the timed verify rows of `npm run bench` (callgrind counts do not move with
 * the machine's load). Verifies WARM bundles of one view, then N more, keys
 * cached as in the bench's "cached" rows; run it for N=0 and N=K and divide
 * the main thread's difference by K (`--separate-threads=yes`, the `-01`
 * file: V8's compiler and GC threads vary with scheduling).
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/js --noEmit false --declaration false --sourceMap false
 *   ln -s "$PWD/node_modules" /tmp/js/node_modules && cp package.json /tmp/js/
 *   VIEW=immediateMerchant N=500 WARM=3000 nice -n 19 valgrind --tool=callgrind \
 *     --separate-threads=yes --smc-check=all --callgrind-out-file=cg.%p \
 *     node /tmp/js/bench/verify-instructions.js
 *   grep -m1 '^summary:' cg.<pid>-01
 *
 * The figures in docs/performance.md were counted on such a compiled copy,
 * which is also what a line-level `--cpu-prof` needs.
 * VIEW: immediateMerchant | immediateNetwork | autonomousNetwork |
 * autonomousDispute | multi (the 5-pair dispute view). MIXED=1: warm up on
 * every view in turn (as the bench process does) before timing VIEW.
 */
import type { PresentationBundle } from '../src/present/index.js';
import { verifyPresentation } from '../src/verify/index.js';
import {
  type ChainViews,
  chainViews,
  multiPairDispute,
  NOW,
  newHolder,
  stableParties,
} from './chains.js';
import { MULTI_PAIRS } from './verify-suite.js';

const VIEW = process.env.VIEW ?? 'immediateMerchant';
const N = Number(process.env.N ?? 0);
const WARM = Number(process.env.WARM ?? 3000);
const POOL = Number(process.env.POOL ?? 8);
/** MIXED=1 warms up on every view in turn, as the bench's process does, so call sites see every shape. */
const MIXED = process.env.MIXED === '1';

const p = stableParties();
const h = newHolder();
const views = await Promise.all(Array.from({ length: POOL }, () => chainViews(p, h)));
// Issued only when used: under callgrind each multi-pair chain costs seconds.
const multi =
  VIEW === 'multi' || MIXED
    ? await Promise.all(Array.from({ length: POOL }, () => multiPairDispute(p, h, MULTI_PAIRS)))
    : [];
if (VIEW !== 'multi' && !(VIEW in views[0]!)) throw new Error(`unknown VIEW ${VIEW}`);
const pool = VIEW === 'multi' ? multi : views.map((v) => v[VIEW as keyof ChainViews]);
const mixed = [
  ...views.flatMap((v) => Object.values(v) as PresentationBundle[]),
  ...multi.slice(0, 1),
];
const options = { now: NOW, trustFromBundle: true };
const first = await verifyPresentation(pool[0]!, options);
if (!first.valid)
  throw new Error(`${VIEW} does not verify: ${first.errors.map((e) => e.code).join(', ')}`);

async function loop(count: number, from: PresentationBundle[]): Promise<void> {
  for (let i = 0; i < count; i++) {
    const r = await verifyPresentation(from[i % from.length]!, options);
    if (!r.valid) throw new Error('a pool bundle stopped verifying');
  }
}
await loop(WARM, MIXED ? mixed : pool);
await loop(N, pool);
