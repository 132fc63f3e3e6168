/** The hot paths that count keys with for-in must agree with Object.keys. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrayRefDigest } from '../../src/sdjwt/resolve.js';
import { withoutPrivateKeys } from '../../src/verify/redact.js';

function arrayRefByKeys(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1 || keys[0] !== '...') return undefined;
  const d = (v as Record<string, unknown>)['...'];
  return typeof d === 'string' ? d : undefined;
}

const key = fc.oneof(
  fc.constantFrom('...', 'd', 'kty', 'x', '__proto__', '0', '10', 'k'),
  fc.string(),
);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.constant(null),
    tie('object'),
    fc.array(tie('value'), { maxLength: 3 }),
  ),
  object: fc
    .dictionary(key, tie('value'), { maxKeys: 4 })
    .map((o) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>),
})).value;

describe('for-in key walks', () => {
  it('arrayRefDigest agrees with the Object.keys definition', () => {
    fc.assert(
      fc.property(json, (v) => {
        expect(arrayRefDigest(v)).toBe(arrayRefByKeys(v));
      }),
      { numRuns: 3000 },
    );
    expect(arrayRefDigest(JSON.parse('{"...":"d"}'))).toBe('d');
    expect(arrayRefDigest(JSON.parse('{"...":"d","__proto__":1}'))).toBeUndefined();
    expect(
      arrayRefDigest(Object.create({ extra: 1 }, { '...': { value: 'd', enumerable: true } })),
    ).toBe('d');
    expect(
      arrayRefDigest(Object.defineProperty({}, '...', { value: 'd', enumerable: false })),
    ).toBeUndefined();
  });

  it('redaction keeps member order and drops only private JWK members', () => {
    const v = JSON.parse(
      '{"a":1,"jwk":{"kty":"EC","x":"X","d":"secret","y":"Y","2":"n"},"z":[{"kty":"oct","k":"s","alg":"A"}]}',
    );
    const out = withoutPrivateKeys(v);
    expect(JSON.stringify(out)).toBe(
      '{"a":1,"jwk":{"2":"n","kty":"EC","x":"X","y":"Y"},"z":[{"kty":"oct","alg":"A"}]}',
    );
    expect(JSON.stringify(v)).toContain('secret'); // the input is not modified
    fc.assert(
      fc.property(json, (x) => {
        const r = withoutPrivateKeys(x);
        expect(JSON.stringify(r)).toBe(
          JSON.stringify(x, function (this: Record<string, unknown>, k, val) {
            return 'kty' in this &&
              ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'].some((m) => Object.hasOwn(this, m)) &&
              ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'].includes(k) &&
              !Array.isArray(this)
              ? undefined
              : val;
          }),
        );
      }),
      { numRuns: 2000 },
    );
  });
});
