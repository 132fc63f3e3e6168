/**
 * `vintent demo --profile ap2-0.2 [--out DIR]`: the AP2 v0.2 flows with fresh
 * keys. Every AP2 vector vintent ships is made again (both human-present
 * models, chains of 2 to 4 segments, receipts, each refusal class), verified
 * by the role it is for, and, with --out, written as BUNDLE-AP2.md bundles;
 * then a network decides payments under one open mandate on an embedded
 * SQLite ledger: approval, replay, the budget across merchants.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteLedger } from '../ledger/sqlite.js';
import { authorizeAp2Presentation } from '../network/ap2.js';
import { AP2_V0_2 } from '../profiles/ap2.js';
import { sha256b64u } from '../sdjwt/digest.js';
import { verifyAp2Presentation } from '../verify/ap2/index.js';
import {
  AT,
  anotherPayment,
  buildAp2,
  keys,
  longLived,
  NETWORK,
  OTHER_SHOP,
} from './ap2-scenarios.js';
import { ap2Vectors } from './ap2-vectors.js';

type Log = (line: string) => void;

/** Run the AP2 demo; 0 when every party concluded as its vector says. */
export async function ap2Demo(out: string | undefined, log: Log): Promise<number> {
  log('AP2 v0.2 demo: delegate SD-JWT chains, every segment ES256-signed and verified for real.');
  log(`Profile: ${AP2_V0_2.name} (${AP2_V0_2.title})`);
  let ok = true;
  const vectors = await ap2Vectors();
  for (const v of vectors) {
    const r = await verifyAp2Presentation(v.bundle, { trustFromBundle: true });
    const want = v.bundle.verdict as { valid: boolean; error: string | null };
    const agrees = r.valid === want.valid && r.ap2_error === want.error;
    ok &&= agrees;
    const what = r.valid ? 'accepted' : `refused  ${r.ap2_error} (${r.errors[0]?.code})`;
    log(`  ${agrees ? 'ok ' : 'BAD'} ${String(v.bundle.name).padEnd(58)} ${what}`);
    if (out) {
      mkdirSync(join(out, v.category), { recursive: true });
      writeFileSync(join(out, v.category, v.file), `${JSON.stringify(v.bundle, null, 2)}\n`);
    }
  }
  ok = (await networkState(log)) && ok;
  if (out) log(`\n${vectors.length} AP2 bundles (BUNDLE-AP2.md) written to ${out}`);
  log(ok ? '\nEvery party concluded as it should.' : '\nSome party did not conclude as it should.');
  return ok ? 0 : 1;
}

/** The state the AP2 SDK leaves to its caller, kept by the ledger. */
async function networkState(log: Log): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'vintent-ap2-demo-'));
  const ledger = await openSqliteLedger(join(dir, 'ledger.sqlite'));
  try {
    log(
      '\nNetwork with a ledger: one open payment mandate (budget 100.50 EUR, ON_DEMAND), several merchants',
    );
    const f = await buildAp2(longLived({ frequency: 'ON_DEMAND' }));
    const trust = {
      ledger,
      issuerKeys: { keys: [keys.provider.publicJwk] } as never,
      aud: NETWORK.aud,
    };
    const tx = (checkoutJwt: string) => ({
      transaction_id: sha256b64u(checkoutJwt),
      open_checkout_hash: sha256b64u(f.openCheckoutRoot),
    });
    const pay = (chain: string, checkoutJwt: string, at: number) =>
      authorizeAp2Presentation(
        { ap2_bundle: 1, role: 'network', payment_chain: chain },
        trust,
        tx(checkoutJwt),
        at,
      );
    const words = (a: Awaited<ReturnType<typeof pay>>) =>
      a.decision === 'approved'
        ? `approved${a.replayed ? ' (replay: counted once)' : ''}`
        : `declined ${a.ap2_error} (${a.errors[0]?.code})`;
    const first = await pay(f.paymentChain, f.checkoutJwt, AT);
    log(`  29.98 EUR at Shop:                 ${words(first)}`);
    const again = await pay(f.paymentChain, f.checkoutJwt, AT + 5);
    log(`  the same closed mandate again:     ${words(again)}`);
    const other = await anotherPayment(f, { at: AT + 60, payee: OTHER_SHOP, amount: 6900 });
    const second = await pay(other.paymentChain, other.checkoutJwt, AT + 60);
    log(`  69.00 EUR at Other:                ${words(second)}`);
    const over = await anotherPayment(f, { at: AT + 120, amount: 2000 });
    const third = await pay(over.paymentChain, over.checkoutJwt, AT + 120);
    log(`  20.00 EUR more (over the budget):  ${words(third)}`);
    return (
      first.decision === 'approved' &&
      again.replayed === true &&
      second.decision === 'approved' &&
      third.decision === 'declined'
    );
  } finally {
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
