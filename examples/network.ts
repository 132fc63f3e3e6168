/**
 * A payment network: authorize the agent's L3a against a ledger that holds
 * what no signature can (single use, budgets, recurrence, revocation, holds),
 * capture it, and honour the user's revocation. docs/parties/network.md walks
 * through it. Run: npx tsx examples/network.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueRevocation, presentToNetwork } from 'vintent';
import { openLedger } from 'vintent/ledger';
import { authorizePresentation, captureAuthorization, revokeMandate } from 'vintent/network';
import { givenCart, givenL1, givenL2, givenL3, keys, NETWORK_AUD, now, step } from './scene.js';

const dir = mkdtempSync(join(tmpdir(), 'vintent-network-'));
// SQLite for one process; `postgres://…` for several validators sharing one ledger.
const ledger = await openLedger(`sqlite:${join(dir, 'ledger.db')}`);
const network = {
  ledger,
  issuerKeys: { keys: [keys.issuer.publicJwk] }, // your issuers' JWK Sets, never the bundle's
  expect: { l3a: { aud: NETWORK_AUD } },
};

try {
  const l1 = await givenL1();
  const l2 = givenL2(l1);
  const trust = { trust: { issuer_jwks: network.issuerKeys } };
  const view = (order: string, price: string) =>
    presentToNetwork({ l1, l2, pairIndex: 0, l3: givenL3(l2, givenCart(order, price)) }, trust);

  // 1. Authorize: the chain verifies and the ledger records the spend, atomically.
  const first = view('order-1', '279.99');
  const approved = await authorizePresentation(first, network, now());
  step('approved', approved.decision === 'approved', approved.authorization_id);

  // 2. The same presentation again gets the same answer, counted once.
  const again = await authorizePresentation(first, network, now());
  step(
    'a retry is a replay',
    again.replayed === true && again.authorization_id === approved.authorization_id,
  );

  // 3. A new L3 pair for the same mandate pair: single use, whatever the agent signs.
  const second = await authorizePresentation(view('order-2', '149.99'), network, now());
  step(
    'one fulfilment per mandate pair',
    second.errors[0]?.code === 'LEDGER_PAIR_ALREADY_FULFILLED',
  );

  // 4. Capture settles the hold (in full, or for less), after checking the standing again.
  const captured = await captureAuthorization(
    { authorization_id: approved.authorization_id! },
    { ledger, now: now() },
  );
  step('captured', captured.captured === true);

  // 5. The user revokes another mandate; nothing more is approved under it.
  const other = givenL2(l1);
  const revocation = issueRevocation({ userKey: keys.user, l2: other.serialized });
  const revoked = await revokeMandate(
    { revocation, l1, l2: other.serialized },
    { ledger, issuerKeys: network.issuerKeys, now: now() },
  );
  step('revocation recorded', 'revoked' in revoked && revoked.revoked === true);
  const late = await authorizePresentation(
    presentToNetwork(
      { l1, l2: other, pairIndex: 0, l3: givenL3(other, givenCart('order-3')) },
      trust,
    ),
    network,
    now(),
  );
  step('revoked mandate declined', late.errors[0]?.code === 'LEDGER_MANDATE_REVOKED');
} finally {
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
}
