/**
 * One test per limit of spec/limits.md: exceeding it gives its typed code,
 * and each is configurable through VerifyOptions.limits.
 */
import { describe, expect, it } from 'vitest';
import { PROFILE } from '../../src/profiles/profile.js';
import { DEFAULT_LIMITS } from '../../src/verify/context.js';
import { parseBundleText } from '../../src/verify/index.js';
import { autonomousBundle, chainKeys, immediateBundle } from '../fixtures/raw-chain.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';
import { es256Raw, expectRefused, headerOf, resignSdJwt } from './helpers.js';

const keys = chainKeys();
const nested = (depth: number): unknown => (depth === 0 ? 1 : [nested(depth - 1)]);
/** An L1 with one extra always-visible claim, bound into a valid Immediate chain. */
const l1Claim = (name: string, value: unknown) =>
  immediateBundle({ l1Payload: (p) => void (p[name] = value) });

describe('bundle text: parseBundleText', () => {
  const good = JSON.stringify(immediateBundle());
  it('reads a bundle from a string or bytes; the value verifies', async () => {
    for (const input of [good, new TextEncoder().encode(good)]) {
      const read = parseBundleText(input);
      expect(read.ok).toBe(true);
      if (read.ok) expect((await verifyPresentation(read.value)).valid).toBe(true);
    }
  });
  it(`maxBundleBytes (default ${DEFAULT_LIMITS.maxBundleBytes}) → BUNDLE_TOO_LARGE, counted in UTF-8 bytes before any parsing`, () => {
    const big = `{"pad":"${'x'.repeat(DEFAULT_LIMITS.maxBundleBytes)}"}`;
    const read = parseBundleText(big);
    expect(read.ok || read.error.code).toBe('BUNDLE_TOO_LARGE');
    const multibyte = parseBundleText(`"${'é'.repeat(600)}"`, { maxBundleBytes: 1000 }); // 600 chars, 1202 bytes
    expect(multibyte.ok || multibyte.error.code).toBe('BUNDLE_TOO_LARGE');
    const custom = parseBundleText(good, { maxBundleBytes: 100 });
    expect(custom.ok || custom.error.code).toBe('BUNDLE_TOO_LARGE');
  });
  it('not JSON → BUNDLE_MALFORMED; never throws', () => {
    for (const text of ['', '{', 'null x', '\u0000', '{"a":1}}']) {
      const read = parseBundleText(text);
      expect(read.ok || read.error.code).toBe('BUNDLE_MALFORMED');
    }
  });
  it(`maxJsonDepth (default ${DEFAULT_LIMITS.maxJsonDepth}) on the bundle text → LIMIT_EXCEEDED, even for 100 000 levels`, () => {
    for (const depth of [DEFAULT_LIMITS.maxJsonDepth + 1, 100_000]) {
      const read = parseBundleText(`${'['.repeat(depth)}${']'.repeat(depth)}`);
      expect(read.ok || read.error.code).toBe('LIMIT_EXCEEDED');
    }
    expect(parseBundleText('[[[]]]', { maxJsonDepth: 2 }).ok).toBe(false);
    expect(parseBundleText('"[[[[[["').ok).toBe(true); // brackets inside strings do not count
  });
});

describe('credential limits', () => {
  it(`maxLength (default ${DEFAULT_LIMITS.maxLength} characters per credential) → LIMIT_EXCEEDED`, async () => {
    const b = immediateBundle();
    b.l2 = `${b.l2}${'A'.repeat(DEFAULT_LIMITS.maxLength)}~`;
    expectRefused(await verifyPresentation(b), 'LIMIT_EXCEEDED', 'l2');
    expectRefused(
      await verifyPresentation(immediateBundle(), { limits: { maxLength: 200 } }),
      'LIMIT_EXCEEDED',
      'l1',
    );
  });
  it(`maxDisclosures (default ${DEFAULT_LIMITS.maxDisclosures} per credential) → LIMIT_EXCEEDED`, async () => {
    const b = immediateBundle();
    const d = b.l2.split('~')[1]!;
    b.l2 = `${b.l2}${`${d}~`.repeat(DEFAULT_LIMITS.maxDisclosures)}`;
    expectRefused(await verifyPresentation(b), 'LIMIT_EXCEEDED', 'l2');
    expectRefused(
      await verifyPresentation(immediateBundle(), { limits: { maxDisclosures: 1 } }),
      'LIMIT_EXCEEDED',
      'l2',
    );
  });
  it(`maxL3Entries (default ${DEFAULT_LIMITS.maxL3Entries}) → LIMIT_EXCEEDED`, async () => {
    const b = autonomousBundle({}, 'network');
    b.l3 = Array.from({ length: DEFAULT_LIMITS.maxL3Entries + 1 }, () => b.l3![0]!);
    expectRefused(await verifyPresentation(b), 'LIMIT_EXCEEDED', 'bundle');
    const two = autonomousBundle();
    two.l3 = [two.l3![0]!, two.l3![0]!];
    expectRefused(
      await verifyPresentation(two, { limits: { maxL3Entries: 1 } }),
      'LIMIT_EXCEEDED',
      'bundle',
    );
  });
  it(`maxPairs (default ${DEFAULT_LIMITS.maxPairs} mandate pairs per L2) → LIMIT_EXCEEDED`, async () => {
    // Two more (checkout, payment) pairs beside the fixture's own: three pairs.
    const b = immediateBundle({
      l2ExtraMandates: ({ checkout, payment }) =>
        [1, 2].flatMap((n) => [
          { ...checkout, checkout_hash: `h${n}` },
          { ...payment, transaction_id: `h${n}` },
        ]),
    });
    expectRefused(await verifyPresentation(b, { limits: { maxPairs: 2 } }), 'LIMIT_EXCEEDED', 'l2');
    const many = immediateBundle({
      l2ExtraMandates: ({ payment }) =>
        Array.from({ length: 2 * DEFAULT_LIMITS.maxPairs }, (_, n) => ({
          ...payment,
          transaction_id: `t${n}`,
        })),
    });
    expectRefused(await verifyPresentation(many), 'LIMIT_EXCEEDED', 'l2');
  });
  it(`maxConstraints (default ${DEFAULT_LIMITS.maxConstraints} per mandate) → LIMIT_EXCEEDED`, async () => {
    expectRefused(
      await verifyPresentation(autonomousBundle(), { limits: { maxConstraints: 3 } }),
      'LIMIT_EXCEEDED',
      'l2',
    );
    const b = autonomousBundle({
      paymentMandate: (m) => {
        const list = m.constraints as Record<string, unknown>[];
        const amount = list.find((c) => c.type === PROFILE.constraint.amount)!;
        m.constraints = [
          ...list,
          ...Array.from({ length: DEFAULT_LIMITS.maxConstraints }, () => amount),
        ];
      },
    });
    expectRefused(await verifyPresentation(b), 'LIMIT_EXCEEDED', 'l2');
  });
});

