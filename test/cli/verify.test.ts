/** `vintent verify`: one line per bundle, a summary, and the documented exit codes. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/verify.js';
import { AT, autonomousBundle, immediateBundle } from '../fixtures/raw-chain.js';
import { captureRun } from '../support/capture.js';

const capture = (args: string[]) => captureRun(run, args);

describe('vintent verify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vintent-verify-'));
  const good = join(dir, 'good.json');
  const tampered = join(dir, 'tampered.json');
  const broken = join(dir, 'broken.json');
  writeFileSync(good, JSON.stringify(immediateBundle()));
  writeFileSync(
    tampered,
    JSON.stringify({
      ...autonomousBundle({ l3aPayload: (p) => (p.sd_hash = 'x') }, 'network'),
      verdict: { valid: false },
    }),
  );
  writeFileSync(broken, '{ not json');

  it('exit 0 when every bundle is valid or matches its verdict; summary line', async () => {
    const { code, out } = await capture([good, tampered]);
    expect(code).toBe(0);
    expect(out.at(-1)).toMatch(
      /^2 bundles, 1 valid, 1 match their verdict \(trust and time taken from each bundle/,
    );
  });

  it('--json prints one object per bundle with codes', async () => {
    const { out } = await capture(['--json', tampered]);
    const r = JSON.parse(out[0]!);
    expect(r).toMatchObject({
      file: tampered,
      valid: false,
      mode: 'autonomous',
      verdict_match: true,
    });
    expect(r.errors[0]).toMatchObject({ code: 'L3_SD_HASH_MISMATCH', layer: 'l3a', pair: 0 });
  });

  it('a file that is not JSON is a result saying where it breaks, the others still verify, and the run exits 2', async () => {
    const { code, out } = await capture(['--json', broken, good]);
    expect(code).toBe(2);
    expect(JSON.parse(out[0]!).errors[0]).toMatchObject({
      code: 'BUNDLE_MALFORMED',
      message: expect.stringMatching(/\(line \d+, column \d+\)$/),
    });
    expect(JSON.parse(out[1]!).valid).toBe(true);
    const human = await capture([broken]);
    expect(human.code).toBe(2);
    expect(human.out[0]).toMatch(/BUNDLE_MALFORMED: .*\(line \d+, column \d+\)/);
  });

  it('directories are expanded to their *.json files', async () => {
    const { out } = await capture([dir]);
    expect(out.at(-1)).toMatch(/^3 bundles, 1 valid, 1 match their verdict /);
  });

  it('without --trust: test-vector mode, said on every line and in the summary; with --trust: configured keys only', async () => {
    const vector = await capture([good, tampered]);
    for (const line of vector.out.slice(0, -1))
      expect(line).toMatch(/\[trust and time from the bundle\]$/);
    expect(vector.out.at(-1)).toMatch(/test-vector mode/);
    expect(JSON.parse((await capture(['--json', good])).out[0]!).trust).toBe('bundle');
    const keys = join(dir, 'other-issuer.jwks');
    writeFileSync(keys, JSON.stringify({ keys: [] }));
    const configured = await capture(['--trust', keys, '--now', String(AT), good]);
    expect(configured.out[0]).toMatch(/^INVALID .*L1_ISSUER_KEY_UNKNOWN$/);
    expect(configured.out.at(-1)).toBe('1 bundles, 0 valid, 0 match their verdict');
  });

  it('usage errors exit 2', async () => {
    expect((await capture([])).code).toBe(2);
    expect((await capture(['--bogus', good])).code).toBe(2);
    expect((await capture([join(dir, 'missing.json')])).code).toBe(2);
  });
});
