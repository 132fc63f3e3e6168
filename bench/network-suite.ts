/**
 * Network authorization end to end in one process: verify the network view
 * with the network's own trust, map it to a ledger request, and let the
 * SQLite ledger decide and record it (src/http/authorize.ts, the function the
 * HTTP endpoint and the CLI share). Every authorization is a new mandate pair,
 * so the ledger approves and writes each one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedger } from '../src/ledger/index.js';
import { authorizePresentation } from '../src/network/authorize.js';
import { presentToNetwork } from '../src/present/index.js';
import {
  fulfilPair,
  issueAutonomousL2,
  issueUserL1,
  NOW,
  newHolder,
  type StableParties,
} from './chains.js';
import { floorWork } from './floor.js';
import { type LoopPlan, opsNeeded } from './harness.js';
import { measureRow } from './measure.js';
import type { Row } from './report.js';

export async function runNetworkSuite(
  p: StableParties,
  plan: LoopPlan,
  log: (s: string) => void,
): Promise<Row> {
  log('network: issuing one new L2 and L3 pair per authorization');
  const h = newHolder();
  const l1 = await issueUserL1(p, h.user);
  const views = Array.from({ length: opsNeeded(plan) }, () => {
    const l2 = issueAutonomousL2(h.user, h.agent, l1, 1);
    return presentToNetwork(
      { l1, l2, pairIndex: 0, l3: fulfilPair(p, h.agent, l2, 0) },
      { trust: { issuer_jwks: p.issuerJwks } },
    );
  });
  const floors = views.map((v) => floorWork(v, { issuer: p.issuer, user: h.user, agent: h.agent }));

  const dir = mkdtempSync(join(tmpdir(), 'vintent-bench-'));
  const ledger = await openLedger(`sqlite:${join(dir, 'ledger.db')}`);
  const trust = { ledger, issuerKeys: p.issuerJwks };
  let declined = 0;
  try {
    const row = await measureRow(
      {
        group: 'network',
        name: 'authorize: verify + SQLite ledger',
        keys: 'cached',
        plan,
        floors: (i) => floors[i]!,
        op: async (i) => {
          const answer = await authorizePresentation(views[i]!, trust, NOW);
          if (answer.decision !== 'approved') declined++;
        },
      },
      log,
    );
    if (declined > 0)
      throw new Error(
        `network: ${declined} authorizations were declined; the benchmark expects approvals`,
      );
    return row;
  } finally {
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
