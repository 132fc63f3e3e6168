/** `vintent profiles` lists the profile table; `vintent demo --profile NAME --out DIR` writes every view in that profile. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { profileOfBundle } from '../../src/cli/conformance.js';
import { run as demo } from '../../src/cli/demo.js';
import { run as profiles } from '../../src/cli/profiles.js';
import { run as verify } from '../../src/cli/verify.js';
import { DEFAULT_PROFILE, PROFILES } from '../../src/profiles/profile.js';

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const w = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((s) => (out.push(String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await fn(), out: out.join('') };
  } finally {
    w.mockRestore();
    e.mockRestore();
  }
}

describe('vintent profiles', () => {
  it('lists every profile with its names, marking the default', async () => {
    const { code, out } = await capture(() => profiles([]));
    expect(code).toBe(0);
    for (const p of PROFILES) expect(out).toContain(p.vct.paymentOpen);
    expect(out).toContain(`${DEFAULT_PROFILE} (default`);
    const json = await capture(() => profiles(['--json']));
    // JSON Lines: one profile per line, then the summary.
    const lines = json.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.at(-1)).toEqual({
      summary: true,
      profiles: PROFILES.length + 1,
      default: DEFAULT_PROFILE,
    });
    const all = lines.slice(0, -1) as { name: string; default: boolean; agent_kid: string }[];
    expect(all.at(-1)).toMatchObject({ name: 'ap2-0.2', default: false, chain_separator: '~~' });
    expect(out).toContain('ap2-0.2');
    const list = all.slice(0, -1);
    expect(list.map((p) => p.name)).toEqual(PROFILES.map((p) => p.name));
    expect(list.filter((p) => p.default).map((p) => p.name)).toEqual([DEFAULT_PROFILE]);
    expect(Object.fromEntries(list.map((p) => [p.name, p.agent_kid]))).toEqual({
      'vi-2026-02': 'cnf.kid',
      'vi-2026-04': 'cnf.jwk.kid',
    });
    expect((await capture(() => profiles(['--bogus']))).code).toBe(2);
  });
});

describe('vintent demo --profile', () => {
  for (const p of PROFILES) {
    it(`writes every role view in ${p.name}, and each verifies`, async () => {
      const dir = mkdtempSync(join(tmpdir(), `vintent-demo-${p.name}-`));
      const { code, out } = await capture(() => demo(['--out', dir, '--profile', p.name]));
      expect(code).toBe(0);
      expect(out).toContain(`Wire profile: ${p.name}`);
      const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
      expect(files.length).toBeGreaterThanOrEqual(11);
      for (const f of files)
        expect({
          f,
          profile: profileOfBundle(JSON.parse(readFileSync(join(dir, f), 'utf8'))),
        }).toEqual({ f, profile: p.name });
    });
  }

  it('refuses an unknown profile', async () => {
    expect((await capture(() => demo(['--profile', 'vi-1999-01']))).code).toBe(2);
  });
});

describe('vintent verify and profiles', () => {
  it('names the profile on each line and in --json; --profiles restricts them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vintent-verify-profiles-'));
    expect((await capture(() => demo(['--out', dir, '--profile', 'vi-2026-04']))).code).toBe(0);
    const file = join(
      dir,
      readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()[0]!,
    );
    const text = await capture(() => verify([file]));
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/\((immediate|autonomous), vi-2026-04\)/);
    const json = JSON.parse((await capture(() => verify(['--json', file]))).out.split('\n')[0]!);
    expect(json.profile).toBe('vi-2026-04');
    const refused = await capture(() => verify(['--json', '--profiles', 'vi-2026-02', file]));
    expect(refused.code).toBe(1);
    expect(
      JSON.parse(refused.out.split('\n')[0]!).errors.map((e: { code: string }) => e.code),
    ).toContain('PROFILE_NOT_ACCEPTED');
    expect((await capture(() => verify(['--profiles', 'vi-1999-01', file]))).code).toBe(2);
  });
});

describe('vintent demo --profile ap2-0.2', () => {
  it('writes AP2 bundles, valid and refused, that vintent verify judges as recorded; the ledger keeps the budget', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vintent-demo-ap2-'));
    const { code, out } = await capture(() => demo(['--out', dir, '--profile', 'ap2-0.2']));
    expect(code).toBe(0);
    expect(out).toContain('Profile: ap2-0.2');
    expect(out).toContain('declined invalid_mandate');
    const valid = readdirSync(join(dir, 'valid'));
    const tampered = readdirSync(join(dir, 'tampered'));
    expect(valid.length).toBeGreaterThanOrEqual(10);
    expect(tampered.length).toBeGreaterThanOrEqual(30);
    const b = JSON.parse(readFileSync(join(dir, 'valid', valid[0]!), 'utf8'));
    expect(b.ap2_bundle).toBe(1);
    const checked = await capture(() => verify(['--json', dir]));
    expect(checked.code).toBe(0);
    const summary = JSON.parse(checked.out.trimEnd().split('\n').at(-1)!);
    expect(summary).toMatchObject({ bundles: valid.length + tampered.length, verdict_mismatch: 0 });
  });
});
