/**
 * Issuance scenarios (src/issue). The floor here is the ES256 signatures each
 * step must make, on node:crypto with a prepared private key. "Fresh" gives
 * every operation a never-used user and agent key (generated before timing).
 */
import { sign } from 'node:crypto';
import { issueL2Immediate } from '../src/issue/l2-immediate.js';
import type { IssuedL2Autonomous } from '../src/issue/l2-types.js';
import { issueL3Pair } from '../src/issue/l3.js';
import type { SigningKey } from '../src/sdjwt/keys.js';
import {
  fulfilPair,
  type Holder,
  issueAutonomousL2,
  issueUserL1,
  MERCHANT_AUD,
  NETWORK_AUD,
  newCheckout,
  newHolder,
  type StableParties,
  T,
} from './chains.js';
import { type LoopPlan, opsNeeded } from './harness.js';
import { measureRow } from './measure.js';
import type { KeyState, Row } from './report.js';

interface Prepared {
  holder: Holder;
  l1: string;
  l2: IssuedL2Autonomous;
  checkoutJwt: string;
}

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

/** A representative 1 KiB signing input: issuance floors sign this with the step's key. */
const SIGNING_INPUT = Buffer.alloc(1024, 0x41);

function signFloor(signatures: number, key: SigningKey): (i: number) => unknown {
  return () => {
    for (let n = 0; n < signatures; n++)
      sign('sha256', SIGNING_INPUT, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  };
}

export async function runIssueSuite(
  p: StableParties,
  plan: LoopPlan,
  log: (s: string) => void,
): Promise<Row[]> {
  log('issue: preparing inputs');
  const prepare = async (h: Holder): Promise<Prepared> => {
    const l1 = await issueUserL1(p, h.user);
    return {
      holder: h,
      l1,
      l2: issueAutonomousL2(h.user, h.agent, l1, 1),
      checkoutJwt: newCheckout(p, { id: 'BAB86345', title: 'Babolat Pure Aero' }).jwt,
    };
  };
  const cachedInput = await prepare(newHolder());
  const freshInputs = await Promise.all(
    Array.from({ length: opsNeeded(plan) }, () => prepare(newHolder())),
  );

  const steps: { name: string; signatures: number; op: (x: Prepared) => unknown }[] = [
    {
      name: 'checkout_jwt (merchant)',
      signatures: 1,
      op: () => newCheckout(p, { id: 'BAB86345', title: 'Babolat Pure Aero' }),
    },
    { name: 'L1', signatures: 1, op: (x) => issueUserL1(p, x.holder.user) },
    {
      name: 'L2 Immediate (1 pair)',
      signatures: 1,
      op: (x) =>
        issueL2Immediate({
          userKey: x.holder.user,
          l1: x.l1,
          aud: NETWORK_AUD,
          iat: T,
          pairs: [{ checkoutJwt: x.checkoutJwt, paymentInstrument: INSTRUMENT, payee: MERCHANT }],
        }),
    },
    {
      name: 'L2 Autonomous (1 pair)',
      signatures: 1,
      op: (x) => issueAutonomousL2(x.holder.user, x.holder.agent, x.l1, 1),
    },
    {
      name: 'L3a + L3b',
      signatures: 2,
      op: (x) =>
        issueL3Pair({
          agentKey: x.holder.agent,
          l2: x.l2,
          pairIndex: 0,
          checkoutJwt: x.checkoutJwt,
          networkAud: NETWORK_AUD,
          merchantAud: MERCHANT_AUD,
          iat: T + 30,
        }),
    },
    {
      name: 'whole Autonomous chain (L1, L2, checkout, L3 pair)',
      signatures: 5,
      op: async (x) => {
        const l1 = await issueUserL1(p, x.holder.user);
        const l2 = issueAutonomousL2(x.holder.user, x.holder.agent, l1, 1);
        return fulfilPair(p, x.holder.agent, l2, 0);
      },
    },
  ];

  const rows: Row[] = [];
  for (const s of steps) {
    for (const keys of ['cached', 'fresh'] as KeyState[]) {
      const input = (i: number) => (keys === 'cached' ? cachedInput : freshInputs[i]!);
      const counts = { signatures: s.signatures, digests: 0, imports: 0 };
      const floorOp = signFloor(s.signatures, p.issuer);
      rows.push(
        await measureRow(
          {
            group: 'issue',
            name: s.name,
            keys,
            plan,
            counts,
            floorWhat: 'sign',
            floorOp,
            op: (i) => s.op(input(i)),
          },
          log,
        ),
      );
    }
  }
  return rows;
}
