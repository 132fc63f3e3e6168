/**
 * issueStandardSdJwt against @sd-jwt/core: the reference library reads our
 * output, verifies its signature and resolves its disclosure, and our layout
 * (header and payload member order, sorted `_sd`, `_sd_alg`) is the one its own
 * `issue` produces for the same input.
 */
import { createHash } from 'node:crypto';
import { SDJwtInstance } from '@sd-jwt/core';
import { describe, expect, it } from 'vitest';
import { newSalt } from '../../src/sdjwt/build.js';
import {
  generateSigningKey,
  PublicKeyCache,
  signEs256,
  verifyEs256,
} from '../../src/sdjwt/keys.js';
import { issueStandardSdJwt } from '../../src/sdjwt/signer.js';

const key = generateSigningKey('std-issuer');
const pub = new PublicKeyCache().import(key.publicJwk);
const reference = new SDJwtInstance({
  signer: (data: string) => Buffer.from(signEs256(data, key.privateKey)).toString('base64url'),
  verifier: (data: string, sig: string) => verifyEs256(data, Buffer.from(sig, 'base64url'), pub),
  signAlg: 'ES256',
  hasher: (data: string | ArrayBuffer) =>
    new Uint8Array(
      createHash('sha256')
        .update(typeof data === 'string' ? data : Buffer.from(data))
        .digest(),
    ),
  hashAlg: 'sha-256',
  saltGenerator: () => newSalt(),
});
const header = { alg: 'ES256', typ: 'sd+jwt', kid: 'std-issuer' };
const now = Math.floor(Date.now() / 1000);
const payload = {
  iss: 'https://issuer.example',
  sub: 'u',
  iat: now - 10,
  exp: now + 3600,
  cnf: { jwk: { kty: 'EC' } },
  email: 'a@b.example',
  scheme: 'x',
};
const decodePart = (jwt: string, i: number) =>
  JSON.parse(
    Buffer.from(jwt.split('~')[0]!.split('.')[i]!, 'base64url').toString('utf8'),
  ) as Record<string, unknown>;

describe('issueStandardSdJwt', () => {
  it('is read, verified and resolved by @sd-jwt/core', async () => {
    const sdJwt = issueStandardSdJwt(header, payload, ['email'], key);
    expect(sdJwt.endsWith('~')).toBe(true);
    const verified = await reference.verify(sdJwt);
    expect(verified.payload).toMatchObject(payload);
  });

  it('has the layout @sd-jwt/core issues', async () => {
    const ours = issueStandardSdJwt(header, payload, ['email'], key);
    const theirs = await reference.issue(payload as never, { _sd: ['email'] } as never, { header });
    // Same header members; ours keep the caller's order (alg, typ, kid, as the upstream April vectors pin), @sd-jwt/core moves typ first.
    expect(Object.keys(decodePart(ours, 0))).toEqual(Object.keys(header));
    expect(decodePart(ours, 0)).toEqual(decodePart(theirs, 0));
    const [p, q] = [decodePart(ours, 1), decodePart(theirs, 1)];
    expect(Object.keys(p)).toEqual(Object.keys(q));
    expect({ ...p, _sd: undefined }).toEqual({ ...q, _sd: undefined });
    expect((p._sd as string[]).length).toBe(1);
    expect(ours.split('~').length).toBe(theirs.split('~').length);
  });

  it('without selectively disclosable claims: no disclosure, the payload as given plus _sd_alg', async () => {
    const plain = { iss: 'https://issuer.example', sub: 'u', _sd: [] };
    const ours = issueStandardSdJwt(header, plain, ['email'], key);
    const theirs = await reference.issue(plain as never, { _sd: [] } as never, { header });
    expect(ours.split('~')).toHaveLength(2);
    expect(decodePart(ours, 1)).toEqual(decodePart(theirs, 1));
    expect(Object.keys(decodePart(ours, 1))).toEqual(Object.keys(decodePart(theirs, 1)));
  });

  it('sorts the _sd digests', () => {
    const many = issueStandardSdJwt(header, { a: 1, b: 2, c: 3, d: 4 }, ['a', 'b', 'c', 'd'], key);
    const sd = decodePart(many, 1)._sd as string[];
    expect(sd).toEqual([...sd].sort());
    expect(many.split('~')).toHaveLength(6);
  });
});

describe('disclosure encoding', () => {
  it('is byte for byte what @sd-jwt/utils encodes, for any JSON value', async () => {
    const { Disclosure } = await import('@sd-jwt/utils');
    const { makeArrayDisclosure, makePropertyDisclosure } = await import(
      '../../src/sdjwt/build.js'
    );
    const { decodeBase64url } = await import('../../src/sdjwt/base64url.js');
    const fc = (await import('fast-check')).default;
    fc.assert(
      // Non-empty names: the reference drops an empty claim name when it re-encodes.
      fc.property(fc.string({ minLength: 1 }), fc.jsonValue(), (name, value) => {
        for (const d of [makePropertyDisclosure(name, value), makeArrayDisclosure(value)]) {
          const parts = JSON.parse(
            Buffer.from(decodeBase64url(d.encoded)!).toString('utf8'),
          ) as unknown[];
          expect(d.encoded).toBe(Disclosure.fromArray(parts as never).encode());
        }
      }),
      { numRuns: 300 },
    );
  });
});
