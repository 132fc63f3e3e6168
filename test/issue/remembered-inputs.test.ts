/**
 * What issuers remember between calls by value (accepted key coordinates,
 * encoded JWS headers) never lets a different input through: each test
 * first has the value remembered, then hands in a variant that must be
 * judged on its own.
 */
import { describe, expect, it } from 'vitest';
import { publicKey } from '../../src/issue/common.js';
import { agentCnf, VI_2026_02, VI_2026_04 } from '../../src/profiles/profile.js';
import { encodeEs256Header, encodeJwtHeader } from '../../src/sdjwt/build.js';
import { generateSigningKey } from '../../src/sdjwt/keys.js';
import { codeOf } from './fixtures.js';

describe('accepted public key coordinates', () => {
  const key = generateSigningKey('k-remembered').publicJwk;
  const bare = { kty: 'EC', crv: 'P-256', x: key.x, y: key.y };

  it('accept the same key again, as the object handed in', () => {
    expect(publicKey(bare, 'cnf.jwk')).toBe(bare);
    const again = { ...bare };
    expect(publicKey(again, 'cnf.jwk')).toBe(again);
  });

  it('still refuse what a remembered x does not vouch for', async () => {
    publicKey(bare, 'cnf.jwk');
    const other = generateSigningKey('k-other').publicJwk;
    for (const variant of [
      { ...bare, y: other.y.slice(0, -1) }, // same x, a y that is not a coordinate
      { ...bare, y: `${key.y}A` },
      { ...bare, y: undefined },
      { ...bare, d: 'AAAA' }, // a private part
      { ...bare, kty: 'OKP' },
      { ...bare, crv: 'P-384' },
      [bare.kty, bare.crv, bare.x, bare.y],
    ]) {
      expect(await codeOf(() => publicKey(variant, 'cnf.jwk'))).toBe('KEY_INVALID');
    }
  });
});

describe('encoded ES256 headers', () => {
  it('are the encoding of {alg, typ, kid} for every (typ, kid), remembered or not', () => {
    for (let round = 0; round < 2; round++) {
      for (const typ of ['sd+jwt', 'kb-sd-jwt', 'JWT']) {
        for (const kid of ['a', 'b', 'a-longer-kid', undefined]) {
          expect(encodeEs256Header(typ, kid)).toBe(encodeJwtHeader({ alg: 'ES256', typ, kid }));
        }
      }
    }
    expect(
      JSON.parse(Buffer.from(encodeEs256Header('JWT', undefined), 'base64url').toString()),
    ).toEqual({ alg: 'ES256', typ: 'JWT' });
  });

  it('write a kid that is not a string as JSON.stringify would, without remembering it', () => {
    const kid = { id: 1 } as unknown as string;
    const first = encodeEs256Header('JWT', kid);
    (kid as unknown as { id: number }).id = 2;
    expect(encodeEs256Header('JWT', kid)).not.toBe(first);
    expect(encodeEs256Header('JWT', kid)).toBe(encodeJwtHeader({ alg: 'ES256', typ: 'JWT', kid }));
  });
});

describe('agentCnf', () => {
  const jwk = { kty: 'EC', crv: 'P-256', x: 'xx', y: 'yy' };
  it('puts the kid beside the key (February) or inside it (April), members in order', () => {
    expect(JSON.stringify(agentCnf(VI_2026_02, jwk, 'k'))).toBe(
      '{"jwk":{"kty":"EC","crv":"P-256","x":"xx","y":"yy"},"kid":"k"}',
    );
    expect(JSON.stringify(agentCnf(VI_2026_04, jwk, 'k'))).toBe(
      '{"jwk":{"kty":"EC","crv":"P-256","x":"xx","y":"yy","kid":"k"}}',
    );
  });
  it('copies an own __proto__ member as a member, never as the prototype', () => {
    const odd = JSON.parse('{"kty":"EC","__proto__":{"polluted":true}}') as Record<string, unknown>;
    const cnf = agentCnf(VI_2026_04, odd, 'k') as { jwk: Record<string, unknown> };
    expect(Object.getPrototypeOf(cnf.jwk)).toBe(Object.prototype);
    expect(JSON.stringify(cnf.jwk)).toBe('{"kty":"EC","__proto__":{"polluted":true},"kid":"k"}');
  });
});
