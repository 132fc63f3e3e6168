/**
 * `vintent profiles [--json]`: the wire vocabularies vintent issues and
 * verifies, read from the profile table (src/profiles/profile.ts).
 */
import { AP2_V0_2 } from '../profiles/ap2.js';
import { DEFAULT_PROFILE, PROFILES, type WireProfile } from '../profiles/profile.js';
import { type CommandSpec, runCommand, UsageError } from './args.js';

/** Flags and help of `vintent profiles`. */
export const PROFILES_COMMAND: CommandSpec = {
  name: 'profiles',
  summary:
    'List the wire vocabularies vintent issues and verifies: their mandate VCTs, constraint names and differences.',
  flags: {
    json: {
      type: 'boolean',
      help: 'JSON Lines on stdout: one profile per line, then {"summary":true,...}',
    },
  },
  example: 'profiles --json',
  notes: ['exit status: 0, 2 usage'],
};

/** The facts a reader needs to tell two profiles apart. */
export function describeProfile(p: WireProfile): Record<string, unknown> {
  return {
    name: p.name,
    default: p.name === DEFAULT_PROFILE,
    title: p.title,
    spec: `../shared/${p.specText}/`,
    vct: p.vct,
    constraint: p.constraint,
    allowlist_member: p.allowlistField,
    agent_kid: p.agentKid,
    frequencies: p.frequencies.recurrence,
    line_items_match_mode: p.lineItemMatchModes ?? null,
    budget_min: p.budgetMin,
    risk_data: p.riskDataMembers ?? null,
    default_l2_layout: p.defaultL2Layout,
  };
}

/** The AP2 vocabulary (src/profiles/ap2.ts): verified and issued through its own chain format. */
export function describeAp2Profile(): Record<string, unknown> {
  const p = AP2_V0_2;
  return {
    name: p.name,
    default: false,
    title: p.title,
    spec: `../shared/${p.specText}/`,
    vct: p.vct,
    constraint: p.constraint,
    hop_typ: { terminal: p.typ.terminal, intermediate: p.typ.intermediate },
    chain_separator: p.chainSeparator,
    max_hops: p.maxHops,
    frequencies: Object.keys(p.frequencies),
    presets: p.paymentPresets,
    budget_max: 'major units, ISO 4217 exponent',
  };
}

export async function run(args: string[]): Promise<number> {
  return runCommand(PROFILES_COMMAND, args, async (values, positionals) =>
    list(values.json === true, positionals),
  );
}

async function list(json: boolean, positionals: string[]): Promise<number> {
  if (positionals.length > 0) throw new UsageError('profiles takes no operands');
  if (json) {
    for (const p of PROFILES) process.stdout.write(`${JSON.stringify(describeProfile(p))}\n`);
    process.stdout.write(`${JSON.stringify(describeAp2Profile())}\n`);
    process.stdout.write(
      `${JSON.stringify({ summary: true, profiles: PROFILES.length + 1, default: DEFAULT_PROFILE })}\n`,
    );
    return 0;
  }
  for (const p of PROFILES) {
    const mark = p.name === DEFAULT_PROFILE ? ' (default for new credentials)' : '';
    process.stdout.write(
      `${p.name}${mark}\n  ${p.title}\n` +
        `  mandate VCTs     ${p.vct.checkoutOpen}, ${p.vct.paymentOpen} / ${p.vct.checkout}, ${p.vct.payment}\n` +
        `  constraints      ${Object.values(p.constraint).join(', ')}\n` +
        `  allowlists in    ${p.allowlistField.allowedMerchant} / ${p.allowlistField.allowedPayee}; agent key id in ${p.agentKid}\n` +
        `  frequencies      ${p.frequencies.recurrence.join(' ')}\n` +
        `  April additions  match_mode ${p.lineItemMatchModes ? 'yes' : 'no'}, budget.min ${p.budgetMin ? 'yes' : 'no'}, risk_data ${p.riskDataMembers ? 'yes' : 'no'}\n` +
        `  L2 layout        ${p.defaultL2Layout} by default (spec/wire-format.md)\n`,
    );
  }
  const a = AP2_V0_2;
  process.stdout.write(
    `${a.name}\n  ${a.title}\n` +
      `  mandate VCTs     ${a.vct.checkout.open}, ${a.vct.payment.open} / ${a.vct.checkout.closed}, ${a.vct.payment.closed}\n` +
      `  constraints      ${[...a.constraint.checkout, ...a.constraint.payment].join(', ')}\n` +
      `  chains           segments joined by ${a.chainSeparator}, hops ${a.typ.terminal.join('/')} and ${a.typ.intermediate.join('/')}, at most ${a.maxHops}\n` +
      `  frequencies      ${Object.keys(a.frequencies).join(' ')}\n` +
      `  budget.max       major units, converted with the ISO 4217 exponent\n`,
  );
  return 0;
}
