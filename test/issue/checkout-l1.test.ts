import { describe, expect, it } from 'vitest';
import { createCheckoutJwt, readCheckoutJwt } from '../../src/issue/checkout.js';
import { issueL1 } from '../../src/issue/l1.js';
import { PROFILE } from '../../src/profiles/profile.js';
import { sha256b64u } from '../../src/sdjwt/digest.js';
import { bareJwk } from '../../src/sdjwt/keys.js';
import {
  codeOf,
  decode,
  expect128BitSalt,
  issuerKey,
  makeL1,
  merchantKey,
  racket,
  T0,
  tennis,
  userKey,
} from './fixtures.js';

describe('createCheckoutJwt', () => {
  it('signs the interop checkout shape with an exact total', () => {
    const c = createCheckoutJwt({
      merchantKey,
      merchant: tennis,
      checkoutId: 'co-1',
      currency: 'USD',
      items: [
        { ...racket, quantity: 2, unitPrice: '279.99' },
        { id: 'GRIP', title: 'Overgrip', quantity: 3, unitPrice: 1 },
      ],
      iat: T0,
    });
    const d = decode(`${c.jwt}~`);
    expect(d.header).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'merchant-key-1' });
    expect(d.payload).toEqual({
      iss: tennis.website,
      sub: 'co-1',
      iat: T0,
      exp: T0 + 3600,
      merchant: tennis,
      cart: {
        items: [
          { ...racket, quantity: 2, unit_price: 27999 },
          { id: 'GRIP', title: 'Overgrip', quantity: 3, unit_price: 1 },
        ],
        currency: 'USD',
        total: 56001,
      },
    });
    expect(c.checkoutHash).toBe(sha256b64u(c.jwt));
    expect(readCheckoutJwt(c.jwt)).toEqual(c.payload);
  });

  it('refuses bad input', async () => {
    const base = {
      merchantKey,
      merchant: tennis,
      checkoutId: 'co',
      currency: 'USD',
      items: [{ ...racket, quantity: 1, unitPrice: '1' }],
    };
    expect(await codeOf(() => createCheckoutJwt({ ...base, items: [] }))).toBe(
      'ISSUE_INVALID_INPUT',
    );
    expect(
      await codeOf(() =>
        createCheckoutJwt({ ...base, items: [{ ...racket, quantity: 0, unitPrice: '1' }] }),
      ),
    ).toBe('ISSUE_INVALID_INPUT');
    expect(
      await codeOf(() =>
        createCheckoutJwt({ ...base, items: [{ ...racket, quantity: 1, unitPrice: '1.001' }] }),
      ),
    ).toBe('MONEY_INVALID');
    expect(
      await codeOf(() =>
        createCheckoutJwt({
          ...base,
          items: [{ ...racket, quantity: 3, unitPrice: Number.MAX_SAFE_INTEGER }],
        }),
      ),
    ).toBe('MONEY_INVALID');
    expect(
      await codeOf(() => createCheckoutJwt({ ...base, merchant: { id: 'x', name: 'n' } as never })),
    ).toBe('ISSUE_INVALID_INPUT');
    expect(await codeOf(() => readCheckoutJwt('not.a.jwt'))).toBe('CHECKOUT_JWT_MALFORMED');
  });
});

describe('issueL1', () => {
  it('builds the reference L1 wire structure', async () => {
    const l1 = await makeL1();
    const d = decode(l1);
    expect(d.header).toEqual({ alg: 'ES256', typ: PROFILE.typ.l1, kid: issuerKey.kid });
    const { _sd, ...visible } = d.payload;
    expect(visible).toEqual({
      iss: 'https://issuer.example-bank.test',
      sub: 'user-7f3a21',
      iat: T0 - 1000,
      exp: T0 - 1000 + 365 * 86400,
      vct: PROFILE.vct.l1Card,
      cnf: { jwk: bareJwk(userKey.publicJwk) },
      pan_last_four: '4242',
      scheme: 'mastercard',
      _sd_alg: 'sha-256',
    });
    expect(d.payload.cnf.jwk.kid).toBeUndefined();
    expect(d.payload.email).toBeUndefined();
    expect(d.disclosures).toHaveLength(1);
    const [email] = d.disclosures;
    expect(email!.array.slice(1)).toEqual(['email', 'alice@example.com']);
    expect128BitSalt(email!.array[0]);
    expect(_sd).toEqual([email!.digest]);
  });

  it('keeps card_id and profile claims visible', async () => {
    const d = decode(
      await issueL1({
        issuerKey,
        iss: 'https://i.test',
        sub: 'u',
        userPublicJwk: userKey.publicJwk,
        panLastFour: '0001',
        scheme: 'visa',
        cardId: 'card-9',
        aud: 'https://wallet.test',
        extraClaims: { tier: 'gold' },
      }),
    );
    expect(d.payload).toMatchObject({
      card_id: 'card-9',
      aud: 'https://wallet.test',
      tier: 'gold',
      _sd: [],
    });
    expect(d.disclosures).toHaveLength(0);
  });

  it('refuses bad input with typed codes', async () => {
    const base = {
      issuerKey,
      iss: 'https://i.test',
      sub: 'u',
      userPublicJwk: userKey.publicJwk,
      panLastFour: '4242',
      scheme: 'mastercard',
    };
    expect(await codeOf(() => issueL1({ ...base, panLastFour: '424' }))).toBe(
      'ISSUE_INVALID_INPUT',
    );
    expect(await codeOf(() => issueL1({ ...base, panLastFour: '42a2' }))).toBe(
      'ISSUE_INVALID_INPUT',
    );
    expect(await codeOf(() => issueL1({ ...base, scheme: '' }))).toBe('ISSUE_INVALID_INPUT');
    expect(await codeOf(() => issueL1({ ...base, email: 'nope' }))).toBe('ISSUE_INVALID_INPUT');
    expect(await codeOf(() => issueL1({ ...base, extraClaims: { sd_hash: 'x' } }))).toBe(
      'ISSUE_INVALID_INPUT',
    );
    expect(await codeOf(() => issueL1({ ...base, extraClaims: { cnf: {} } }))).toBe(
      'ISSUE_INVALID_INPUT',
    );
    expect(
      await codeOf(() =>
        issueL1({ ...base, userPublicJwk: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' } }),
      ),
    ).toBe('KEY_INVALID');
    expect(await codeOf(() => issueL1({ ...base, lifetimeSeconds: 366 * 86400 }))).toBe(
      'LIFETIME_EXCEEDED',
    );
  });
});
