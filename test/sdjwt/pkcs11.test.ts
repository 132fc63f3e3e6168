/**
 * src/sdjwt/pkcs11.ts against a real SoftHSM2 token (Debian `softhsm2`, and
 * `pkcs11-tool` from `opensc` to make the key pair inside it; `.ci/run`
 * installs both). The key never leaves the token: an L1 and a whole chain
 * signed there verify with vintent, and the L1's JWS verifies with jose.
 * Skipped, saying why, where SoftHSM or pkcs11js is missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckoutJwt } from '../../src/issue/checkout.js';
import { issueL1 } from '../../src/issue/l1.js';
import { issueL2Autonomous } from '../../src/issue/l2-autonomous.js';
import { issueL3Pair } from '../../src/issue/l3.js';
import { presentToNetwork } from '../../src/present/index.js';
import { generateSigningKey } from '../../src/sdjwt/keys.js';
import { openPkcs11Signer, type Pkcs11Signer } from '../../src/sdjwt/pkcs11.js';
import { verifyPresentation } from '../../src/verify/index.js';

const MODULE = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
].find(existsSync);
const tools =
  spawnSync('softhsm2-util', ['--version']).status === 0 &&
  spawnSync('pkcs11-tool', ['--help']).status !== null &&
  spawnSync('pkcs11-tool', ['--help']).error === undefined;
const binding = (() => {
  try {
    createRequire(import.meta.url)('pkcs11js');
    return true;
  } catch {
    return false;
  }
})();
const why = !MODULE
  ? 'no libsofthsm2.so (apt install softhsm2)'
  : !tools
    ? 'softhsm2-util or pkcs11-tool missing (apt install softhsm2 opensc)'
    : !binding
      ? 'pkcs11js not installed'
      : '';
if (why) console.warn(`pkcs11.test: skipped: ${why}`);

const PIN = '1234';
const T = Math.floor(Date.now() / 1000) - 60;

describe.skipIf(why !== '')(
  `PKCS#11 signer on a SoftHSM2 token${why ? ` (skipped: ${why})` : ''}`,
  () => {
    let dir: string;
    let issuer: Pkcs11Signer;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'vintent-softhsm-'));
      mkdirSync(join(dir, 'tokens'));
      writeFileSync(
        join(dir, 'softhsm2.conf'),
        `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\n`,
      );
      // SoftHSM reads its configuration from the environment, in this process (pkcs11js) as in the tools.
      process.env.SOFTHSM2_CONF = join(dir, 'softhsm2.conf');
      const env = { ...process.env };
      execFileSync(
        'softhsm2-util',
        ['--init-token', '--free', '--label', 'vintent-issuer', '--so-pin', '0000', '--pin', PIN],
        { env, stdio: 'ignore' },
      );
      execFileSync(
        'pkcs11-tool',
        [
          '--module',
          MODULE!,
          '--token-label',
          'vintent-issuer',
          '--login',
          '--pin',
          PIN,
          '--keypairgen',
          '--key-type',
          'EC:prime256v1',
          '--label',
          'l1-key',
          '--id',
          '01',
        ],
        { env, stdio: 'ignore' },
      );
      issuer = openPkcs11Signer({
        library: MODULE!,
        tokenLabel: 'vintent-issuer',
        pin: PIN,
        keyLabel: 'l1-key',
        kid: 'hsm-issuer-1',
      });
    });
    afterAll(() => {
      issuer?.close();
      delete process.env.SOFTHSM2_CONF;
      rmSync(dir, { recursive: true, force: true });
    });

    it('signs an L1 inside the token that verifies with jose and, as a chain, with vintent', async () => {
      expect(issuer.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: 'hsm-issuer-1' });
      const user = generateSigningKey('user-1');
      const agent = generateSigningKey('agent-1');
      const merchant = generateSigningKey('merchant-1');
      const l1 = await issueL1({
        issuerKey: issuer,
        iss: 'https://issuer.example',
        sub: 'u',
        userPublicJwk: user.publicJwk,
        panLastFour: '4242',
        scheme: 'mastercard',
        iat: T,
      });
      const jws = l1.split('~')[0]!;
      const { protectedHeader } = await compactVerify(
        jws,
        await importJWK({ ...issuer.publicJwk, alg: 'ES256' }, 'ES256'),
      );
      expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'sd+jwt', kid: 'hsm-issuer-1' });

      const shop = { id: 'm-1', name: 'Shop', website: 'https://shop.example' };
      const card = {
        type: 'mastercard.srcDigitalCard',
        id: 'card-1',
        description: 'Mastercard **** 4242',
      };
      const item = { id: 'SKU-1', title: 'Racket' };
      const l2 = issueL2Autonomous({
        userKey: user,
        l1,
        aud: 'https://agent.example',
        iat: T,
        pairs: [
          {
            agentKey: agent.publicJwk,
            merchants: [shop],
            lineItems: [{ id: 'l', acceptableItems: [item], quantity: 1 }],
            paymentInstrument: card,
            amount: { currency: 'USD', max: 40000 },
          },
        ],
      });
      const checkout = createCheckoutJwt({
        merchantKey: merchant,
        merchant: shop,
        checkoutId: 'c',
        currency: 'USD',
        items: [{ ...item, quantity: 1, unitPrice: 27999 }],
        iat: T,
      });
      const l3 = issueL3Pair({
        agentKey: agent,
        l2,
        pairIndex: 0,
        checkoutJwt: checkout.jwt,
        networkAud: 'https://network.example',
        merchantAud: 'https://shop.example',
        iat: T + 10,
      });
      const bundle = presentToNetwork(
        { l1, l2, pairIndex: 0, l3 },
        { trust: { issuer_jwks: { keys: [issuer.publicJwk] } } },
      );
      const r = await verifyPresentation(
        { ...bundle, trust: undefined, at: undefined },
        { issuerKeys: { keys: [issuer.publicJwk] }, merchantKeys: { keys: [merchant.publicJwk] } },
      );
      expect(r.errors).toEqual([]);
      expect(r.valid).toBe(true);
    });

    it('refuses a key that is not on the token, and a wrong PIN, with KEY_INVALID', () => {
      expect(() =>
        openPkcs11Signer({
          library: MODULE!,
          tokenLabel: 'vintent-issuer',
          pin: PIN,
          keyLabel: 'nope',
          kid: 'x',
        }),
      ).toThrow(expect.objectContaining({ code: 'KEY_INVALID' }));
      expect(() =>
        openPkcs11Signer({
          library: MODULE!,
          tokenLabel: 'vintent-issuer',
          pin: '9999',
          keyLabel: 'l1-key',
          kid: 'x',
        }),
      ).toThrow(expect.objectContaining({ code: 'KEY_INVALID' }));
      // The signer still works after other sessions on the module came and went.
      expect(issuer.sign(new TextEncoder().encode('a.b'))).toHaveLength(64);
    });
  },
);
