/**
 * A card issuer: sign L1s with a key that never leaves its KMS, give each card
 * a status entry, publish the status list and the public keys verifiers use.
 * docs/parties/issuer.md walks through it. Run: npx tsx examples/issuer.ts
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import {
  derToRawEs256,
  IssuerStatusList,
  issueL1,
  presentToNetwork,
  type RemoteSigner,
  statusClaim,
  verifyPresentation,
} from 'vintent';
import { givenCart, givenL2, givenL3, keys, NETWORK_AUD, step } from './scene.js';

// The KMS stand-in: a P-256 key that only answers DER ECDSA signatures, as cloud KMSs do.
const kmsKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const kms = { sign: async (input: Uint8Array) => sign('sha256', input, kmsKey.privateKey) };
const publicJwk = { ...kmsKey.publicKey.export({ format: 'jwk' }), kid: 'issuer-kms-2026' };

// 1. The signer: kid, public JWK, and sign() returning raw r‖s (DER converted).
const issuerKey: RemoteSigner = {
  kid: publicJwk.kid,
  publicJwk: publicJwk as RemoteSigner['publicJwk'],
  sign: async (input) => derToRawEs256(await kms.sign(input)),
};

// 2. A status list with an entry for the card, and the L1 that points at it.
const statusList = new IssuerStatusList({ uri: 'https://bank.example/status/1', size: 1024 });
const entry = statusList.allocate();
const l1 = await issueL1({
  issuerKey,
  iss: 'https://bank.example',
  sub: 'user-1',
  userPublicJwk: keys.user.publicJwk, // the wallet's key: it signs every L2
  panLastFour: '4242',
  scheme: 'mastercard',
  email: 'alice@example.com', // selectively disclosable: the wallet decides who sees it
  extraClaims: statusClaim(entry),
});
step('L1 issued with a status entry', l1.split('~').length === 3, { idx: entry.idx });

// 3. What verifiers fetch: the JWK Set (serve it at /.well-known/jwks.json) and the status token.
const jwks = { keys: [issuerKey.publicJwk] };
const statusToken = await statusList.publishAsync({ issuerKey, ttl: 300 });
step('status list token signed', statusToken.split('.').length === 3);

// 4. A network configured with that JWK Set accepts a purchase made under this L1.
const l2 = givenL2(l1);
const l3 = givenL3(l2, givenCart());
const bundle = presentToNetwork({ l1, l2, pairIndex: 0, l3 }, { trust: { issuer_jwks: jwks } });
const verdict = await verifyPresentation(bundle, {
  issuerKeys: jwks,
  role: 'network',
  expect: { l3a: { aud: NETWORK_AUD } },
});
step('a network with the published keys accepts it', verdict.valid, verdict.errors);

// 5. Revoking the card is one entry: publish the list again.
statusList.set(entry.idx, 'invalid');
const next = await statusList.publishAsync({ issuerKey, ttl: 300 });
step('card revoked in the next token', statusList.get(entry.idx) === 1 && next !== statusToken);
