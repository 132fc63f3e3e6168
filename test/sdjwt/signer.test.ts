/**
 * src/sdjwt/signer.ts: every issuer signs through a Signer. A chain issued
 * entirely with non-extractable WebCrypto keys (a wallet's, an HSM-like
 * issuer's) verifies; a signer with the wrong key, or one that answers in
 * DER, is refused at its first signature with KEY_INVALID.
 */
import { createSign, generateKeyPairSync, verify, webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCheckoutJwt, createCheckoutJwtAsync } from '../../src/issue/checkout.js';
import { issueL1 } from '../../src/issue/l1.js';
import { issueL2AutonomousAsync } from '../../src/issue/l2-autonomous.js';
import { issueL2ImmediateAsync } from '../../src/issue/l2-immediate.js';
import { issueL3PairAsync } from '../../src/issue/l3.js';
import { issueRevocationAsync } from '../../src/issue/revocation.js';
import { presentToMerchant, presentToNetwork } from '../../src/present/index.js';
import { generateSigningKey, type PublicJwk } from '../../src/sdjwt/keys.js';
import { derToRawEs256, type RemoteSigner, webCryptoSigner } from '../../src/sdjwt/signer.js';
import { signStatusListTokenAsync } from '../../src/sdjwt/status-list.js';
import { verifyPresentation } from '../../src/verify/index.js';

const T = Math.floor(Date.now() / 1000) - 60;
const shop = { id: 'm-1', name: 'Shop', website: 'https://shop.example' };
const card = {
  type: 'mastercard.srcDigitalCard',
  id: 'card-1',
  description: 'Mastercard **** 4242',
};
const racket = { id: 'SKU-1', title: 'Racket' };

/** A non-extractable P-256 key in WebCrypto, as a wallet or an HSM-backed issuer holds it. */
async function vaultKey(kid: string): Promise<RemoteSigner> {
  const pair = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ]);
  expect(pair.privateKey.extractable).toBe(false);
  return webCryptoSigner(
    pair.privateKey,
    await webcrypto.subtle.exportKey('jwk', pair.publicKey),
    kid,
  );
}