describe('JSON limits inside credentials', () => {
  it(`maxJsonDepth (default ${DEFAULT_LIMITS.maxJsonDepth}) in a payload → LIMIT_EXCEEDED`, async () => {
    expectRefused(
      await verifyPresentation(l1Claim('deep', nested(DEFAULT_LIMITS.maxJsonDepth + 1))),
      'LIMIT_EXCEEDED',
      'l1',
    );
    expectRefused(
      await verifyPresentation(l1Claim('deep', nested(6)), { limits: { maxJsonDepth: 4 } }),
      'LIMIT_EXCEEDED',
      'l1',
    );
  });
  it('maxJsonDepth in a disclosure → LIMIT_EXCEEDED', async () => {
    const b = immediateBundle({
      paymentMandate: (m) => void (m.extra = nested(DEFAULT_LIMITS.maxJsonDepth + 1)),
    });
    expectRefused(await verifyPresentation(b), 'LIMIT_EXCEEDED', 'l2');
  });
  it('resolved nesting across disclosures is capped too (24 levels, sdjwt/resolve) → LIMIT_EXCEEDED', async () => {
    expectRefused(await verifyPresentation(l1Claim('deep', nested(26))), 'LIMIT_EXCEEDED', 'l1');
  });
  it(`maxStringLength (default ${DEFAULT_LIMITS.maxStringLength}) for a claim value → LIMIT_EXCEEDED`, async () => {
    expectRefused(
      await verifyPresentation(l1Claim('note', 'x'.repeat(DEFAULT_LIMITS.maxStringLength + 1))),
      'LIMIT_EXCEEDED',
      'l1',
    );
    expectRefused(
      await verifyPresentation(l1Claim('note', 'x'.repeat(200)), {
        limits: { maxStringLength: 100 },
      }),
      'LIMIT_EXCEEDED',
      'l1',
    );
  });
  it('maxStringLength for a member name → LIMIT_EXCEEDED', async () => {
    expectRefused(
      await verifyPresentation(l1Claim('k'.repeat(DEFAULT_LIMITS.maxStringLength + 1), 1)),
      'LIMIT_EXCEEDED',
      'l1',
    );
  });
  it(`a checkout_jwt has its own limit, maxCheckoutJwtLength (default ${DEFAULT_LIMITS.maxCheckoutJwtLength})`, async () => {
    // A cart with a long (but < 64 KiB) description makes a checkout_jwt longer than maxStringLength.
    const longCart = [{ id: 'SKU-1', title: 'd'.repeat(60_000), quantity: 1, unit_price: 27999 }];
    const ok = immediateBundle({ cart: longCart });
    const jwt = (
      JSON.parse(Buffer.from(ok.l2.split('~')[1]!, 'base64url').toString('utf8'))[1] as {
        checkout_jwt: string;
      }
    ).checkout_jwt;
    expect(jwt.length).toBeGreaterThan(DEFAULT_LIMITS.maxStringLength);
    expect((await verifyPresentation(ok)).valid).toBe(true);
    expectRefused(
      await verifyPresentation(ok, { limits: { maxCheckoutJwtLength: 70_000 } }),
      'LIMIT_EXCEEDED',
      'l2',
    );
  });
  it('limits apply to the L3 as well', async () => {
    const b = autonomousBundle({}, 'network');
    const l3a = b.l3![0]!.payment!;
    b.l3![0]!.payment = resignSdJwt(l3a, headerOf(l3a), es256Raw(keys.agent.privateKey), (p) => ({
      ...p,
      pad: 'y'.repeat(DEFAULT_LIMITS.maxStringLength + 1),
    }));
    expectRefused(await verifyPresentation(b), 'LIMIT_EXCEEDED', 'l3a');
  });
});
