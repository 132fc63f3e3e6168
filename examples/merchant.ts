/**
 * A merchant: sign the cart the agent will pay for, then accept the order only
 * when the agent's L3b verifies, as a library call (at the edge too) or through
 * the vintent service, which also remembers every accepted L3b.
 * docs/parties/merchant.md walks through it. Run: npx tsx examples/merchant.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCheckoutJwt, presentToMerchant, verifyPresentation } from 'vintent';
import { createVintentServer } from 'vintent/http';
import { openLedger } from 'vintent/ledger';
import { givenL1, givenL2, givenL3, keys, NETWORK_AUD, racket, shop, step } from './scene.js';

// 1. The cart, signed with the merchant's key: its hash becomes the payment's transaction_id.
const cart = createCheckoutJwt({
  merchantKey: keys.shop,
  merchant: shop,
  checkoutId: 'order-9',
  currency: 'USD',
  items: [{ ...racket, quantity: 1, unitPrice: '279.99' }],
});
step('cart signed', cart.jwt.split('.').length === 3, { checkout_hash: cart.checkoutHash });

// The agent answers with the checkout view (examples/agent.ts).
const l1 = await givenL1();
const l2 = givenL2(l1);
const bundle = presentToMerchant(
  { l1, l2, pairIndex: 0, l3: givenL3(l2, cart.jwt) },
  { trust: { issuer_jwks: { keys: [keys.issuer.publicJwk] } } },
);

// 2a. As a library: keys and audience from your configuration, never from the bundle.
const mine = {
  issuerKeys: { keys: [keys.issuer.publicJwk] }, // the card issuers you accept
  merchantKeys: { keys: [keys.shop.publicJwk] }, // your own checkout_jwt keys
  role: 'merchant' as const,
  expect: { l3b: { aud: shop.website } },
};
const verdict = await verifyPresentation(bundle, mine);
step('library: the L3b verifies', verdict.valid, verdict.errors);
const elsewhere = await verifyPresentation(bundle, {
  ...mine,
  expect: { l3b: { aud: 'https://other.example' } },
});
step('library: addressed to another shop', elsewhere.errors[0]?.code === 'AUD_MISMATCH');

// 2b. As a service: POST /v1/merchant/verify; a second sight of the same L3b is a replay.
const dir = mkdtempSync(join(tmpdir(), 'vintent-merchant-'));
const ledger = await openLedger(`sqlite:${join(dir, 'merchant.db')}`);
const service = createVintentServer({
  host: '127.0.0.1',
  port: 0,
  ledger,
  issuerKeys: mine.issuerKeys,
  merchantKeys: mine.merchantKeys,
  expect: { l3a: { aud: NETWORK_AUD }, l3b: { aud: shop.website } },
  log: () => {},
});
const { url } = await service.listen();
const post = async () =>
  (
    await fetch(`${url}/v1/merchant/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(bundle),
    })
  ).json() as Promise<{ valid: boolean; errors: { code: string }[] }>;
try {
  const first = await post();
  step('service: valid', first.valid, first.errors);
  const replay = await post();
  step('service: the same L3b again is a replay', replay.errors[0]?.code === 'L3B_REPLAY');
} finally {
  await service.close();
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
}
