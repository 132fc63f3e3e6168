/**
 * Instruction-count driver for issuance (callgrind counts do not depend on
 * the machine's load, unlike the timed rows of `npm run bench`). Runs WARM
 * operations, then N more; run it for N=0 and N=K and divide the difference
 * by K. The main thread's count is the measure for code changes: with
 * `--separate-threads=yes` it is the `-01` file, free of V8's background
 * compiler and GC threads, whose share depends on thread scheduling.
 *
 *   OP=chain N=500 WARM=1000 nice -n 19 valgrind --tool=callgrind --separate-threads=yes \
 *     --smc-check=all --callgrind-out-file=cg.%p node --import tsx bench/issue-instructions.ts
 *   grep -m1 '^summary:' cg.<pid>-01
 *
 * OP: chain (the bench's whole Autonomous chain: L1, L2, checkout, L3 pair) |
 * floor (its signing floor: five ES256 signatures over 1 KiB, as in
 * bench/issue-suite.ts) | l1 | l2auto | l2imm | l3 | checkout.
 */
import { sign } from 'node:crypto';
import { issueL2Immediate } from '../src/issue/l2-immediate.js';
import { issueL3Pair } from '../src/issue/l3.js';
import {
  fulfilPair,
  issueAutonomousL2,
  issueUserL1,
  MERCHANT_AUD,
  NETWORK_AUD,
  newCheckout,
  newHolder,
  stableParties,
  T,
} from './chains.js';

const OP = process.env.OP ?? 'chain';
const N = Number(process.env.N ?? 0);
const WARM = Number(process.env.WARM ?? 1000);

const p = stableParties();
const h = newHolder();
const SIGNING_INPUT = Buffer.alloc(1024, 0x41);
const INSTRUMENT = {
  type: 'mastercard.srcDigitalCard',
  id: 'card-1',
  description: 'Mastercard **** 4242',
};
const MERCHANT = {
  id: 'm-tw-001',
  name: 'Tennis Warehouse',
  website: 'https://tennis-warehouse.example',
};
const l1 = await issueUserL1(p, h.user);
const l2 = issueAutonomousL2(h.user, h.agent, l1, 1);
const checkoutJwt = newCheckout(p, { id: 'BAB86345', title: 'Babolat Pure Aero' }).jwt;

const ops: Record<string, () => unknown> = {
  chain: async () => {
    const chainL1 = await issueUserL1(p, h.user);
    return fulfilPair(p, h.agent, issueAutonomousL2(h.user, h.agent, chainL1, 1), 0);
  },
  floor: () => {
    for (let n = 0; n < 5; n++)
      sign('sha256', SIGNING_INPUT, { key: p.issuer.privateKey, dsaEncoding: 'ieee-p1363' });
  },
  l1: () => issueUserL1(p, h.user),
  l2auto: () => issueAutonomousL2(h.user, h.agent, l1, 1),
  l2imm: () =>
    issueL2Immediate({
      userKey: h.user,
      l1,
      aud: NETWORK_AUD,
      iat: T,
      pairs: [{ checkoutJwt, paymentInstrument: INSTRUMENT, payee: MERCHANT }],
    }),
  l3: () =>
    issueL3Pair({
      agentKey: h.agent,
      l2,
      pairIndex: 0,
      checkoutJwt,
      networkAud: NETWORK_AUD,
      merchantAud: MERCHANT_AUD,
      iat: T + 30,
    }),
  checkout: () => newCheckout(p, { id: 'BAB86345', title: 'Babolat Pure Aero' }),
};
const op = ops[OP];
if (!op) throw new Error(`unknown OP ${OP}; one of ${Object.keys(ops).join(', ')}`);

async function loop(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const r = op!();
    if (r instanceof Promise) await r;
  }
}
await loop(WARM);
await loop(N);
