/** `vintent demo --out DIR` writes every flow's role views, and every one verifies. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/demo.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';

describe('vintent demo', () => {
  it('writes valid bundles for every flow and role', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vintent-demo-'));
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const code = await run(['--out', dir]);
    write.mockRestore();
    expect(code).toBe(0);
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(readdirSync(dir)).toEqual(
      expect.arrayContaining(['README.txt', 'issuer.jwks', 'merchant.jwks']),
    );
    expect(files).toEqual(
      expect.arrayContaining([
        'immediate-merchant.json',
        'immediate-network.json',
        'autonomous-network.json',
        'autonomous-multi-pair-dispute.json',
      ]),
    );
    for (const f of files) {
      const bundle = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      const r = await verifyPresentation(bundle);
      expect({ f, valid: r.valid, errors: r.errors }).toEqual({ f, valid: true, errors: [] });
    }
  });

  it('merchant views never carry the payment mandate; network views never the checkout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vintent-demo-'));
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await run(['--out', dir]);
    write.mockRestore();
    const decodeAll = (s: string) =>
      s
        .split(/[~.]/)
        .map((p) => Buffer.from(p, 'base64url').toString('utf8'))
        .join('\n');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
      const b = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      const text = decodeAll(
        [b.l2, ...(b.l3 ?? []).flatMap((e: Record<string, string>) => Object.values(e))].join('~'),
      );
      if (f.includes('merchant')) expect(text).not.toContain('mandate.payment');
      if (f.includes('network')) {
        expect(text).not.toContain('mandate.checkout');
        expect(text).not.toContain('checkout_jwt');
      }
    }
  });

  it('says per party what it sees and what stays hidden, in money, and shows the parties saying no with their codes', async () => {
    let text = '';
    const write = vi
      .spyOn(process.stdout, 'write')
      .mockImplementation((s) => ((text += String(s)), true));
    const code = await run([]);
    write.mockRestore();
    expect(code).toBe(0);
    const blocks = text.split('\n  ').filter((b) => /^(merchant|network)/.test(b));
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    for (const b of blocks.filter((x) => x.startsWith('merchant') && x.includes('hidden')))
      expect(b).toMatch(/hidden +the payment mandate \(the card/);
    for (const b of blocks.filter((x) => x.startsWith('network') && x.includes('hidden')))
      expect(b).toMatch(/hidden +the checkout mandate \(the cart/);
    expect(text).toContain('pays 279.99 USD');
    expect(text).not.toMatch(/minor units|\b27999\b/);
    for (const c of [
      'CONSTRAINT_AMOUNT_ABOVE_MAX',
      'CONSTRAINT_PAYEE_NOT_ALLOWED',
      'LEDGER_PAIR_ALREADY_FULFILLED',
    ])
      expect(text).toContain(c);
    expect(text).toContain('replay');
    const headings = text.split('\n').filter((l) => l.startsWith('== '));
    expect(new Set(headings).size).toBe(headings.length);
    for (const h of headings) expect(h).not.toMatch(/\((immediate|autonomous)\)/);
  });

  it('fails at once, exit 2, on an --out it cannot create, before any flow runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vintent-demo-'));
    writeFileSync(join(dir, 'a-file'), 'x');
    const cases = [join(dir, 'a-file', 'sub')];
    // Node's own recursive mkdir never returns here; ours must answer.
    if (process.platform === 'linux') cases.push('/proc/vintent-demo-out');
    for (const out of cases) {
      let text = '';
      const write = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
        text += String(s);
        return true;
      });
      const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const code = await run(['--out', out]);
      write.mockRestore();
      err.mockRestore();
      expect({ out, code }).toEqual({ out, code: 2 });
      expect(text).toBe('');
    }
  });
});
