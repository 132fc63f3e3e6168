/**
 * A user's wallet: a device-bound key that cannot be exported, the L1 the card
 * issuer binds to it, and the three things the wallet signs: an Immediate L2
 * (the user confirms one checkout), an Autonomous L2 (open mandates for an
 * agent), and a revocation. docs/parties/wallet.md walks through it.
 * Run: npx tsx examples/wallet.ts
 */
import {
  generateWebCryptoSigner,
  issueL1,
  issueL2AutonomousAsync,
  issueL2ImmediateAsync,
  issueRevocationAsync,
  presentToMerchant,
  verifyPresentation,
} from 'vintent';
import { card, givenCart, keys, racket, shop, step } from './scene.js';

// 1. The key: WebCrypto, non-extractable (a browser, an extension, Deno, Node, Bun).
const wallet = await generateWebCryptoSigner('wallet-key-1');
step('non-extractable key', wallet.cryptoKey.extractable === false, { kid: wallet.kid });

// 2. The issuer binds the card to wallet.publicJwk (examples/issuer.ts); the wallet keeps the L1 as received.
const l1 = await issueL1({
  issuerKey: keys.issuer,
  iss: 'https://bank.example',
  sub: 'user-1',
  userPublicJwk: wallet.publicJwk,
  panLastFour: '4242',
  scheme: 'mastercard',
  email: 'alice@example.com',
});

// 3a. Immediate: the user confirms this very cart, paid with this card, to this payee.
const cart = givenCart('order-7');
const immediate = await issueL2ImmediateAsync({
  userKey: wallet,
  l1,
  aud: 'https://agent.example',
  pairs: [{ checkoutJwt: cart, paymentInstrument: card, payee: shop }],
});
const trust = {
  issuer_jwks: { keys: [keys.issuer.publicJwk] },
  merchant_jwks: { keys: [keys.shop.publicJwk] },
};
const atMerchant = await verifyPresentation(
  presentToMerchant({ l1, l2: immediate, pairIndex: 0 }, { trust }),
  { issuerKeys: trust.issuer_jwks, merchantKeys: trust.merchant_jwks, role: 'merchant' },
);
step('Immediate L2: the merchant accepts the confirmed cart', atMerchant.valid, atMerchant.errors);

// 3b. Autonomous: open mandates for the agent's key, bounded by constraints.
const autonomous = await issueL2AutonomousAsync({
  userKey: wallet,
  l1,
  aud: 'https://agent.example',
  // The April default layout: every digest once, so generic SD-JWT verifiers accept it too.
  pairs: [
    {
      agentKey: keys.agent.publicJwk,
      merchants: [shop],
      lineItems: [{ id: 'line-1', acceptableItems: [racket], quantity: 1 }],
      paymentInstrument: card,
      amount: { currency: 'USD', max: '400.00' },
      budget: { currency: 'USD', max: '400.00' },
      promptSummary: 'one racket, at most 400 USD',
    },
  ],
});
step('Autonomous L2 for the agent', autonomous.pairs.length === 1, {
  agent: autonomous.pairs[0]!.agentKid,
});

// 4. Changing one's mind: a revocation the network checks against this same key.
const revocation = await issueRevocationAsync({
  userKey: wallet,
  l2: autonomous.serialized,
  reason: 'user cancelled',
});
step('revocation signed', revocation.split('.').length === 3);
