/**
 * An agent purchase over HTTP, end to end, against a real vintent service:
 *
 *   1. the user delegates two mandate pairs: a one-off racket, and shoes bought
 *      on demand (several purchases) under that pair's own USD 500 budget;
 *   2. the agent sends the merchant view (L3b) to /v1/merchant/verify;
 *   3. the agent sends the network view (L3a) to /v1/network/authorize -> approved;
 *   4. a NEW L3 pair for the same mandate pair -> declined LEDGER_PAIR_ALREADY_FULFILLED;
 *   5. the shoes pair twice: the second purchase is over that pair's remaining budget -> declined LEDGER_BUDGET_EXCEEDED.
 *
 * Run: npx tsx examples/http-purchase.ts   (exits non-zero if any step surprises)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createCheckoutJwt,
  generateSigningKey,
  issueL1,
  issueL2Autonomous,
  issueL3Pair,
} from 'vintent';
import { createVintentServer } from 'vintent/http';
import { openLedger } from 'vintent/ledger';

const NETWORK_AUD = 'https://network.example/v1/network/authorize';
const MERCHANT_AUD = 'https://tennis-warehouse.example';
const merchant = {
  id: 'm-tw-001',
  name: 'Tennis Warehouse',
  website: 'https://tennis-warehouse.example',
};
const card = {
  type: 'mastercard.srcDigitalCard',
  id: 'card-4242',
  description: 'Mastercard **** 4242',
};
const racket = { id: 'BAB86345', title: 'Babolat Pure Aero' };
const shoes = { id: 'NIK90210', title: 'Nike Air Zoom Vapor Pro 2' };

let failures = 0;
function expectStep(label: string, ok: boolean, detail: unknown): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}: ${JSON.stringify(detail)}`);
  if (!ok) failures++;
}

async function postJson(url: string, body: unknown): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.json();
}

async function main(): Promise<number> {
  // Keys: the card issuer, the user's device, the agent, the merchant.
  const issuer = generateSigningKey('issuer-2026');
  const user = generateSigningKey('user-device-1');
  const agent = generateSigningKey('agent-1');
  const merchantKey = generateSigningKey('merchant-tw-1');
  const now = Math.floor(Date.now() / 1000);

  // L1: the issuer binds the user's key. L2: the user delegates two pairs, each with its own budget.
  const l1 = await issueL1({
    issuerKey: issuer,
    iss: 'https://issuer.example',
    sub: 'user-1',
    userPublicJwk: user.publicJwk,
    panLastFour: '4242',
    scheme: 'mastercard',
    iat: now - 60,
  });
  const pair = (item: { id: string; title: string }) => ({
    agentKey: agent.publicJwk,
    merchants: [merchant],
    lineItems: [{ id: 'line-1', acceptableItems: [item], quantity: 1 }],
    paymentInstrument: card,
    amount: { currency: 'USD', min: '10.00', max: '400.00' },
    budget: { currency: 'USD', max: '500.00' },
  });
  const day = (offset: number) =>
    new Date((now + offset * 86400) * 1000).toISOString().slice(0, 10);
  const onDemand = {
    agentRecurrence: {
      frequency: 'ON_DEMAND',
      start_date: day(-1),
      end_date: day(30),
      max_occurrences: 5,
    },
  };
  const l2 = issueL2Autonomous({
    userKey: user,
    l1,
    aud: 'https://agent.example',
    iat: now - 30,
    pairs: [pair(racket), { ...pair(shoes), ...onDemand }],
  });
  console.log(
    'issued L1 and an Autonomous L2: 2 mandate pairs, USD 500.00 budget each, the second on demand',
  );

  // The network service, on loopback, with a throwaway SQLite ledger.
  const dir = mkdtempSync(join(tmpdir(), 'vintent-example-'));
  const ledger = await openLedger(`sqlite:${join(dir, 'ledger.db')}`);
  const service = createVintentServer({
    host: '127.0.0.1',
    port: 0,
    ledger,
    issuerKeys: { keys: [issuer.publicJwk] },
    merchantKeys: { keys: [merchantKey.publicJwk] },
    expect: { l3a: { aud: NETWORK_AUD } },
    log: () => {},
  });
  const { url } = await service.listen();
  console.log(`service listening on ${url}`);

  let checkoutNo = 0;
  const buy = (pairIndex: number, item: { id: string; title: string }, price: string) => {
    const checkout = createCheckoutJwt({
      merchantKey,
      merchant,
      checkoutId: `order-${++checkoutNo}`,
      currency: 'USD',
      items: [{ ...item, quantity: 1, unitPrice: price }],
    });
    const l3 = issueL3Pair({
      agentKey: agent,
      l2,
      pairIndex,
      checkoutJwt: checkout.jwt,
      networkAud: NETWORK_AUD,
      merchantAud: MERCHANT_AUD,
    });
    return {
      merchantView: {
        vi_bundle: 1,
        role: 'merchant',
        l1,
        l2: l3.checkoutL2,
        l3: [{ checkout: l3.checkout }],
      },
      networkView: {
        vi_bundle: 1,
        role: 'network',
        l1,
        l2: l3.paymentL2,
        l3: [{ payment: l3.payment }],
      },
    };
  };

  try {
    // Pair 0: a racket for 279.99.
    const first = buy(0, racket, '279.99');
    const verdict = await postJson(`${url}/v1/merchant/verify`, first.merchantView);
    expectStep('merchant verifies the checkout view', verdict.valid === true, {
      valid: verdict.valid,
      errors: verdict.errors,
    });
    const auth = await postJson(`${url}/v1/network/authorize`, first.networkView);
    expectStep('network approves USD 279.99 on pair 0', auth.decision === 'approved', auth);

    // Pair 0 again, with a new L3 pair: a mandate pair is fulfilled once.
    const again = buy(0, racket, '249.99');
    const dup = await postJson(`${url}/v1/network/authorize`, again.networkView);
    expectStep(
      'second fulfilment of pair 0 declined',
      dup.decision === 'declined' && dup.errors[0]?.code === 'LEDGER_PAIR_ALREADY_FULFILLED',
      dup.errors.map((e: any) => e.code),
    );

    // Pair 1 (on demand): 279.99 fits its own 500.00, whatever pair 0 spent; 279.99 + 229.99 does not.
    const shoesFirst = await postJson(
      `${url}/v1/network/authorize`,
      buy(1, shoes, '279.99').networkView,
    );
    expectStep(
      'network approves USD 279.99 on pair 1 (its own budget)',
      shoesFirst.decision === 'approved',
      shoesFirst,
    );
    const second = buy(1, shoes, '229.99');
    const over = await postJson(`${url}/v1/network/authorize`, second.networkView);
    expectStep(
      'pair 1 over its remaining budget declined',
      over.decision === 'declined' && over.errors[0]?.code === 'LEDGER_BUDGET_EXCEEDED',
      over.errors.map((e: any) => e.code),
    );
  } finally {
    await service.close();
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(failures === 0 ? 'all steps as expected' : `${failures} step(s) failed`);
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
