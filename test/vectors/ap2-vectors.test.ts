/**
 * vintent's AP2 vectors (vectors/ap2/): each committed bundle reaches its
 * verdict, AP2 error code and vintent code; the generator still makes a set
 * that does, covering both human-present delegation models, 2- to 4-segment
 * chains, receipts, every AP2 constraint type and every refusal class.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeAp2Vectors } from '../../scripts/make-ap2-vectors.js';
import { AP2_V0_2 } from '../../src/profiles/ap2.js';
import { verifyAp2Presentation } from '../../src/verify/ap2/index.js';

type Bundle = Record<string, any>;

function load(dir: string): { f: string; b: Bundle }[] {
  return ['valid', 'tampered'].flatMap((sub) =>
    readdirSync(join(dir, sub))
      .sort()
      .map((f) => ({ f: `${sub}/${f}`, b: JSON.parse(readFileSync(join(dir, sub, f), 'utf8')) })),
  );
}

async function check(dir: string): Promise<{ f: string; b: Bundle }[]> {
  const all = load(dir);
  for (const { f, b } of all) {
    const r = await verifyAp2Presentation(b, { trustFromBundle: true });
    expect({ f, valid: r.valid, ap2: r.ap2_error }).toEqual({ f, valid: b.verdict.valid, ap2: b.verdict.error });
    if (b.verdict.code) expect({ f, code: r.errors[0]?.code }).toEqual({ f, code: b.verdict.code });
  }
  return all;
}

describe('vectors/ap2/', () => {
  it('every committed AP2 vector gets its verdict and codes', async () => {
    expect((await check(resolve(__dirname, '../../vectors/ap2'))).length).toBeGreaterThanOrEqual(50);
  });

  it('the generator makes a conforming set that covers the flows, depths and constraint types', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vintent-ap2-vectors-'));
    await makeAp2Vectors(out);
    const all = await check(out);
    const names = all.map((v) => v.b.name as string);
    for (const flow of ['hp-tap/merchant/valid', 'hp-tap/network/valid', 'hp-uc/merchant/valid', 'hp-uc/network/valid', 'hnp/network/valid-3-hop', 'hnp/network/valid-4-hop', 'receipt/dispute/valid'])
      expect(names).toContain(flow);
    const valid = all.filter((v) => v.b.verdict.valid);
    const inDisclosures = new Set<string>();
    for (const { b } of valid)
      for (const chain of [b.checkout_chain, b.payment_chain].filter(Boolean) as string[])
        for (const part of chain.split('~'))
          try {
            const text = Buffer.from(part, 'base64url').toString('utf8');
            for (const m of text.matchAll(/"type":\s*"([a-z_.]+)"/g)) inDisclosures.add(m[1]!);
          } catch {}
    for (const kind of ['checkout', 'payment'] as const)
      for (const t of AP2_V0_2.constraint[kind]) expect([...inDisclosures]).toContain(t);
    const refused = new Set(all.filter((v) => !v.b.verdict.valid).map((v) => v.b.verdict.error));
    expect([...refused].sort()).toEqual(
      ['invalid_credential', 'invalid_mandate', 'mandates_not_supported', 'receipt_reference_not_found_in_store', 'unresolved_constraint'].sort(),
    );
  });
});
