import { describe, expect, it } from 'vitest';
import {
  makeArrayDisclosure,
  makePropertyDisclosure,
  newSalt,
  random128,
  signJwt,
} from '../../src/sdjwt/build.js';
import { sha256b64u } from '../../src/sdjwt/digest.js';
import { generateSigningKey } from '../../src/sdjwt/keys.js';
import { expect128BitSalt } from '../issue/fixtures.js';

describe('pooled 128-bit salts', () => {
  it('hands out 16 fresh bytes per salt across many pool refills, never the same twice', () => {
    // 4,096-byte pool: 3,000 salts refill it 11 times.
    const salts = Array.from({ length: 3000 }, () => random128());
    for (const s of salts) expect128BitSalt(s);
    expect(new Set(salts).size).toBe(salts.length);
    // No 16-byte block recurs anywhere, not just whole salts: refills do not replay the pool.
    const bytes = Buffer.concat(salts.map((s) => Buffer.from(s, 'base64url')));
    const blocks = new Set<string>();
    for (let i = 0; i + 16 <= bytes.length; i += 16)
      blocks.add(bytes.subarray(i, i + 16).toString('hex'));
    expect(blocks.size).toBe(salts.length);
    // CSPRNG output: about half the 384,000 bits are set (a zero-filled or constant pool would not be).
    let ones = 0;
    for (const b of bytes) for (let v = b; v; v &= v - 1) ones++;
    expect(ones / (bytes.length * 8)).toBeGreaterThan(0.49);
    expect(ones / (bytes.length * 8)).toBeLessThan(0.51);
  });

  it('salts every default disclosure and nonce separately', () => {
    const ds = Array.from({ length: 600 }, () => makeArrayDisclosure({ a: 1 }));
    const salts = ds.map(
      (d) => JSON.parse(Buffer.from(d.encoded, 'base64url').toString('utf8'))[0],
    );
    for (const s of salts) expect128BitSalt(s);
    expect(new Set(salts).size).toBe(600);
    expect(newSalt()).not.toBe(newSalt());
  });
});

describe('disclosure and JWS encoding', () => {
  const fixed = () => 'c2FsdA';
  const plain = (json: string) => Buffer.from(json, 'utf8').toString('base64url');

  it('encodes UTF-8 exactly as a Buffer of the JSON text would, short or long', () => {
    for (const value of [
      'Zoë & Ł',
      '\u{1F3BE} racket',
      'x'.repeat(20_000),
      'é'.repeat(12_000),
      '\ud800 lone surrogate',
    ]) {
      const a = makeArrayDisclosure(value, fixed);
      expect(a.encoded).toBe(plain(JSON.stringify(['c2FsdA', value])));
      expect(a.digest).toBe(sha256b64u(a.encoded));
      const p = makePropertyDisclosure('name', value, fixed);
      expect(p.encoded).toBe(plain(JSON.stringify(['c2FsdA', 'name', value])));
    }
  });

  it('signs header and payload segments that decode to the JSON given, one after another', () => {
    const key = generateSigningKey('k');
    const long = signJwt({ alg: 'ES256' }, { note: 'ü'.repeat(9000) }, key);
    const short = signJwt({ alg: 'ES256' }, { n: 1 }, key);
    const [h, p] = short.split('.');
    expect(h).toBe(plain('{"alg":"ES256"}'));
    expect(p).toBe(plain('{"n":1}'));
    expect(long.split('.')[1]).toBe(plain(JSON.stringify({ note: 'ü'.repeat(9000) })));
  });
});
