/**
 * The inspector's AP2 model (src/inspect/ap2.ts): a chain drawn segment by
 * segment, each hop signed by the key the segment above delegated to, bound
 * to it by a binding that says which hash; errors on the hop where they arose.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectBundle } from '../../src/inspect/service.js';

const ROOT = resolve(__dirname, '../..');
const vector = (category: string, name: string) =>
  JSON.parse(readFileSync(join(ROOT, 'vectors', 'ap2', category, `${name}.json`), 'utf8'));

describe('inspecting an AP2 bundle', () => {
  it('draws a 4-hop payment chain root first, every segment verified and bound to the one above', async () => {
    const m = await inspectBundle(vector('valid', 'hnp-network-valid-4-hop'), 'presented', 0);
    expect(m.verdict).toMatchObject({ valid: true, mode: 'ap2', profile: 'ap2-0.2' });
    expect(m.ap2?.chains).toEqual([
      { kind: 'payment', cards: ['payment#0', 'payment#1', 'payment#2', 'payment#3'] },
    ]);
    expect(m.cards.map((c) => [c.layer, c.status])).toEqual(Array(4).fill(['ap2', 'verified']));
    expect(m.bindings.map((b) => [b.from, b.to, b.status])).toEqual([
      ['payment#0', 'payment#1', 'ok'],
      ['payment#1', 'payment#2', 'ok'],
      ['payment#2', 'payment#3', 'ok'],
    ]);
    // Each hop's signer is the key the segment above named in its cnf.
    for (let hop = 1; hop < 4; hop++) {
      const above = m.cards[hop - 1]!.delegatesTo[0]!;
      expect(above.thumbprint).toBeDefined();
      expect(m.cards[hop]!.signer.thumbprint).toBe(above.thumbprint);
    }
    expect(m.cards[3]!.delegatesTo).toEqual([]); // the final hop delegates to no one
    expect(m.verdict.summary).toMatch(/^pays \d+\.\d{2} EUR to Shop$/);
    expect(m.constraints.length).toBeGreaterThan(0);
    for (const r of m.constraints) expect(r.status).toBe('passed');
  });

  it('puts a constraint violation on its row and a bad hop signature on its card', async () => {
    const over = await inspectBundle(
      vector('tampered', 'hnp-network-tamper-amount-above-max'),
      'presented',
      0,
    );
    expect(over.verdict.valid).toBe(false);
    const row = over.constraints.find((r) => r.type === 'payment.amount_range')!;
    expect(row).toMatchObject({
      status: 'failed',
      violations: [{ code: 'AP2_CONSTRAINT_VIOLATED' }],
    });

    const sig = await inspectBundle(
      vector('tampered', 'hnp-network-tamper-hop-signature'),
      'presented',
      0,
    );
    expect(sig.verdict.codes).toContain('AP2_SIGNATURE_INVALID');
    const bad = sig.cards.filter((c) => c.errors.some((e) => e.code === 'AP2_SIGNATURE_INVALID'));
    expect(bad).toHaveLength(1);
    expect(bad[0]!.id).not.toBe('payment#0');
  });

  it('draws both chains of a merchant-and-network bundle side by side', async () => {
    const m = await inspectBundle(vector('valid', 'hnp-dispute-valid'), 'presented', 0);
    expect(m.ap2?.chains.map((c) => c.kind)).toEqual(['checkout', 'payment']);
    expect(m.verdict.valid).toBe(true);
  });
});

describe('the one line a person reads', () => {
  it('says what a valid network view pays, in major units, to whom; nothing when invalid', async () => {
    const { readFileSync: read } = await import('node:fs');
    const file = join(ROOT, 'vectors', 'valid', 'vi-2026-04-autonomous-network.json');
    const bundle = JSON.parse(read(file, 'utf8'));
    const m = await inspectBundle(bundle, 'presented', 0);
    expect(m.verdict.valid).toBe(true);
    expect(m.verdict.summary).toMatch(/^pays \d+\.\d{2} USD to \S/);
    expect(m.verdict.summary).not.toMatch(/minor units/);
    const bad = await inspectBundle(
      vector('tampered', 'hnp-network-tamper-amount-above-max'),
      'presented',
      0,
    );
    expect(bad.verdict.summary).toBeUndefined();
  });
});
