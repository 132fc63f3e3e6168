/**
 * An independent AP2 verifier judges what vintent issues: scripts/ap2-sdk-judge.py
 * runs the AP2 Python SDK's own verification functions over vectors/ap2 (and
 * the shared SDK-made bundles), and every verdict agrees with the vector's, or
 * with its reference_verdict where the SDK departs from the AP2 text.
 *
 * Needs the SDK and its sd-jwt library, which no registry here serves: set
 * VINTENT_AP2_SDK_PYTHONPATH (AP2 code/sdk/python and sd-jwt-python src,
 * joined by ':') and VINTENT_AP2_SDK_PYTHON (an interpreter with jwcrypto,
 * pydantic and cryptography). Skipped otherwise, with that reason.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { AP2_DIR, describeIf } from '../support/environment.js';

const ROOT = resolve(__dirname, '../..');
const python = process.env.VINTENT_AP2_SDK_PYTHON;
const path = process.env.VINTENT_AP2_SDK_PYTHONPATH;
const sdk = {
  available: Boolean(python && path),
  reason:
    'the AP2 Python SDK is not installed here (set VINTENT_AP2_SDK_PYTHON and VINTENT_AP2_SDK_PYTHONPATH)',
};

describeIf(sdk)('the AP2 SDK judges vintent’s AP2 vectors', () => {
  it('agrees with every verdict (reference_verdict where the SDK departs from the text)', () => {
    const dirs = [join(ROOT, 'vectors', 'ap2')];
    if (existsSync(join(AP2_DIR, 'bundles'))) dirs.push(join(AP2_DIR, 'bundles'));
    const r = spawnSync(python!, [join(ROOT, 'scripts', 'ap2-sdk-judge.py'), ...dirs], {
      env: { ...process.env, PYTHONPATH: path },
      encoding: 'utf8',
      timeout: 120_000,
    });
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const summary = lines.pop()!;
    expect(lines.filter((l) => l.agrees !== true)).toEqual([]);
    expect(summary).toMatchObject({ summary: true, disagree: 0 });
    expect(summary.agree as number).toBeGreaterThanOrEqual(53);
    // The SDK accepts every valid vector vintent issues but the two where it departs from the text.
    const validRefused = lines.filter((l) => l.verdict === true && l.valid !== true);
    expect(validRefused.map((l) => String(l.file).split('/').pop()).sort()).toEqual([
      'hnp-network-valid-budget-kwd.json',
      'receipt-dispute-valid.json',
    ]);
    expect(r.status).toBe(0);
  });
});
