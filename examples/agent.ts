/**
 * An agent: it holds its own key and the L2 the wallet delegated to it, takes
 * the merchant's signed cart, signs the L3 pair, and hands each party only its
 * view. docs/parties/agent.md walks through it. Run: npx tsx examples/agent.ts
 */
import {
  generateWebCryptoSigner,
  issueL3Pair,
  issueL3PairAsync,
  presentToMerchant,
  presentToNetwork,
  readL2,
  VIError,
} from 'vintent';
import { givenCart, givenL1, givenL2, keys, NETWORK_AUD, shop, step } from './scene.js';

// What the agent was given: the L1 (as the wallet presents it) and the L2 string.
const l1 = await givenL1();
const l2 = readL2(givenL2(l1).serialized); // a string off the wire, read back into its pairs
if (l2.mode !== 'autonomous') throw new Error('an agent is delegated an Autonomous L2');
const cart = givenCart('order-42');

// 1. The L3 pair: L3a for the network, L3b for the merchant, bound by one checkout hash.
const l3 = issueL3Pair({
  agentKey: keys.agent, // the key L2 cnf names; a local key signs synchronously
  l2,
  pairIndex: 0,
  checkoutJwt: cart,
  networkAud: NETWORK_AUD,
  merchantAud: shop.website,
});
step('L3 pair signed', l3.payment.length > 0 && l3.checkout.length > 0);

// 2. Each party gets its view and nothing more.
const trust = {
  issuer_jwks: { keys: [keys.issuer.publicJwk] },
  merchant_jwks: { keys: [keys.shop.publicJwk] },
};
const toMerchant = presentToMerchant({ l1, l2, pairIndex: 0, l3 }, { trust });
const toNetwork = presentToNetwork({ l1, l2, pairIndex: 0, l3 }, { trust });
step('merchant view: L3b only', toMerchant.l3?.every((e) => e.payment === undefined) === true);
step('network view: L3a only', toNetwork.l3?.every((e) => e.checkout === undefined) === true);

// 3. A cart the mandate does not allow is refused at the agent, before anyone sees it.
try {
  issueL3Pair({
    agentKey: keys.agent,
    l2,
    pairIndex: 0,
    checkoutJwt: givenCart('order-43', '450.00'),
    networkAud: NETWORK_AUD,
    merchantAud: shop.website,
  });
  step('an over-limit cart is refused', false);
} catch (e) {
  step('an over-limit cart is refused', e instanceof VIError, (e as VIError).code);
}

// 4. Off Node, or with the key in a keystore: a WebCrypto signer, and the …Async issuer awaited once.
const webAgent = await generateWebCryptoSigner();
const l3Web = await issueL3PairAsync({
  agentKey: webAgent,
  l2: givenL2(l1, webAgent.publicJwk), // the wallet delegated to this key
  pairIndex: 0,
  checkoutJwt: cart,
  networkAud: NETWORK_AUD,
  merchantAud: shop.website,
});
step('a WebCrypto agent key signs the pair', l3Web.payment.split('.').length === 3);
