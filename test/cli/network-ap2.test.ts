/**
 * `vintent network authorize` on an AP2 bundle, offline on a SQLite ledger:
 * approved once, the same presentation again replayed, a payment without the
 * acquirer's checkout hash a usage error, and the decision's exit status.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/network.js';
import { captureRun } from '../support/capture.js';

const ROOT = resolve(__dirname, '../..');

const capture = (args: string[]) => captureRun(run, args);

describe('vintent network authorize (AP2)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vintent-net-ap2-'));
  const vector = JSON.parse(
    readFileSync(join(ROOT, 'vectors', 'ap2', 'valid', 'hnp-network-valid.json'), 'utf8'),
  );
  const bundleFile = join(dir, 'bundle.json');
  writeFileSync(bundleFile, JSON.stringify(vector));
  const trust = join(dir, 'roots.jwks');
  writeFileSync(trust, JSON.stringify(vector.trust.issuer_jwks));
  const pay = vector.expect.payment;
  const base = [
    'authorize',
    bundleFile,
    '--ledger',
    `sqlite:${join(dir, 'ledger.db')}`,
    '--trust',
    trust,
    '--network-aud',
    pay.aud,
    '--now',
    String(vector.at),
    '--json',
  ];
  const withTransaction = [
    ...base,
    '--transaction-id',
    pay.transaction_id,
    '--open-checkout-hash',
    pay.open_checkout_hash,
  ];

  it('approves, then answers the same presentation with its first decision', async () => {
    const first = await capture(withTransaction);
    expect(first.code).toBe(0);
    const a = JSON.parse(first.out[0]!);

    expect(a).toMatchObject({ decision: 'approved', ap2_error: null, errors: [] });
    const again = await capture(withTransaction);
    expect(JSON.parse(again.out[0]!)).toMatchObject({
      decision: 'approved',
      replayed: true,
      authorization_id: a.authorization_id,
    });
  });

  it('another checkout hash declines; without one, or without --network-aud, it is a usage error', async () => {
    const wrong = await capture([...base, '--transaction-id', 'x'.repeat(43)]);
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.out[0]!).errors.map((e: { code: string }) => e.code)).toContain(
      'AP2_TRANSACTION_ID_MISMATCH',
    );
    expect((await capture(base)).code).toBe(2);
    const noAud = withTransaction.filter(
      (_, i, a) => a[i] !== '--network-aud' && a[i - 1] !== '--network-aud',
    );
    expect((await capture(noAud)).code).toBe(2);
  });
});
