/**
 * resolveSubset may only accept a view that resolveDisclosures accepts, with the same result;
 * disclosesAlikeWithin may only say so of a mandate that resolves the same in both.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParsedDisclosure } from '../../src/sdjwt/parse.js';
import {
  disclosesAlikeWithin,
  resolveDisclosures,
  resolveElement,
  resolveSubset,
} from '../../src/sdjwt/resolve.js';

const disc = (digest: string, value: unknown, name?: string): ParsedDisclosure =>
  name === undefined
    ? {
        encoded: `e-${digest}`,
        digest,
        salt: digest,
        value,
        privateJwkMember: false,
        fractionalNumber: false,
      }
    : {
        encoded: `e-${digest}`,
        digest,
        salt: digest,
        name,
        value,
        privateJwkMember: false,
        fractionalNumber: false,
      };

// Mandates in delegate_payload, a merchant shared by two allowlists, a nested
// object-property disclosure, and an array element committed in the top-level _sd.
const merchant = disc('dM', { name: 'Tennis Warehouse' });
const nested = disc('dN', 'nested value', 'note');
const checkout = disc('dC', {
  vct: 'checkout',
  constraints: [{ allowed_merchants: [{ '...': 'dM' }], extra: { _sd: ['dN'] } }],
});
const payment = disc('dP', {
  vct: 'payment',
  constraints: [{ allowed_payees: [{ '...': 'dM' }] }],
});
const committed = disc('dK', { sku: 'X' });
const email = disc('dE', 'a@example.com', 'email');
const FULL = [checkout, payment, merchant, nested, committed, email];
const payload = {
  _sd_alg: 'sha-256',
  _sd: ['dE', 'dK'],
  delegate_payload: [{ '...': 'dC' }, { '...': 'dP' }],
  items: [{ '...': 'dK' }],
};
const foreign = disc('dX', 'not in the main presentation', 'x');
const lookalike = { ...merchant, encoded: 'e-other' }; // same digest, different text
const POOL = [...FULL, foreign, lookalike];

function outcome(
  ds: ParsedDisclosure[],
): { ok: true; claims: unknown; digests: string[] } | { ok: false; code: string } {
  try {
    const r = resolveDisclosures(payload, ds, 'l2');
    return { ok: true, claims: r.claims, digests: [...r.byDigest.keys()] };
  } catch (e) {
    return { ok: false, code: (e as { code: string }).code };
  }
}

describe('resolveSubset', () => {
  const full = resolveDisclosures(payload, FULL, 'l2');

  it('derives views closed under their enclosing disclosures', () => {
    for (const view of [
      [checkout, merchant],
      [payment, merchant, nested, checkout],
      [committed],
      [email, payment],
    ]) {
      const r = resolveSubset(full, payload, view, 'l2');
      expect(r, view.map((d) => d.digest).join()).toBeDefined();
      expect(r!.claims).toEqual(outcome(view).ok && resolveDisclosures(payload, view, 'l2').claims);
    }
  });

  it('declines what would not resolve the same way', () => {
    expect(resolveSubset(full, payload, [merchant], 'l2')).toBeUndefined(); // unreferenced without a mandate
    expect(resolveSubset(full, payload, [checkout, checkout], 'l2')).toBeUndefined(); // duplicate
    expect(resolveSubset(full, payload, [checkout, foreign], 'l2')).toBeUndefined();
    expect(resolveSubset(full, payload, [checkout, lookalike], 'l2')).toBeUndefined();
  });

  it('never accepts what resolveDisclosures refuses, and agrees when it accepts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: POOL.length - 1 }), { maxLength: 10 }),
        (picks) => {
          const view = picks.map((i) => POOL[i]!);
          const r = resolveSubset(full, payload, view, 'l2');
          if (r === undefined) return;
          const o = outcome(view);
          expect(o.ok).toBe(true);
          if (!o.ok) return;
          expect([...r.byDigest.keys()]).toEqual(o.digests);
          expect(r.claims).toEqual(o.claims);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

/** The resolution of a subset of the disclosures, or undefined when it does not resolve. */
function resolvedOrUndefined(
  subset: ParsedDisclosure[],
): ReturnType<typeof resolveDisclosures> | undefined {
  try {
    return resolveDisclosures(payload, subset, 'l2');
  } catch {
    return undefined;
  }
}

describe('disclosesAlikeWithin', () => {
  const full = resolveDisclosures(payload, FULL, 'l2');
  const mandateIn = (claims: Record<string, unknown>, digest: string) =>
    (claims.delegate_payload as unknown[])[digest === 'dC' ? 0 : 1];

  it('holds for a view with every disclosure inside the mandate, and then the mandate resolves the same', () => {
    const view = resolveDisclosures(payload, [payment, merchant], 'l2');
    expect(disclosesAlikeWithin(full, view, 'dP')).toBe(true);
    expect(mandateIn(view.claims, 'dP')).toEqual(mandateIn(full.claims, 'dP'));
  });

  it('fails for a view withholding a merchant the mandate shares with another one (first reached from that other one)', () => {
    const view = resolveDisclosures(payload, [payment], 'l2');
    expect(disclosesAlikeWithin(full, view, 'dP')).toBe(false);
  });

  it('fails for a view withholding a nested object-property disclosure', () => {
    const view = resolveDisclosures(payload, [checkout, merchant], 'l2');
    expect(disclosesAlikeWithin(full, view, 'dC')).toBe(false);
  });

  it('fails for a mandate the view does not disclose', () => {
    expect(
      disclosesAlikeWithin(full, resolveDisclosures(payload, [payment, merchant], 'l2'), 'dC'),
    ).toBe(false);
  });

  it('never claims alike for a mandate that resolves differently (any subset)', () => {
    fc.assert(
      fc.property(fc.subarray(FULL), (subset) => {
        const view = resolvedOrUndefined(subset);
        if (!view) return;
        for (const m of ['dC', 'dP']) {
          if (disclosesAlikeWithin(full, view, m))
            expect(mandateIn(view.claims, m)).toEqual(mandateIn(full.claims, m));
        }
      }),
    );
  });
});

describe('resolveElement', () => {
  it('resolves one mandate as the whole resolution places it (any subset that resolves)', () => {
    fc.assert(
      fc.property(fc.subarray(FULL), (subset) => {
        const view = resolvedOrUndefined(subset);
        if (!view) return;
        const placed = view.claims.delegate_payload as unknown[];
        ['dC', 'dP'].forEach((m, i) => {
          expect(resolveElement(view, m, 'l2')).toEqual(
            view.byDigest.has(m) ? placed[i] : undefined,
          );
        });
      }),
    );
  });

  it('is undefined for an object-property disclosure', () => {
    expect(resolveElement(resolveDisclosures(payload, FULL, 'l2'), 'dE', 'l2')).toBeUndefined();
  });
});
