/**
 * Hostile AP2 input: whatever an agent sends in an ap2_bundle, the verifier
 * answers with typed codes (never INTERNAL, never a throw), refuses every
 * mutation of a signed chain, and spends time bounded by the input's size.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';
import { verifyAp2Presentation } from '../../src/verify/ap2/index.js';

const ROOT = resolve(__dirname, '../..');
type Obj = Record<string, unknown>;
const load = (category: string) =>
  readdirSync(join(ROOT, 'vectors', 'ap2', category))
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(ROOT, 'vectors', 'ap2', category, f), 'utf8')) as Obj);
const valid = load('valid');
const known = new Set<string>(ERROR_CODES);

async function judged(bundle: unknown) {
  const r = await verifyAp2Presentation(bundle, { trustFromBundle: true });
  for (const e of r.errors) {
    expect(known.has(e.code)).toBe(true);
    expect(e.code).not.toBe('INTERNAL');
  }
  return r;
}

const chainKey = (b: Obj) => (b.payment_chain !== undefined ? 'payment_chain' : 'checkout_chain');

describe('AP2 bundles under mutation', () => {
  it('every character change in a signed chain is refused with a typed code', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...valid),
        fc.nat(),
        fc.constantFrom(...'AZaz09-_.~'.split('')),
        async (bundle, at, ch) => {
          const key = chainKey(bundle);
          const chain = bundle[key] as string;
          const i = at % chain.length;
          fc.pre(chain[i] !== ch);
          const r = await judged({
            ...bundle,
            [key]: `${chain.slice(0, i)}${ch}${chain.slice(i + 1)}`,
          });
          // Every character is signed, hashed by an sd_hash, or structure (~, ., ~~): any change is refused.
          expect(r.valid).toBe(false);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('segments dropped, repeated or reordered are refused', async () => {
    for (const bundle of valid) {
      const key = chainKey(bundle);
      const segs = (bundle[key] as string).split('~~');
      if (segs.length < 2) continue;
      const variants = [
        segs.slice(1).join('~~'),
        segs.slice(0, -1).join('~~'),
        [...segs, segs[segs.length - 1]].join('~~'),
        [segs[0], ...segs].join('~~'),
        [...segs].reverse().join('~~'),
      ];
      for (const v of variants) expect((await judged({ ...bundle, [key]: v })).valid).toBe(false);
    }
  });

  it('any JSON value in place of any member of the bundle is a typed refusal or leaves it valid, never a crash', async () => {
    const members = [
      'ap2_bundle',
      'role',
      'at',
      'trust',
      'expect',
      'inputs',
      'receipts',
      'payment_chain',
      'checkout_chain',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...valid),
        fc.constantFrom(...members),
        fc.jsonValue(),
        async (b, m, v) => {
          await judged({ ...b, [m]: v });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('AP2 cost bombs', () => {
  const base = valid.find((b) => b.payment_chain !== undefined && b.role === 'network')!;
  const chain = base.payment_chain as string;
  const root = chain.split('~~')[0]!;

  // Timing belongs in `npm run bench` (row `cost`); here each bomb must end in a typed refusal.
  const timed = async (bundle: unknown) => ({ r: await judged(bundle) });

  it('more hops than the limit, a chain over the length limit, thousands of disclosures: LIMIT_EXCEEDED', async () => {
    const hops = await timed({ ...base, payment_chain: Array(40).fill(root).join('~~') });
    expect(hops.r.errors.map((e) => e.code)).toContain('LIMIT_EXCEEDED');
    const many = await timed({ ...base, payment_chain: `${root}~${'WyJzIiwxXQ~'.repeat(20_000)}` });
    expect(many.r.valid).toBe(false);
    expect(many.r.errors.map((e) => e.code)).toContain('LIMIT_EXCEEDED');
    const long = await timed({ ...base, payment_chain: `${root}~${'A'.repeat(3_000_000)}~` });
    expect(long.r.errors.map((e) => e.code)).toContain('LIMIT_EXCEEDED');
  });

  it('an x5c header of a thousand certificates, deep JSON in a disclosure: refused, typed', async () => {
    const [jwt, ...rest] = root.split('~');
    const [h, p, s] = jwt!.split('.');
    const header = JSON.parse(Buffer.from(h!, 'base64url').toString('utf8')) as Obj;
    const x5c = { ...header, kid: 'nobody', x5c: Array(1000).fill('MIIB') };
    const rootX5c = [
      [Buffer.from(JSON.stringify(x5c)).toString('base64url'), p, s].join('.'),
      ...rest,
    ].join('~');
    const bomb = await timed({
      ...base,
      trust: { ...(base.trust as Obj), x5c_roots: ['MIIB'] },
      payment_chain: [rootX5c, ...chain.split('~~').slice(1)].join('~~'),
    });
    expect(bomb.r.valid).toBe(false);
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const deepDisclosure = Buffer.from(`["salt",${deep}]`).toString('base64url');
    const nested = await timed({ ...base, payment_chain: `${root}~${deepDisclosure}~` });
    expect(nested.r.valid).toBe(false);
    expect(nested.r.errors.map((e) => e.code)).toContain('LIMIT_EXCEEDED');
  });
});
