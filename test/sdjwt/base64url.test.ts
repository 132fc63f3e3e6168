/**
 * decodeBase64url must answer exactly as the canonical round trip does:
 * accept `s` iff re-encoding what Node decodes gives `s` back, with the same
 * bytes. The round trip is the definition; the decoder avoids building the
 * second string.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from '../../src/sdjwt/base64url.js';

function roundTrip(s: string): Buffer | undefined {
  const bytes = Buffer.from(s, 'base64url');
  return bytes.toString('base64url') === s ? bytes : undefined;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** What a lenient decoder might read as something else: the base64 alphabet, padding, whitespace, Latin-1, wide and lone-surrogate units. */
const HOSTILE = [
  '+',
  '/',
  '=',
  '==',
  ' ',
  '\n',
  '\t',
  '\r',
  '\0',
  '.',
  '~',
  '%',
  '\\',
  '"',
  '\u0080',
  '\u00c1',
  '\u00ff',
  '\u0100',
  '\u0130',
  '\u012d',
  '\u0141',
  '\u015f',
  '\u2028',
  '\uff41',
  '\ud800',
  '\u{1F600}',
];

function agree(s: string): void {
  const want = roundTrip(s);
  const got = decodeBase64url(s);
  expect(got === undefined, JSON.stringify(s)).toBe(want === undefined);
  if (want && got) expect(Buffer.from(got).equals(want), JSON.stringify(s)).toBe(true);
}

describe('decodeBase64url', () => {
  it('agrees with the round trip on mostly-valid strings with hostile characters mixed in', () => {
    const char = fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...ALPHABET) },
      { weight: 1, arbitrary: fc.constantFrom(...HOSTILE) },
    );
    fc.assert(
      fc.property(fc.array(char, { maxLength: 40 }), (chars) => agree(chars.join(''))),
      { numRuns: 20_000 },
    );
  });

  it('agrees with the round trip on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 24 }), agree), {
      numRuns: 20_000,
    });
  });

  it('agrees with the round trip on every string of up to 3 characters over the alphabet and a few hostile ones', () => {
    const symbols = [...ALPHABET, '+', '/', '=', ' ', '\u0141', '\u00c1'];
    for (const a of ['', ...symbols])
      for (const b of ['', ...symbols]) for (const c of ['', ...symbols]) agree(a + b + c);
  });

  it('decodes the canonical encoding of any bytes back to them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(
          Buffer.from(decodeBase64url(encodeBase64url(bytes)) ?? []).equals(Buffer.from(bytes)),
        ).toBe(true);
      }),
    );
  });

  it.each([
    ['a wide code unit whose low byte is a base64url character (U+0141 reads as "A")', 'ŁQ'],
    ['padding', 'QQ=='],
    ['the base64 (not base64url) alphabet', 'a+b/'],
    ['whitespace', 'QU JD'],
    ['a length of 1 mod 4', 'QUJDR'],
    ['non-zero unused bits in the last character', 'QR'],
  ])('refuses %s', (_, s) => {
    expect(decodeBase64url(s)).toBeUndefined();
  });
});
