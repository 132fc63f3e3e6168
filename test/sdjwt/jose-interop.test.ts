/**
 * Our node:crypto JOSE primitives agree with an independent implementation
 * (jose): thumbprints, and ES256 JWS in both directions.
 */
import { CompactSign, calculateJwkThumbprint, compactVerify, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { signJwt } from '../../src/sdjwt/build.js';
import {
  exportPrivateJwk,
  generateSigningKey,
  jwkThumbprint,
  sharedKeyCache,
  verifyEs256,
} from '../../src/sdjwt/keys.js';
import { parseJwt } from '../../src/sdjwt/parse.js';

describe('JOSE interop with jose', () => {
  const key = generateSigningKey('k-1');

  it('RFC 7638 thumbprints match', async () => {
    expect(jwkThumbprint(key.publicJwk)).toBe(
      await calculateJwkThumbprint({
        kty: 'EC',
        crv: 'P-256',
        x: key.publicJwk.x,
        y: key.publicJwk.y,
      }),
    );
  });

  it('a JWS we sign verifies with jose', async () => {
    const jws = signJwt(
      { alg: 'ES256', typ: 'kb-sd-jwt', kid: key.kid },
      { nonce: 'n', iat: 1 },
      key,
    );
    const pub = await importJWK({ ...key.publicJwk }, 'ES256');
    const { payload, protectedHeader } = await compactVerify(jws, pub);
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ nonce: 'n', iat: 1 });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: 'k-1' });
  });

  it('a JWS jose signs verifies with our verifier', async () => {
    const priv = await importJWK(exportPrivateJwk(key) as never, 'ES256');
    const jws = await new CompactSign(new TextEncoder().encode('{"a":1}'))
      .setProtectedHeader({ alg: 'ES256' })
      .sign(priv);
    const parsed = parseJwt(jws, 'l2');
    expect(
      verifyEs256(parsed.signingInput, parsed.signature, sharedKeyCache.import(key.publicJwk)),
    ).toBe(true);
    expect(
      verifyEs256(
        parsed.signingInput,
        Buffer.from(parsed.signature).reverse(),
        sharedKeyCache.import(key.publicJwk),
      ),
    ).toBe(false);
  });
});
