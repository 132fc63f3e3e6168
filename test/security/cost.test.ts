/**
 * Hostile input, round 3, class 1: the cost of a verification and the size
 * of its result are bounded by the input, whatever an agent writes into an
 * L3b against a long line-item allowlist (spec/limits.md). Bounds that do
 * not depend on time: error counts, message and result sizes.
 */
import { describe, expect, it } from 'vitest';
import { VI_2026_02, VI_2026_04 } from '../../src/profiles/profile.js';
import { DEFAULT_LIMITS } from '../../src/verify/context.js';
import { reportOf } from '../../src/verify/report.js';
import { bundleBytes, costBomb } from '../fixtures/cost-bomb.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';
import { codes, expectRefused } from './helpers.js';

const L = DEFAULT_LIMITS;

describe('cost bounded by input: every result is bounded', () => {
  for (const profile of [VI_2026_02, VI_2026_04]) {
    it(`${profile.name}: acceptable items and cart lines at their limits → refused, errors capped, messages short, report under 64 KiB`, async () => {
      const b = costBomb({ acceptable: L.maxAcceptableItems, lines: L.maxCartLines, profile });
      const r = await verifyPresentation(b);
      expectRefused(r, 'CONSTRAINT_LINE_ITEM_NOT_ACCEPTABLE', 'l3b');
      expect(r.errors.length).toBeLessThanOrEqual(L.maxErrors);
      const perCheck = new Map<string, number>();
      for (const e of r.errors) {
        expect(e.message.length).toBeLessThanOrEqual(L.maxMessageLength);
        // No message embeds the allowlist: not one acceptable id appears in any of them.
        expect(e.message).not.toMatch(/OK-0/);
        perCheck.set(`${e.layer}:${e.claim}`, (perCheck.get(`${e.layer}:${e.claim}`) ?? 0) + 1);
      }
      for (const n of perCheck.values()) expect(n).toBeLessThanOrEqual(L.maxErrorsPerCheck);
      // Reported with a count of what was left out, and the verdict counts them.
      const report = JSON.stringify(reportOf('x.json', b, r));
      expect(report.length).toBeLessThan(64 * 1024);
      for (const p of r.pairs)
        for (const c of p.constraints)
          if (c.outcome.status === 'failed')
            expect(c.outcome.violations.length).toBeLessThanOrEqual(L.maxErrorsPerCheck);
      // The whole result (with the verified claims it echoes) stays within a small multiple of the input.
      expect(JSON.stringify(r).length).toBeLessThan(2 * bundleBytes(b));
    });
  }
  it('the cap keeps the verdict: omitted errors are counted and still make the pair and the chain invalid', async () => {
    const r = await verifyPresentation(costBomb({ acceptable: 8, lines: 200 }), {
      limits: { maxErrorsPerCheck: 1, maxErrors: 1 },
    });
    expect(r.valid).toBe(false);
    expect(r.errors).toHaveLength(1);
    expect(r.errorsOmitted).toBeGreaterThan(0);
    expect(r.pairs[0]!.valid).toBe(false);
  });
  it('a valid chain reports no omitted error', async () => {
    const r = await verifyPresentation(costBomb({ acceptable: 1, lines: 0 }));
    expect(r.errorsOmitted).toBe(0);
  });
  it('an SKU of 64 Ki characters is named in a message by a short prefix only', async () => {
    const b = costBomb({ acceptable: 2, lines: 1, skuWidth: 64 * 1024 - 1 });
    const r = await verifyPresentation(b, { limits: { maxCheckoutJwtLength: 1024 * 1024 } });
    expectRefused(r, 'CONSTRAINT_LINE_ITEM_NOT_ACCEPTABLE', 'l3b');
    for (const e of r.errors) expect(e.message.length).toBeLessThanOrEqual(200);
  });
});

describe('limits on cart lines, line-item entries and acceptable items → LIMIT_EXCEEDED', () => {
  it('acceptable items over maxAcceptableItems', async () => {
    const r = await verifyPresentation(costBomb({ acceptable: 11, lines: 1 }), {
      limits: { maxAcceptableItems: 10 },
    });
    expectRefused(r, 'LIMIT_EXCEEDED', 'l2');
  });
  it('line-item entries over maxLineItemEntries', async () => {
    const r = await verifyPresentation(costBomb({ acceptable: 1, entries: 5, lines: 1 }), {
      limits: { maxLineItemEntries: 4 },
    });
    expectRefused(r, 'LIMIT_EXCEEDED', 'l2');
  });
  it('L3b line items and the checkout_jwt cart over maxCartLines', async () => {
    const r = await verifyPresentation(costBomb({ acceptable: 1, lines: 5 }), {
      limits: { maxCartLines: 4 },
    });
    expectRefused(r, 'LIMIT_EXCEEDED', 'l3b');
    expect(codes(r)).not.toContain('CONSTRAINT_LINE_ITEM_NOT_ACCEPTABLE');
  });
  it('the checkout_jwt cart alone over maxCartLines (an L3b that lists fewer lines)', async () => {
    const b = costBomb({ acceptable: 1, lines: 5, role: 'dispute' });
    const r = await verifyPresentation(b, { limits: { maxCartLines: 4 } });
    expectRefused(r, 'LIMIT_EXCEEDED');
  });
});
