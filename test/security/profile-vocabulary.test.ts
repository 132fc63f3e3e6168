/**
 * Fail-closed rules in both wire vocabularies. A rule written against the
 * February names (`allowed_payees`, `payment.allowed_payee`) silently does
 * nothing on an April chain (`allowed`, `mandate.payment.allowed_payees`).
 * Each rule is asserted in both profiles (the two April holes found this way,
 * typed ids and l3a.view reading February names, are fixed in src/verify).
 */
import { describe, expect, it } from 'vitest';
import { VI_2026_02, VI_2026_04, type WireProfile } from '../../src/profiles/profile.js';
import { verifyPresentation } from '../../src/verify/index.js';
import type { VerificationResult } from '../../src/verify/types.js';
import { AT, autonomousBundle, chainKeys, type Hooks } from '../fixtures/raw-chain.js';
import { codes, type Obj } from './helpers.js';

/** Configured trust and clock (never the bundle's). */
function verify(h: Hooks, role: 'network' | 'merchant' | 'dispute'): Promise<VerificationResult> {
  const k = chainKeys();
  const { trust: _t, at: _a, ...bundle } = autonomousBundle(h, role);
  return verifyPresentation(bundle, {
    issuerKeys: { keys: [k.issuer.publicJwk] },
    merchantKeys: { keys: [k.merchant.publicJwk] },
    now: AT,
  });
}

const shop = { name: 'Seven Shop', website: 'https://seven.example' };

/** The payee allowlist with one more entry written inline (not as a disclosure) whose id is a number. */
const numericIdPayee = (p: WireProfile) => (m: Obj) => {
  const c = (m.constraints as Obj[]).find((k) => k.type === p.constraint.allowedPayee)!;
  (c[p.allowlistField.allowedPayee] as unknown[]).push({ id: 7, ...shop });
};

describe('class 9 (typed identifiers) in both vocabularies', () => {
  for (const p of [VI_2026_02, VI_2026_04]) {
    it(`${p.name}: an allowlist entry with a numeric id is malformed, never matched by name and website → CONSTRAINT_MALFORMED`, async () => {
      // The agent pays a party that shares the entry's name and website but not its id.
      const r = await verify(
        {
          profile: p,
          selectedMerchant: null,
          paymentMandate: numericIdPayee(p),
          l3aMandate: (m) => void (m.payee = { id: 'm-x', ...shop }),
        },
        'network',
      );
      expect(r.valid).toBe(false);
      expect(codes(r)).toContain('CONSTRAINT_MALFORMED');
    });
  }
});

describe('the bound-view rule for L3a in both vocabularies', () => {
  const withheld: (p: WireProfile) => Hooks = (p) => ({
    profile: p,
    selectedMerchant: null,
    paymentViewMerchants: [],
  });
  for (const p of [VI_2026_02, VI_2026_04]) {
    it(`${p.name}: an L3a whose view withholds every allowed payee is rejected (CONSTRAINT_UNVERIFIABLE), never skipped`, async () => {
      const r = await verify(withheld(p), 'network');
      expect(r.valid).toBe(false);
      expect(codes(r)).toContain('CONSTRAINT_UNVERIFIABLE');
    });
  }
  for (const p of [VI_2026_02, VI_2026_04]) {
    it(`${p.name}: the view itself is reported incomplete → L3_VIEW_INCOMPLETE on l3a.view`, async () => {
      const r = await verify(withheld(p), 'network');
      expect(codes(r)).toContain('L3_VIEW_INCOMPLETE');
      expect(r.checks.find((c) => c.name === 'l3a.view')?.status).toBe('failed');
    });
  }
});
