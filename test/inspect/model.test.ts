import { expect, it } from 'vitest';
import { type ClaimNode, decodeSdJwt } from '../../src/inspect/claims.js';
import type { InspectView } from '../../src/inspect/model.js';
import { inspectBundle } from '../../src/inspect/service.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';
import { describeIf } from '../support/environment.js';
import { reference, referenceBundles, referenceNames } from './fixtures.js';

const binding = (v: InspectView, id: string) => v.bindings.find((b) => b.id === id);
const card = (v: InspectView, id: string) => v.cards.find((c) => c.id === id);

/** Every node of a claim tree, depth first. */
function walk(nodes: ClaimNode[]): ClaimNode[] {
  return nodes.flatMap((n) => [n, ...walk(n.children ?? [])]);
}

/** `vct` values anywhere in a card's claims. */
function vcts(v: InspectView, id: string): unknown[] {
  return walk(card(v, id)?.claims ?? [])
    .filter((n) => n.key === 'vct')
    .map((n) => n.value);
}

describeIf(referenceBundles)('inspector view model: a valid Autonomous dispute bundle', () => {
  it('draws L1 → L2 → L3a / L3b, all verified, every binding ok', async () => {
    const v = await inspectBundle(reference('autonomous-dispute-valid'), 'presented', 0);
    expect(v.verdict).toMatchObject({ valid: true, mode: 'autonomous', expected: true, codes: [] });
    expect(v.cards.map((c) => [c.id, c.status])).toEqual([
      ['l1', 'verified'],
      ['l2', 'verified'],
      ['l3a#0', 'verified'],
      ['l3b#0', 'verified'],
    ]);
    expect(card(v, 'l3a#0')?.pair).toBe(0);
    expect(card(v, 'l3b#0')?.boundView?.source).toBe('l3[0].checkout_l2');
    expect(v.bindings.map((b) => b.id).sort()).toEqual(
      [
        'l1>l2:cnf',
        'l1>l2:sd_hash',
        'pair0:payment_reference',
        'pair0:cnf_pair',
        'l2>l3a#0:cnf',
        'l2>l3a#0:sd_hash',
        'l2>l3b#0:cnf',
        'l2>l3b#0:sd_hash',
        'l3#0:cross',
      ].sort(),
    );
    expect(v.bindings.every((b) => b.status === 'ok')).toBe(true);
    expect(v.errors).toEqual([]);
  });

  it('names the signers: issuer kid, user key thumbprint, agent kid', async () => {
    const v = await inspectBundle(reference('autonomous-dispute-valid'), 'presented', 0);
    const l1 = card(v, 'l1')!;
    const l2 = card(v, 'l2')!;
    const l3a = card(v, 'l3a#0')!;
    expect(l1.signer.kid).toBe('issuer-es256-2026');
    expect(l1.signer.thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The user key L1 delegates to is the key that signed L2.
    expect(l1.delegatesTo[0]?.thumbprint).toBe(l2.signer.thumbprint);
    // The agent key the L2 mandates delegate to is the key that signed L3a.
    expect(l2.delegatesTo.map((k) => k.kid)).toContain(l3a.signer.kid);
    expect(l2.delegatesTo.map((k) => k.thumbprint)).toContain(l3a.signer.thumbprint);
  });

  it('shows lifetimes against the verification time', async () => {
    const v = await inspectBundle(reference('autonomous-dispute-valid'), 'presented', 0);
    for (const c of v.cards) {
      expect(c.lifetime?.state).toBe('current');
      expect(c.lifetime?.at).toBe(v.verdict.at);
      expect(c.lifetime?.position).toBeGreaterThanOrEqual(0);
      expect(c.lifetime?.position).toBeLessThanOrEqual(1);
    }
  });

  it('lists every constraint with the L3 value it was checked against', async () => {
    const v = await inspectBundle(reference('autonomous-dispute-valid'), 'presented', 0);
    expect(v.constraints.map((r) => [r.mandate, r.type, r.status])).toEqual([
      // Judged by the L3b's own view (checkout + items), which the spec leaves without merchants: skipped, and shown so.
      ['checkout', 'mandate.checkout.allowed_merchant', 'skipped'],
      ['checkout', 'mandate.checkout.line_items', 'passed'],
      ['payment', 'payment.amount', 'passed'],
      ['payment', 'payment.allowed_payee', 'passed'],
      ['payment', 'payment.recurrence', 'passed'],
      ['payment', 'payment.reference', 'passed'],
    ]);
    const amount = v.constraints.find((r) => r.type === 'payment.amount')!;
    expect(amount.against).toEqual({
      label: 'L3a payment_amount',
      value: { currency: 'USD', amount: 27999 },
    });
    expect(
      v.constraints.find((r) => r.type === 'payment.allowed_payee')?.against?.value,
    ).toMatchObject({ id: 'm-tw-001' });
  });

  it('shows both mandates disclosed in the full L2', async () => {
    const v = await inspectBundle(reference('autonomous-dispute-valid'), 'presented', 0);
    expect(vcts(v, 'l2')).toEqual(
      expect.arrayContaining(['mandate.checkout.open', 'mandate.payment.open']),
    );
  });
});

describeIf(referenceBundles)(
  'inspector view model: tampered bundles put the failure where it arose',
  () => {
    it('L3a sd_hash over the full L2: the L2 → L3a sd_hash binding failed, nothing else', async () => {
      const v = await inspectBundle(
        reference('autonomous-tamper-l3a-sd-hash-over-full-l2'),
        'presented',
        0,
      );
      expect(v.verdict.valid).toBe(false);
      expect(v.verdict.codes).toEqual(['L3_SD_HASH_MISMATCH']);
      const b = binding(v, 'l2>l3a#0:sd_hash')!;
      expect(b.status).toBe('failed');
      expect(b.errors.map((e) => e.code)).toEqual(['L3_SD_HASH_MISMATCH']);
      expect(v.errors[0]?.at).toBe('l2>l3a#0:sd_hash');
      expect(v.bindings.filter((x) => x.status === 'failed').map((x) => x.id)).toEqual([
        'l2>l3a#0:sd_hash',
      ]);
      expect(binding(v, 'l2>l3a#0:cnf')?.status).toBe('ok');
      expect(card(v, 'l3a#0')?.status).toBe('failed');
      expect(card(v, 'l2')?.status).toBe('verified');
    });

    it.each([
      [
        'immediate-tamper-l2-sd-hash-over-other-l1-presentation',
        'l1>l2:sd_hash',
        'L2_SD_HASH_MISMATCH',
      ],
      [
        'immediate-tamper-checkout-hash-not-hash-of-checkout-jwt',
        'pair0:checkout_hash',
        'CHECKOUT_HASH_MISMATCH',
      ],
      [
        'autonomous-tamper-l3a-transaction-id-not-l3b-checkout-hash',
        'l3#0:cross',
        'L3_CROSS_REFERENCE_MISMATCH',
      ],
      ['autonomous-tamper-l3a-signed-by-non-delegated-key', 'l2>l3a#0:cnf', 'L3_SIGNATURE_INVALID'],
      ['immediate-tamper-l2-signed-by-other-key', 'l1>l2:cnf', 'L2_SIGNATURE_INVALID'],
    ])('%s → binding %s failed with %s', async (name, id, code) => {
      const v = await inspectBundle(reference(name), 'presented', 0);
      const b = binding(v, id);
      expect(b?.status).toBe('failed');
      expect(b?.errors.map((e) => e.code)).toContain(code);
    });

    it('a constraint violation shows on the L3 card and in the constraint row, next to the value', async () => {
      const v = await inspectBundle(
        reference('autonomous-tamper-amount-above-max'),
        'presented',
        0,
      );
      expect(card(v, 'l3a#0')?.errors.map((e) => e.code)).toEqual(['CONSTRAINT_AMOUNT_ABOVE_MAX']);
      const row = v.constraints.find((r) => r.type === 'payment.amount')!;
      expect(row.status).toBe('failed');
      expect(row.violations.map((x) => x.code)).toEqual(['CONSTRAINT_AMOUNT_ABOVE_MAX']);
      expect(row.against?.value).toEqual({ currency: 'USD', amount: 40001 });
      expect(row.constraint).toMatchObject({ type: 'payment.amount', max: 40000 });
    });

    it('an expired L1 shows an expired lifetime and the error on the L1 card', async () => {
      const v = await inspectBundle(reference('immediate-tamper-l1-expired'), 'presented', 0);
      expect(card(v, 'l1')?.lifetime?.state).toBe('expired');
      expect(card(v, 'l1')?.errors.map((e) => e.code)).toContain('EXPIRED');
      expect(card(v, 'l1')?.status).toBe('failed');
    });

    it('an injected disclosure is listed as unreferenced on its card', async () => {
      const v = await inspectBundle(
        reference('immediate-tamper-injected-unreferenced-disclosure'),
        'presented',
        0,
      );
      expect(card(v, 'l2')?.unreferenced).toHaveLength(1);
      expect(card(v, 'l2')?.errors.map((e) => e.code)).toEqual(['DISCLOSURE_UNREFERENCED']);
    });
  },
);

describeIf(referenceBundles)('inspector view model: disclosed and withheld claims', () => {
  it('a network view shows the withheld checkout side as digest placeholders', async () => {
    const v = await inspectBundle(reference('autonomous-network-valid'), 'presented', 0);
    const l2 = card(v, 'l2')!;
    expect(v.verdict.valid).toBe(true);
    expect(l2.withheld).toBeGreaterThan(0);
    const withheld = walk(l2.claims).filter((n) => n.state === 'withheld');
    expect(withheld).toHaveLength(l2.withheld);
    for (const n of withheld) {
      expect(n.digest).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(n.value).toBeUndefined();
      expect(n.children).toBeUndefined();
    }
    expect(vcts(v, 'l2')).toEqual(['mandate.payment.open']);
  });

  it('decodes withheld object properties and array elements from the signed payload', () => {
    const b = reference('autonomous-network-valid');
    const d = decodeSdJwt(b.l2);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    const all = walk(d.decoded.claims);
    expect(all.filter((n) => n.state === 'disclosed')).toHaveLength(d.decoded.disclosed);
    expect(all.some((n) => n.key.startsWith('[') && n.state === 'withheld')).toBe(true);
    expect(d.decoded.unreferenced).toEqual([]);
  });

  it('never throws on garbage', () => {
    for (const x of [undefined, '', 'x', '~~~', 'a.b.c~', '..~', 42, {}])
      expect(decodeSdJwt(x).ok).toBe(false);
  });
});

describeIf(referenceBundles)('inspector view model: role views', () => {
  it('merchant view of a dispute bundle: L1 + L2 without the payment mandate + L3b, valid', async () => {
    const v = await inspectBundle(reference('autonomous-dispute-valid'), 'merchant', 0);
    expect(v.view.role).toBe('merchant');
    expect(v.view.how).toContain('presentToMerchant');
    expect(v.verdict.valid).toBe(true);
    expect(v.cards.map((c) => c.id)).toEqual(['l1', 'l2', 'l3b#0']);
    expect(vcts(v, 'l2')).toEqual(['mandate.checkout.open']);
    expect(JSON.stringify(card(v, 'l2')?.claims)).not.toContain('mandate.payment');
    expect(v.constraints.every((r) => r.mandate === 'checkout')).toBe(true);
  });

  it('network view of a dispute bundle: no checkout mandate, no L3b, valid', async () => {
    const v = await inspectBundle(reference('autonomous-dispute-valid'), 'network', 0);
    expect(v.verdict.valid).toBe(true);
    expect(v.cards.map((c) => c.id)).toEqual(['l1', 'l2', 'l3a#0']);
    expect(vcts(v, 'l2')).toEqual(['mandate.payment.open']);
    expect(JSON.stringify(v.cards)).not.toContain('checkout_jwt');
  });

  it('Immediate: the merchant sees only the checkout mandate', async () => {
    const v = await inspectBundle(reference('immediate-full-valid'), 'merchant', 0);
    expect(v.verdict.valid).toBe(true);
    expect(vcts(v, 'l2')).toEqual(['mandate.checkout']);
    const n = await inspectBundle(reference('immediate-full-valid'), 'network', 0);
    expect(n.verdict.valid).toBe(true);
    expect(vcts(n, 'l2')).toEqual(['mandate.payment']);
  });

  it('multi-pair: each pair has its own merchant view', async () => {
    const b = reference('multi-pair-dispute-valid');
    const p0 = await inspectBundle(b, 'merchant', 0);
    const p1 = await inspectBundle(b, 'merchant', 1);
    expect(p0.verdict.valid).toBe(true);
    expect(p1.verdict.valid).toBe(true);
    expect(p1.view.how).toContain('pair 1');
    // Pair numbers are per view (each merchant view holds one pair); the credentials differ.
    const l3b = (v: InspectView) => JSON.stringify(v.cards.find((c) => c.layer === 'l3b')?.claims);
    expect(l3b(p0)).not.toBe(l3b(p1));
    expect(p0.l2_id).toBe(p1.l2_id);
  });

  it('a view that cannot be cut from a partial bundle says so', async () => {
    const v = await inspectBundle(reference('autonomous-network-valid'), 'merchant', 0);
    expect(v.view.warning).toMatch(/incomplete/);
    expect(vcts(v, 'l2')).toEqual([]);
    const d = await inspectBundle(reference('autonomous-network-valid'), 'dispute', 0);
    expect(d.view.warning).toMatch(/incomplete/);
  });
});

describeIf(referenceBundles)('inspector view model: trust source', () => {
  it('uses the bundle trust by default and says so', async () => {
    const v = await inspectBundle(reference('autonomous-dispute-valid'), 'presented', 0);
    expect(v.trust.source).toBe('bundle');
  });

  it('server-configured issuer keys win over the bundle', async () => {
    const b = reference('autonomous-dispute-valid');
    const other = reference('immediate-tamper-wrong-issuer-key-in-trust') as {
      trust: { issuer_jwks: { keys: Record<string, unknown>[] } };
    };
    const good = await inspectBundle(b, 'presented', 0, {
      issuerKeys: (b as { trust: { issuer_jwks: { keys: Record<string, unknown>[] } } }).trust
        .issuer_jwks,
    });
    expect(good.trust.source).toBe('server');
    expect(good.verdict.valid).toBe(true);
    const bad = await inspectBundle(b, 'presented', 0, { issuerKeys: other.trust.issuer_jwks });
    expect(bad.trust.source).toBe('server');
    expect(bad.verdict.valid).toBe(false);
    expect(card(bad, 'l1')?.status).toBe('failed');
  });

  it('no trust anywhere is shown as none', async () => {
    const b = { ...reference('immediate-full-valid') };
    delete b.trust;
    const v = await inspectBundle(b, 'presented', 0);
    expect(v.trust.source).toBe('none');
    expect(v.verdict.valid).toBe(false);
  });
});

describeIf(referenceBundles)('inspector view model over every reference bundle', () => {
  it.each(referenceNames())(
    '%s: same verdict as verifyPresentation, every error placed',
    async (name) => {
      const b = reference(name);
      const direct = await verifyPresentation(b);
      const v = await inspectBundle(b, 'presented', 0);
      expect(v.verdict.valid).toBe(direct.valid);
      expect(v.errors.map((e) => e.code)).toEqual(direct.errors.map((e) => e.code));
      const targets = new Set([
        'verdict',
        ...v.cards.map((c) => c.id),
        ...v.bindings.map((x) => x.id),
      ]);
      for (const e of v.errors) {
        expect(targets.has(e.at)).toBe(true);
        // Only bundle-level problems have no card or binding to sit on.
        if (e.at === 'verdict') expect(['bundle', undefined]).toContain(e.layer);
      }
      // Each placed error appears exactly once on the page model.
      const drawn = [...v.cards.flatMap((c) => c.errors), ...v.bindings.flatMap((x) => x.errors)];
      expect(drawn.length).toBe(v.errors.filter((e) => e.at !== 'verdict').length);
      for (const role of ['merchant', 'network', 'dispute'] as const)
        await inspectBundle(b, role, 0);
    },
  );
});
