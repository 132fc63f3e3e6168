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
import { type CommandSpec, runCommand, stringFlag, UsageError } from './args.js';
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

/** Flags and help of `vintent demo`. */
export const DEMO_COMMAND: CommandSpec = {
  name: 'demo',
  summary: 'Run the purchase flows end to end with fresh keys — issue, present, verify at the merchant and the network — and show what each party sees, what stays hidden from it, and where parties say no.',
  flags: {
    out: { type: 'string', value: 'DIR', help: 'also write every role view as a bundle file into DIR' },
    profile: { type: 'string', value: 'NAME', help: 'wire profile of the credentials (vintent profiles lists them)', default: 'vi-2026-04' },
  },
  example: 'demo --out demo-bundles --profile vi-2026-02',
  notes: ['exit status: 0 every party concluded as expected, 1 otherwise, 2 usage'],
};

export async function run(args: string[]): Promise<number> {
  return runCommand(DEMO_COMMAND, args, async (values) => {
    const profileName = stringFlag(values, 'profile') ?? DEFAULT_PROFILE;
    if (!findProfile(profileName)) throw new UsageError(`unknown profile '${profileName}' (known: ${PROFILES.map((p) => p.name).join(', ')})`);
    return demo(stringFlag(values, 'out'), profileName);
  });
}

async function demo(out: string | undefined, profileName: string): Promise<number> {
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