describe('signers', () => {
  it('issues a whole Autonomous chain with non-extractable WebCrypto keys, and each role verifies it', async () => {
    const [issuer, user, agent, merchant] = await Promise.all(
      ['issuer-1', 'user-1', 'agent-1', 'merchant-1'].map(vaultKey),
    );
    const l1 = await issueL1({
      issuerKey: issuer!,
      iss: 'https://issuer.example',
      sub: 'u',
      userPublicJwk: user!.publicJwk,
      panLastFour: '4242',
      scheme: 'mastercard',
      iat: T,
    });
    const l2 = await issueL2AutonomousAsync({
      userKey: user!,
      l1,
      aud: 'https://agent.example',
      iat: T,
      pairs: [
        {
          agentKey: agent!.publicJwk,
          merchants: [shop],
          lineItems: [{ id: 'line-1', acceptableItems: [racket], quantity: 1 }],
          paymentInstrument: card,
          amount: { currency: 'USD', min: 100, max: 40000 },
        },
      ],
    });
    const checkout = await createCheckoutJwtAsync({
      merchantKey: merchant!,
      merchant: shop,
      checkoutId: 'c-1',
      currency: 'USD',
      items: [{ ...racket, quantity: 1, unitPrice: 27999 }],
      iat: T + 10,
    });
    const l3 = await issueL3PairAsync({
      agentKey: agent!,
      l2,
      pairIndex: 0,
      checkoutJwt: checkout.jwt,
      networkAud: 'https://network.example',
      merchantAud: 'https://shop.example',
      iat: T + 20,
    });
    const trust = { issuer_jwks: { keys: [issuer!.publicJwk] } };
    const options = {
      issuerKeys: { keys: [issuer!.publicJwk] },
      merchantKeys: { keys: [merchant!.publicJwk] },
    };
    for (const bundle of [
      presentToNetwork({ l1, l2, pairIndex: 0, l3 }, { trust }),
      presentToMerchant({ l1, l2, pairIndex: 0, l3 }, { trust }),
    ]) {
      const r = await verifyPresentation({ ...bundle, trust: undefined, at: undefined }, options);
      expect(r.errors).toEqual([]);
      expect(r.valid).toBe(true);
    }
    // An Immediate L2, a revocation and a status list token sign through the same seam.
    const immediate = await issueL2ImmediateAsync({
      userKey: user!,
      l1,
      aud: 'https://network.example',
      iat: T,
      pairs: [{ checkoutJwt: checkout.jwt, paymentInstrument: card, payee: shop }],
    });
    const ri = await verifyPresentation(
      presentToNetwork({ l1, l2: immediate, pairIndex: 0 }, { trust }),
      { ...options, role: 'network' },
    );
    expect(ri.valid).toBe(true);
    expect(await issueRevocationAsync({ userKey: user!, l2: l2.serialized })).toMatch(
      /^[\w-]+\.[\w-]+\.[\w-]{86}$/,
    );
    expect(
      await signStatusListTokenAsync({
        issuerKey: issuer!,
        uri: 'https://issuer.example/s/1',
        statuses: [0, 1],
        bits: 1,
        iat: T,
      }),
    ).toMatch(/^eyJ/);
  });

  it('refuses, at the first signature, a signer whose signatures are not made with its public JWK', async () => {
    const real = await vaultKey('merchant-1');
    const other = generateSigningKey('other');
    const liar: RemoteSigner = {
      kid: 'merchant-1',
      publicJwk: other.publicJwk,
      sign: (input) => real.sign(input),
    };
    await expect(
      createCheckoutJwtAsync({
        merchantKey: liar,
        merchant: shop,
        checkoutId: 'c',
        currency: 'USD',
        items: [{ ...racket, quantity: 1, unitPrice: 100 }],
      }),
    ).rejects.toMatchObject({
      code: 'KEY_INVALID',
    });
  });

  it('refuses a DER signature with KEY_INVALID (expected 64 bytes), and derToRawEs256 converts it', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' }) as PublicJwk;
    const der = (input: Uint8Array) =>
      new Uint8Array(createSign('sha256').update(input).sign(privateKey));
    const input = {
      merchant: shop,
      checkoutId: 'c',
      currency: 'USD',
      items: [{ ...racket, quantity: 1, unitPrice: 100 }],
    };
    const derSigner: RemoteSigner = {
      kid: 'kms-1',
      publicJwk: { ...jwk, kid: 'kms-1' },
      sign: der,
    };
    await expect(
      createCheckoutJwtAsync({ ...input, merchantKey: derSigner }),
    ).rejects.toMatchObject({ code: 'KEY_INVALID', expected: 64 });
    const kms: RemoteSigner = {
      kid: 'kms-2',
      publicJwk: { ...jwk, kid: 'kms-2' },
      sign: async (i) => derToRawEs256(der(i)),
    };
    const { jwt } = await createCheckoutJwtAsync({ ...input, merchantKey: kms });
    expect(jwt.split('.')).toHaveLength(3);
    // Many DER signatures (short r or s included) convert to the r‖s that verifies.
    for (let n = 0; n < 200; n++) {
      const data = new Uint8Array([n]);
      const raw = derToRawEs256(der(data));
      expect(raw).toHaveLength(64);
      expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
    }
    expect(() => derToRawEs256(new Uint8Array([0x30, 0x02, 0x02, 0x00]))).toThrow(
      expect.objectContaining({ code: 'KEY_INVALID' }),
    );
  });

  it('tells a caller that handed a waiting signer to a synchronous issuer to use the Async one', async () => {
    const wallet = await vaultKey('merchant-1');
    expect(() =>
      createCheckoutJwt({
        merchantKey: wallet as never,
        merchant: shop,
        checkoutId: 'c',
        currency: 'USD',
        items: [{ ...racket, quantity: 1, unitPrice: 100 }],
      }),
    ).toThrow(expect.objectContaining({ code: 'ARGUMENT_INVALID' }));
  });
});
