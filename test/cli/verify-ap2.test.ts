/** `vintent verify` on AP2 v0.2 bundles: dispatched by `ap2_bundle`, judged against the recorded verdict and AP2 error. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/verify.js';
import { sha256b64u } from '../../src/sdjwt/digest.js';
import { AT, buildAp2, bundleOf, MERCHANT_AUD, NETWORK } from '../fixtures/ap2-chain.js';
import { captureRun } from '../support/capture.js';

const capture = (args: string[]) => captureRun(run, args);

/** A test-vector bundle as BUNDLE-AP2.md lays it out: trust, at, expect and inputs inside. */
async function vector(
  hooks: Parameters<typeof buildAp2>[0],
  verdict: { valid: boolean; error?: string },
) {
  const f = await buildAp2(hooks);
  return {
    ...bundleOf(f, 'network'),
    name: 'fixture',
    at: AT,
    trust: f.trust,
    expect: {
      payment: {
        ...NETWORK,
        transaction_id: sha256b64u(f.checkoutJwt),
        open_checkout_hash: sha256b64u(f.openCheckoutRoot),
      },
      checkout: { ...MERCHANT_AUD },
    },
    inputs: { payment: { mandate_context: { total_amount: 0, total_uses: 0 } } },
    verdict,
  };
}

describe('vintent verify, AP2 bundles', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vintent-verify-ap2-'));
  const good = join(dir, 'good.json');
  const expired = join(dir, 'expired.json');
  const wrongError = join(dir, 'wrong-error.json');
  writeFileSync(good, JSON.stringify(await vector({}, { valid: true })));
  const late = { closedPayment: (m: Record<string, unknown>) => ({ ...m, exp: AT - 600 }) };
  writeFileSync(
    expired,
    JSON.stringify(await vector(late, { valid: false, error: 'invalid_credential' })),
  );
  writeFileSync(
    wrongError,
    JSON.stringify(await vector(late, { valid: false, error: 'insufficient_authorization' })),
  );

  it('verifies them and matches validity and AP2 error code', async () => {
    const { code, out } = await capture(['--json', good, expired]);
    expect(code).toBe(0);
    const [a, b] = out.slice(0, 2).map((l) => JSON.parse(l));
    expect(a).toMatchObject({
      valid: true,
      profile: 'ap2-0.2',
      ap2_error: null,
      verdict_match: true,
    });
    expect(b).toMatchObject({ valid: false, ap2_error: 'invalid_credential', verdict_match: true });
    expect(b.errors[0].code).toBe('AP2_EXPIRED');
  });

  it('a recorded AP2 error other than the one reached is a mismatch (exit 1)', async () => {
    const { code, out } = await capture(['--json', wrongError]);
    expect(code).toBe(1);
    expect(JSON.parse(out[0]!).verdict_match).toBe(false);
  });

  it('--profiles without ap2-0.2 refuses them with PROFILE_NOT_ACCEPTED', async () => {
    const { out } = await capture(['--json', '--profiles', 'vi-2026-04', good]);
    const r = JSON.parse(out[0]!);
    expect(r.valid).toBe(false);
    expect(r.errors[0].code).toBe('PROFILE_NOT_ACCEPTED');
    const ok = await capture(['--json', '--profiles', 'ap2-0.2', good]);
    expect(JSON.parse(ok.out[0]!).valid).toBe(true);
  });

  it('--trust replaces the bundle trust: a key that is not the root fails it', async () => {
    const keysFile = join(dir, 'other.json');
    const { generateSigningKey } = await import('../../src/sdjwt/keys.js');
    writeFileSync(keysFile, JSON.stringify({ keys: [generateSigningKey('x').publicJwk] }));
    const { out } = await capture(['--json', '--trust', keysFile, '--now', String(AT), good]);
    const r = JSON.parse(out[0]!);
    expect(r.valid).toBe(false);
    expect(r.errors.map((e: { code: string }) => e.code)).toContain('AP2_ROOT_KEY_UNKNOWN');
  });
});
