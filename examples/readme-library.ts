/** The README's library example, kept runnable (test/examples). */
import {
  createCheckoutJwt,
  generateSigningKey,
  issueL1,
  issueL2Autonomous,
  issueL3Pair,
  presentToMerchant,
  presentToNetwork,
  verifyPresentation,
} from 'vintent';

const issuer = generateSigningKey('issuer-2026'),
  user = generateSigningKey('user-1');
const agent = generateSigningKey('agent-1'),
  shopKey = generateSigningKey('shop-1');
const shop = { id: 'm-1', name: 'Racket House', website: 'https://racket-house.example' };

// Issuer → user; the wallet presents L1 without the email disclosure.
const l1 = `${
  (
    await issueL1({
      issuerKey: issuer,
      iss: 'https://bank.example',
      sub: 'u-1',
      userPublicJwk: user.publicJwk,
      panLastFour: '4242',
      scheme: 'mastercard',
      email: 'a@example.com',
    })
  ).split('~')[0]
}~`;

// User → agent: open mandates with constraints (amounts as decimal strings, stored as minor units).
const l2 = issueL2Autonomous({
  userKey: user,
  l1,
  aud: 'https://agent.example',
  pairs: [
    {
      agentKey: agent.publicJwk,
      merchants: [shop],
      lineItems: [
        { id: 'line-1', acceptableItems: [{ id: 'BAB86345', title: 'Pure Aero' }], quantity: 1 },
      ],
      paymentInstrument: { type: 'mastercard.srcDigitalCard', id: 'tok-1' },
      amount: { currency: 'USD', min: '100.00', max: '400.00' },
      budget: { currency: 'USD', max: '400.00' },
    },
  ],
});

// Merchant signs the cart; agent fulfils pair 0 with L3a + L3b.
const cart = createCheckoutJwt({
  merchantKey: shopKey,
  merchant: shop,
  checkoutId: 'c-1',
  currency: 'USD',
  items: [{ id: 'BAB86345', title: 'Pure Aero', quantity: 1, unitPrice: '279.99' }],
});
const l3 = issueL3Pair({
  agentKey: agent,
  l2,
  pairIndex: 0,
  checkoutJwt: cart.jwt,
  networkAud: 'https://network.example',
  merchantAud: shop.website,
});

// Each party gets its own view, and verifies it.
const trust = {
  issuer_jwks: { keys: [issuer.publicJwk] },
  merchant_jwks: { keys: [shopKey.publicJwk] },
};
const atMerchant = await verifyPresentation(
  presentToMerchant({ l1, l2, pairIndex: 0, l3 }, { trust }),
  {
    issuerKeys: trust.issuer_jwks,
    merchantKeys: trust.merchant_jwks,
  },
);
const atNetwork = await verifyPresentation(
  presentToNetwork({ l1, l2, pairIndex: 0, l3 }, { trust }),
  { issuerKeys: trust.issuer_jwks },
); // trust from your configuration, not the bundle
console.log(atMerchant.valid, atNetwork.valid, atNetwork.pairs[0]?.payment_values); // true true { amount: 27999, … }
