/**
 * ECDSA signatures are malleable: (r, n − s) verifies like (r, s). A holder
 * who re-mints a signature must not get a fresh L2 or a fresh presentation at
 * the network ledger (src/ledger/request.ts keys on signed content only).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckoutJwt, issueL3Pair } from '../../src/issue/index.js';
import { openLedger } from '../../src/ledger/index.js';
import type { Ledger } from '../../src/ledger/types.js';
import { authorizePresentation } from '../../src/network/authorize.js';
import {
  type AutonomousChain,
  autonomousChain,
  fulfil,
  MERCHANT_AUD,
  NETWORK_AUD,
  networkView,
  SERVER_NOW,
  T,
} from './chain.js';

const N = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');

/** The other valid signature of an ES256 JWS: s → n − s. */
function malleate(jwt: string): string {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  const sig = Buffer.from(s, 'base64url');
  const twin = N - BigInt(`0x${sig.subarray(32).toString('hex')}`);
  return `${h}.${p}.${Buffer.concat([sig.subarray(0, 32), Buffer.from(twin.toString(16).padStart(64, '0'), 'hex')]).toString('base64url')}`;
}
const malleateSdJwt = (s: string) => {
  const [jwt, ...rest] = s.split('~');
  return [malleate(jwt!), ...rest].join('~');
};

describe('ECDSA malleability at the network', () => {
  let ledger: Ledger;
  let chain: AutonomousChain;
  beforeAll(async () => {
    ledger = await openLedger(
      `sqlite:${join(mkdtempSync(join(tmpdir(), 'vintent-mall-')), 'ledger.db')}`,
    );
    chain = await autonomousChain();
  });
  afterAll(() => ledger.close());
  const authorize = (b: unknown) =>
    authorizePresentation(b, { ledger, issuerKeys: chain.p.issuerJwks }, SERVER_NOW);

  it('a malleated L3a is the same presentation: replayed, counted once', async () => {
    const view = networkView(chain, fulfil(chain, 0, 30000));
    const first = await authorize(view);
    expect(first.decision).toBe('approved');
    const l3a = (view.l3 as { payment: string }[])[0]!.payment;
    const twin = await authorize({ ...view, l3: [{ payment: malleateSdJwt(l3a) }] });
    expect(twin).toMatchObject({
      decision: 'approved',
      authorization_id: first.authorization_id,
      replayed: true,
    });
  });

  it('an L3 re-signed over a malleated L2 is a second fulfilment of the same pair, and shares its budget', async () => {
    const full = malleateSdJwt(chain.l2.serialized);
    const checkout = createCheckoutJwt({
      merchantKey: chain.p.merchant,
      merchant: {
        id: 'm-tw-001',
        name: 'Tennis Warehouse',
        website: 'https://tennis-warehouse.example',
      },
      checkoutId: 'c-mall',
      currency: 'USD',
      items: [{ id: 'BAB86345', title: 'Babolat Pure Aero', quantity: 1, unitPrice: 30000 }],
      iat: T + 50,
    });
    const l3 = issueL3Pair({
      agentKey: chain.p.agent,
      l2: full,
      pairIndex: 0,
      checkoutJwt: checkout.jwt,
      networkAud: NETWORK_AUD,
      merchantAud: MERCHANT_AUD,
      iat: T + 100,
    });
    const again = await authorize({
      vi_bundle: 1,
      l1: chain.l1,
      l2: l3.paymentL2,
      l3: [{ payment: l3.payment }],
    });
    expect(again.decision).toBe('declined');
    expect(again.errors.map((e) => e.code)).toEqual(['LEDGER_PAIR_ALREADY_FULFILLED']);
  });
});
