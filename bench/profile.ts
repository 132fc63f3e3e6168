/**
 * Profile one verification scenario: `node --cpu-prof --import tsx bench/profile.ts [view] [count] [fresh]`.
 * Writes a .cpuprofile (open in Chrome DevTools) and prints the top self-time
 * functions. View: immediateMerchant | immediateNetwork | autonomousNetwork | autonomousDispute | multi.
 */

import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { verifyPresentation } from '../src/verify/index.js';
import {
  type ChainViews,
  chainViews,
  multiPairDispute,
  NOW,
  newHolder,
  stableParties,
} from './chains.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
  children?: number[];
}

const view = (process.argv[2] ?? 'autonomousDispute') as keyof ChainViews | 'multi';
const count = Number(process.argv[3] ?? 3000);
const fresh = process.argv[4] === 'fresh';

const p = stableParties();
const holders = Array.from({ length: fresh ? count : 1 }, () => newHolder());
const bundles = await Promise.all(
  holders.map(async (h) =>
    view === 'multi' ? multiPairDispute(p, h, 5) : (await chainViews(p, h))[view],
  ),
);
for (let i = 0; i < 200; i++)
  await verifyPresentation(bundles[i % bundles.length]!, { now: NOW, trustFromBundle: true });

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 50 });
await session.post('Profiler.start');
const start = process.hrtime.bigint();
for (let i = 0; i < count; i++)
  await verifyPresentation(bundles[i % bundles.length]!, { now: NOW, trustFromBundle: true });
const us = Number(process.hrtime.bigint() - start) / 1000 / count;
const { profile } = (await session.post('Profiler.stop')) as { profile: { nodes: ProfileNode[] } };
writeFileSync('/tmp/vintent-verify.cpuprofile', JSON.stringify(profile));

const keyOf = (n: ProfileNode) => {
  const f = n.callFrame;
  return `${f.functionName || '(anon)'} ${f.url.replace(/^.*\/(src|node_modules|bench)\//, '$1/')}:${f.lineNumber + 1}`;
};
const parent = new Map<number, ProfileNode>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
for (const n of profile.nodes) {
  self.set(keyOf(n), (self.get(keyOf(n)) ?? 0) + n.hitCount);
  total += n.hitCount;
  // Inclusive: count this node's samples once for every distinct function on its stack.
  const onStack = new Set<string>();
  for (let a: ProfileNode | undefined = n; a; a = parent.get(a.id)) onStack.add(keyOf(a));
  for (const k of onStack) inclusive.set(k, (inclusive.get(k) ?? 0) + n.hitCount);
}
const top = (m: Map<string, number>, n: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');
console.log(
  `${view}${fresh ? ' fresh' : ''}: ${us.toFixed(1)} µs/op over ${count}\n\nself time:\n${top(self, 25)}\n\ninclusive time:\n${top(inclusive, 40)}`,
);
