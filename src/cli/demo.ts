/**
 * `vintent demo [--out DIR] [--profile NAME]`: the purchase flows end to end — issue, present,
 * verify at the merchant, verify at the network — saying who signs what, what
 * each party sees and what it concludes. With --out, every role view is
 * written as a bundle file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyPresentation } from '../verify/index.js';
import type { VerificationResult } from '../verify/types.js';
import { DEFAULT_PROFILE, findProfile, PROFILES } from '../spec/profile.js';
import { autonomousFlow, immediateFlow, newActors, type Flow } from './scenarios.js';

function seen(bundle: { l2: string; l3?: { payment?: string; checkout?: string }[] }, result: VerificationResult): string {
  const mandates = result.pairs.flatMap((p) => [p.checkout ? 'checkout mandate' : undefined, p.payment ? 'payment mandate' : undefined]).filter(Boolean);
  const l3 = (bundle.l3 ?? []).flatMap((e) => [e.payment ? 'L3a' : undefined, e.checkout ? 'L3b' : undefined]).filter(Boolean);
  return [...new Set([...mandates, ...l3])].join(', ') || 'nothing';
}

function conclusion(result: VerificationResult): string {
  if (!result.valid) return `REJECTS: ${result.errors.map((e) => e.code).join(', ')}`;
  const amounts = result.pairs
    .map((p) => p.payment_values)
    .filter((v) => v !== undefined)
    .map((v) => `${v.amount} ${v.currency} minor units`);
  const skipped = result.checks.filter((c) => c.status === 'skipped').length;
  return `accepts (${result.checks.filter((c) => c.status === 'passed').length} checks passed, ${skipped} not applicable to this view)${amounts.length ? `; pays ${amounts.join(' + ')}` : ''}`;
}

async function show(flow: Flow, out: string | undefined, log: (s: string) => void): Promise<boolean> {
  log(`\n== ${flow.name} (${flow.mode}) ==`);
  for (const s of flow.steps) log(`  ${s.actor.padEnd(8)} ${s.action}`);
  let ok = true;
  for (const [role, bundle] of Object.entries(flow.bundles)) {
    // The demo's own bundles: checked as test vectors, against the trust and time they carry.
    const result = await verifyPresentation(bundle, { trustFromBundle: true });
    ok &&= result.valid;
    log(`  ${role.padEnd(16)} sees ${seen(bundle, result)} → ${conclusion(result)}`);
    if (out) writeFileSync(join(out, `${flow.name}-${role}.json`), `${JSON.stringify(bundle, null, 2)}\n`);
  }
  return ok;
}

export async function run(args: string[]): Promise<number> {
  let out: string | undefined;
  let profileName: string = DEFAULT_PROFILE;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out') out = args[++i];
    else if (args[i] === '--profile') profileName = args[++i] ?? '';
    else {
      process.stderr.write('usage: vintent demo [--out DIR] [--profile NAME]\n');
      return 2;
    }
  }
  if (!findProfile(profileName)) {
    process.stderr.write(`vintent demo: unknown profile '${profileName}' (known: ${PROFILES.map((p) => p.name).join(', ')})\n`);
    return 2;
  }
  if (out !== undefined) mkdirSync(out, { recursive: true });
  const log = (s: string) => process.stdout.write(`${s}\n`);
  const at = Math.floor(Date.now() / 1000);
  const actors = newActors();
  log('Verifiable Intent demo: every credential is ES256-signed and verified for real.');
  log(`Wire profile: ${profileName} (${findProfile(profileName)!.title})`);
  log(`Actors: issuer ${actors.issuer.kid}, user ${actors.user.kid}, agent ${actors.agent.kid}, merchants ${actors.merchants.map((m) => m.kid).join(', ')}`);
  const flows = [await immediateFlow(actors, at, profileName), await autonomousFlow(actors, at, 1, profileName), await autonomousFlow(actors, at, 2, profileName)];
  let ok = true;
  for (const f of flows) ok = (await show(f, out, log)) && ok;
  if (out) log(`\nBundles written to ${out}`);
  log(ok ? '\nAll views verified.' : '\nSome view did not verify.');
  return ok ? 0 : 1;
}
