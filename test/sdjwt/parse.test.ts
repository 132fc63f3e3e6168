/**
 * The parser notes member names a private JWK uses (RFC 7518 §6), so that the
 * verifier redacts results only when something could need it.
 */
import { describe, expect, it } from 'vitest';
import {
  makeArrayDisclosure,
  makePropertyDisclosure,
  serializeSdJwt,
  signJwt,
} from '../../src/sdjwt/build.js';
import { generateSigningKey } from '../../src/sdjwt/keys.js';
import { parseDisclosure, parseJwt, parseSdJwt } from '../../src/sdjwt/parse.js';

const key = generateSigningKey('k1');
const jwt = (header: Record<string, unknown>, payload: Record<string, unknown>) =>
  signJwt({ alg: 'ES256', ...header }, payload, key);

describe('privateJwkMember', () => {
  it('is false for ordinary claims, including a public JWK (kty, crv, x, y, kid)', () => {
    const p = parseJwt(
      jwt({ kid: 'k1' }, { iss: 'x', cnf: { jwk: key.publicJwk }, list: [{ id: 'a' }] }),
      'l1',
    );
    expect(p.privateJwkMember).toBe(false);
    expect(
      parseDisclosure(makeArrayDisclosure({ cnf: { jwk: key.publicJwk } }).encoded, 'l2')
        .privateJwkMember,
    ).toBe(false);
    expect(
      parseDisclosure(makePropertyDisclosure('email', 'a@b.example').encoded, 'l1')
        .privateJwkMember,
    ).toBe(false);
  });

  it.each(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'])(
    'is true for a member %s anywhere in a payload',
    (name) => {
      const p = parseJwt(jwt({}, { a: [{ b: { [name]: 'x' } }] }), 'l1');
      expect(p.privateJwkMember).toBe(true);
    },
  );

  it('is true for a header carrying a private member', () => {
    expect(parseJwt(jwt({ jwk: { kty: 'EC', d: 'x' } }, {}), 'l3a').privateJwkMember).toBe(true);
  });

  it('is true for a disclosure whose value or claim name is one', () => {
    expect(
      parseDisclosure(makeArrayDisclosure({ cnf: { jwk: { kty: 'EC', d: 'x' } } }).encoded, 'l2')
        .privateJwkMember,
    ).toBe(true);
    expect(parseDisclosure(makePropertyDisclosure('d', 'x').encoded, 'l1').privateJwkMember).toBe(
      true,
    );
  });

  it('is carried per part of an SD-JWT', () => {
    const d = makePropertyDisclosure('k', 'secret');
    const e = makePropertyDisclosure('email', 'a@b.example');
    const sd = parseSdJwt(
      serializeSdJwt(jwt({}, { _sd: [d.digest, e.digest] }), [d.encoded, e.encoded]),
      'l1',
    );
    expect(sd.jwt.privateJwkMember).toBe(false);
    expect(sd.disclosures.map((x) => x.privateJwkMember)).toEqual([true, false]);
  });
});

/** A disclosure whose JSON text is exactly `json` (salt included). */
const disclosureOf = (json: string) => Buffer.from(json).toString('base64url');

describe('literal facts JSON.parse hides', () => {
  it.each([
    ['a property value', '["c2FsdHNhbHRzYWx0c2FsdA","amount",27999.0]'],
    ['an array element value', '["c2FsdHNhbHRzYWx0c2FsdA",2.7999e4]'],
    ['a number inside an array', '["c2FsdHNhbHRzYWx0c2FsdA","n",[1,2.5]]'],
    ['a number inside an object', '["c2FsdHNhbHRzYWx0c2FsdA",{"min":1E3}]'],
  ])('notes a fraction or exponent in %s', (_, json) => {
    expect(parseDisclosure(disclosureOf(json), 'l2').fractionalNumber).toBe(true);
  });

  it.each([
    ['strings only', '["c2FsdHNhbHRzYWx0c2FsdA","email","a.b@e.example"]'],
    ['integers', '["c2FsdHNhbHRzYWx0c2FsdA",{"min":1000,"list":[1,2]}]'],
    ['a number-like string', '["c2FsdHNhbHRzYWx0c2FsdA","amount","27999.0"]'],
  ])('notes none in %s', (_, json) => {
    expect(parseDisclosure(disclosureOf(json), 'l2').fractionalNumber).toBe(false);
  });

  it.each([
    ['at the top of the value', '["c2FsdHNhbHRzYWx0c2FsdA",{"id":"a","id":"b"}]'],
    ['nested in an array', '["c2FsdHNhbHRzYWx0c2FsdA","m",[{"x":1},{"y":"a","y":"b"}]]'],
  ])('rejects a member named twice %s', (_, json) => {
    expect(() => parseDisclosure(disclosureOf(json), 'l2')).toThrow(
      expect.objectContaining({ code: 'JSON_DUPLICATE_MEMBER' }),
    );
  });

  it('accepts a colon inside strings as no member', () => {
    expect(() =>
      parseDisclosure(
        disclosureOf('["c2FsdHNhbHRzYWx0c2FsdA","url","https://a.example:443/"]'),
        'l2',
      ),
    ).not.toThrow();
  });
});
