/**
 * Algorithm confusion (security-model.md §4.5) and signature encodings:
 * only ES256 with a raw 64-byte r||s signature over P-256 verifies, at every
 * layer, whatever the header says.
 */
import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { autonomousBundle, chainKeys, immediateBundle } from '../fixtures/raw-chain.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';
import {
  es256Der,
  es256Raw,
  expectRefused,
  headerOf,
  hs256,
  type Obj,
  p384Key,
  resignSdJwt,
  unsigned,
} from './helpers.js';

const keys = chainKeys();
const issuerPub = createPublicKey(keys.issuer.privateKey);
/** Everything an attacker might feed an HMAC as "the public key". */
const PUBLIC_KEY_SECRETS: [string, string | Buffer][] = [
  ['the JWK JSON', JSON.stringify(keys.issuer.publicJwk)],
  ['the SPKI PEM', issuerPub.export({ type: 'spki', format: 'pem' }) as string],
  ['the SPKI DER', issuerPub.export({ type: 'spki', format: 'der' })],
  [
    'the raw point 04||x||y',
    Buffer.concat([
      Buffer.from([4]),
      Buffer.from(keys.issuer.publicJwk.x, 'base64url'),
      Buffer.from(keys.issuer.publicJwk.y, 'base64url'),
    ]),
  ],
];

/** Rewrite L1's JWT with another header and signer; L2 and below are rebuilt over it, so only L1 is wrong. */
const l1With = (header: (h: Obj) => Obj, signer = es256Raw(keys.issuer.privateKey)) =>
  immediateBundle({ l1Serialized: (s) => resignSdJwt(s, header(headerOf(s)), signer) });

describe('alg: none', () => {
  for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
    it(`L1 with alg "${alg}" and an empty signature → ALG_NOT_ALLOWED`, async () => {
      expectRefused(
        await verifyPresentation(l1With((h) => ({ ...h, alg }), unsigned)),
        'ALG_NOT_ALLOWED',
        'l1',
      );
    });
  }
  it('L1 with alg "none" but a valid ES256 signature kept → ALG_NOT_ALLOWED (the header is never ignored)', async () => {
    expectRefused(
      await verifyPresentation(l1With((h) => ({ ...h, alg: 'none' }))),
      'ALG_NOT_ALLOWED',
      'l1',
    );
  });
  it('Immediate L2 (network view) with alg none → ALG_NOT_ALLOWED', async () => {
    const b = immediateBundle({}, 'network');
    b.l2 = resignSdJwt(b.l2, { ...headerOf(b.l2), alg: 'none' }, unsigned);
    expectRefused(await verifyPresentation(b), 'ALG_NOT_ALLOWED', 'l2');
  });
  it('L3a with alg none → ALG_NOT_ALLOWED', async () => {
    const b = autonomousBundle({}, 'network');
    const l3a = b.l3![0]!.payment!;
    b.l3![0]!.payment = resignSdJwt(l3a, { ...headerOf(l3a), alg: 'none' }, unsigned);
    expectRefused(await verifyPresentation(b), 'ALG_NOT_ALLOWED', 'l3a');
  });
  it('alg missing, lower-case, padded or not a string → ALG_NOT_ALLOWED', async () => {
    for (const alg of [undefined, 'es256', 'ES256 ', ['ES256'], { alg: 'ES256' }]) {
      expectRefused(
        await verifyPresentation(l1With((h) => ({ ...h, alg }))),
        'ALG_NOT_ALLOWED',
        'l1',
      );
    }
  });
});

