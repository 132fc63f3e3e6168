/**
 * The shipped vectors checked the way a package user can: with the keys in
 * vectors/keys/ configured (not each bundle's own trust) and one fixed time.
 * Exactly the four class-13 vectors differ (spec/security-matrix.md, "Class 13
 * as vectors"); every other one reaches its verdict.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/verify.js';

const root = join(import.meta.dirname, '../../vectors');

describe('vectors/keys: the vectors under configured keys', () => {
  it('are the public keys of the vectors, no private member', () => {
    for (const f of ['issuer.jwks', 'merchant.jwks']) {
      const set = JSON.parse(readFileSync(join(root, 'keys', f), 'utf8')) as {
        keys: Record<string, unknown>[];
      };
      expect(set.keys.length).toBeGreaterThan(0);
      for (const k of set.keys) expect(k.d).toBeUndefined();
    }
  });

  it('vintent verify --trust --merchant-keys --now: every verdict but the four class-13 vectors', async () => {
    const lines: string[] = [];
    const w = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      lines.push(...String(s).trimEnd().split('\n'));
      return true;
    });
    const e = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let code: number;
    try {
      code = await run([
        '--json',
        '--trust',
        join(root, 'keys', 'issuer.jwks'),
        '--merchant-keys',
        join(root, 'keys', 'merchant.jwks'),
        '--now',
        '1800000120',
        join(root, 'valid'),
        join(root, 'tampered'),
      ]);
    } finally {
      w.mockRestore();
      e.mockRestore();
    }
    const reports = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const summary = reports.pop()!;
    const mismatched = reports
      .filter((r) => r.verdict_match === false)
      .map((r) => String(r.file).split(/[\\/]/).slice(-2).join('/'))
      .sort();
    expect(mismatched).toEqual([
      'tampered/vi-2026-04-issuer-key-not-trusted.json',
      'tampered/vi-2026-04-l3-verified-after-expiry.json',
      'valid/immediate-self-chosen-time.json',
      'valid/immediate-self-vouching-issuer.json',
    ]);
    expect(summary).toMatchObject({
      summary: true,
      trust: 'configured',
      verdict_mismatch: 4,
      verdict_match: reports.length - 4,
    });
    expect(code!).toBe(1);
  });
});