describe('HS256 with the public key as HMAC secret', () => {
  for (const [what, secret] of PUBLIC_KEY_SECRETS) {
    it(`L1 HMAC'd with ${what} → ALG_NOT_ALLOWED`, async () => {
      expectRefused(
        await verifyPresentation(l1With((h) => ({ ...h, alg: 'HS256' }), hs256(secret))),
        'ALG_NOT_ALLOWED',
        'l1',
      );
    });
    it(`L1 HMAC'd with ${what} but labelled ES256 → L1_SIGNATURE_INVALID`, async () => {
      expectRefused(
        await verifyPresentation(l1With((h) => h, hs256(secret))),
        'L1_SIGNATURE_INVALID',
        'l1',
      );
    });
  }
  it("Immediate L2 HMAC'd with the user key from L1 cnf → ALG_NOT_ALLOWED", async () => {
    const b = immediateBundle({}, 'network');
    b.l2 = resignSdJwt(
      b.l2,
      { ...headerOf(b.l2), alg: 'HS256' },
      hs256(JSON.stringify(keys.user.publicJwk)),
    );
    expectRefused(await verifyPresentation(b), 'ALG_NOT_ALLOWED', 'l2');
  });
  it("L3b HMAC'd with the agent key from L2 cnf → ALG_NOT_ALLOWED", async () => {
    const b = autonomousBundle({}, 'merchant');
    const l3b = b.l3![0]!.checkout!;
    b.l3![0]!.checkout = resignSdJwt(
      l3b,
      { ...headerOf(l3b), alg: 'HS256' },
      hs256(JSON.stringify(keys.agent.publicJwk)),
    );
    expectRefused(await verifyPresentation(b), 'ALG_NOT_ALLOWED', 'l3b');
  });
  it('other asymmetric labels (ES384, ES512, RS256, PS256, EdDSA) → ALG_NOT_ALLOWED', async () => {
    for (const alg of ['ES384', 'ES512', 'RS256', 'PS256', 'EdDSA', 'ES256K']) {
      expectRefused(
        await verifyPresentation(l1With((h) => ({ ...h, alg }))),
        'ALG_NOT_ALLOWED',
        'l1',
      );
    }
  });
});

describe('signature encoding', () => {
  it('L1 signed correctly but DER-encoded instead of raw r||s → L1_SIGNATURE_INVALID', async () => {
    expectRefused(
      await verifyPresentation(l1With((h) => h, es256Der(keys.issuer.privateKey))),
      'L1_SIGNATURE_INVALID',
      'l1',
    );
  });
  it('Immediate L2 DER-encoded → L2_SIGNATURE_INVALID', async () => {
    const b = immediateBundle({}, 'network');
    b.l2 = resignSdJwt(b.l2, headerOf(b.l2), es256Der(keys.user.privateKey));
    expectRefused(await verifyPresentation(b), 'L2_SIGNATURE_INVALID', 'l2');
  });
  it('L3a DER-encoded → L3_SIGNATURE_INVALID', async () => {
    const b = autonomousBundle({}, 'network');
    const l3a = b.l3![0]!.payment!;
    b.l3![0]!.payment = resignSdJwt(l3a, headerOf(l3a), es256Der(keys.agent.privateKey));
    expectRefused(await verifyPresentation(b), 'L3_SIGNATURE_INVALID', 'l3a');
  });
  it('the same signature re-encoded raw again is accepted (the DER test is not vacuous)', async () => {
    const b = immediateBundle({}, 'network');
    b.l2 = resignSdJwt(b.l2, headerOf(b.l2), es256Raw(keys.user.privateKey));
    expect((await verifyPresentation(b)).valid).toBe(true);
  });
});

describe('curves other than P-256', () => {
  it('L1 signed by a P-384 issuer key that the trust set lists → KEY_INVALID, never verified', async () => {
    const issuer384 = p384Key(keys.issuer.kid);
    const b = immediateBundle({ l1SignWith: issuer384 });
    b.trust!.issuer_jwks.keys = [issuer384.publicJwk as Obj];
    expectRefused(await verifyPresentation(b), 'KEY_INVALID', 'l1');
  });
  it('L1 signed ES384 by a P-384 key → ALG_NOT_ALLOWED', async () => {
    const issuer384 = p384Key(keys.issuer.kid);
    const b = immediateBundle({ l1Header: (h) => void (h.alg = 'ES384'), l1SignWith: issuer384 });
    b.trust!.issuer_jwks.keys = [issuer384.publicJwk as Obj];
    expectRefused(await verifyPresentation(b), 'ALG_NOT_ALLOWED', 'l1');
  });
  it('L1 cnf.jwk on P-384 → L1_CNF_INVALID', async () => {
    const user384 = p384Key('user-384');
    const { kid: _kid, ...bare } = user384.publicJwk as Obj;
    expectRefused(
      await verifyPresentation(immediateBundle({ l1Payload: (p) => void (p.cnf = { jwk: bare }) })),
      'L1_CNF_INVALID',
      'l1',
    );
  });
  it('agent cnf.jwk on P-384 in both Autonomous mandates → MANDATE_CNF_MISSING', async () => {
    const agent384 = p384Key('agent-384');
    const cnf = { jwk: agent384.publicJwk, kid: 'agent-384' };
    const b = autonomousBundle({
      checkoutMandate: (m) => void (m.cnf = cnf),
      paymentMandate: (m) => void (m.cnf = cnf),
    });
    expectRefused(await verifyPresentation(b), 'MANDATE_CNF_MISSING', 'l2');
  });
});
