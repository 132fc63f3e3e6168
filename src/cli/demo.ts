/**
 * `vintent demo [--out DIR] [--profile NAME]`: the purchase flows end to end — issue, present,
 * verify at the merchant, verify at the network — saying who signs what,
 * what each party sees and what stays hidden from it, and what it concludes.
 * Then the parties saying no: an overspending agent, a payee outside the
 * mandate, and the same mandate pair presented twice to a network deciding
 * on an embedded SQLite ledger. With --out, every role view is written as a
 * bundle file.
 */
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { IssuedL3Pair } from '../issue/index.js';
import { createCheckoutJwt, issueL2Autonomous, issueL3Pair } from '../issue/index.js';
import { openSqliteLedger } from '../ledger/sqlite.js';
import { type AuthorizeAnswer, authorizePresentation } from '../network/authorize.js';
import type { PresentationBundle } from '../present/index.js';
import { presentToNetwork } from '../present/index.js';
import { AP2_V0_2 } from '../profiles/ap2.js';
import { DEFAULT_PROFILE, findProfile, PROFILES } from '../profiles/profile.js';
import { makeArrayDisclosure, serializeSdJwt, signJwt } from '../sdjwt/build.js';
import type { SigningKey } from '../sdjwt/keys.js';
import { verifyPresentation } from '../verify/index.js';
import type { PairResult, VerificationResult } from '../verify/types.js';
import { ap2Demo } from './ap2-demo.js';
import { type CommandSpec, InputFileError, runCommand, stringFlag, UsageError } from './args.js';
import { formatMoney } from './format.js';
import {
  type Actors,
  AUDIENCES,
  autonomousFlow,
  CARD,
  type Flow,
  immediateFlow,
  l1For,
  newActors,
  SHOPS,
  trustOf,
} from './scenarios.js';

/** Flags and help of `vintent demo`. */
export const DEMO_COMMAND: CommandSpec = {
  name: 'demo',
  summary:
    'Run the purchase flows end to end with fresh keys — issue, present, verify at the merchant and the network — and show what each party sees, what stays hidden from it, and where parties say no.',
  flags: {
    out: {
      type: 'string',
      value: 'DIR',
      help: 'also write every role view as a bundle file into DIR',
    },
    profile: {
      type: 'string',
      value: 'NAME',
      help: 'wire profile of the credentials (vintent profiles lists them; ap2-0.2 runs the AP2 flows)',
      default: 'vi-2026-04',
    },
  },
  example: 'demo --out demo-bundles --profile vi-2026-02',
  notes: ['exit status: 0 every party concluded as expected, 1 otherwise, 2 usage'],
};

type Log = (s: string) => void;

const TITLES: Record<string, string> = {
  immediate: 'Immediate: the user confirms one final cart',
  autonomous: 'Autonomous: the user sets limits, the agent buys within them',
  'autonomous-multi-pair': 'Autonomous, two mandate pairs: two shops under one L2',
};

/** Who a party is, from the bundle's file-friendly role name (`merchant-pair-1` → merchant). */
function partyOf(role: string): 'merchant' | 'network' | 'dispute' {
  return role.startsWith('merchant')
    ? 'merchant'
    : role.startsWith('network')
      ? 'network'
      : 'dispute';
}

function partyName(p: unknown): string {
  return typeof p === 'object' && p !== null && typeof (p as { name?: unknown }).name === 'string'
    ? (p as { name: string }).name
    : 'the payee';
}

/** What the verified view disclosed, per pair, in words. */
function seen(result: VerificationResult): string[] {
  const out: string[] = [];
  for (const p of result.pairs) {
    const pair = result.pairs.length > 1 ? ` (pair ${p.index})` : '';
    if (p.checkout)
      out.push(`checkout mandate and cart${pair}${p.l3b === 'verified' ? ', L3b' : ''}`);
    if (p.payment)
      out.push(`payment mandate${pair}: ${paymentWords(p)}${p.l3a === 'verified' ? ', L3a' : ''}`);
  }
  return out;
}

function paymentWords(p: PairResult): string {
  const v = p.payment_values;
  const card = typeof CARD.description === 'string' ? CARD.description : 'the card';
  return v
    ? `${formatMoney(v.amount, v.currency)} to ${partyName(v.payee)}, ${card}`
    : `limits and ${card}`;
}

/** What the party's view withholds: the other party's mandate, and the email the wallet never presents. */
function hidden(party: 'merchant' | 'network' | 'dispute', mode: string): string[] {
  const l3 = mode === 'autonomous';
  if (party === 'merchant')
    return [
      `the payment mandate (the card, the amount)${l3 ? ' and L3a' : ''}`,
      "the user's email",
    ];
  if (party === 'network')
    return [
      `the checkout mandate (the cart, what was bought)${l3 ? ' and L3b' : ''}`,
      "the user's email",
    ];
  return ["the user's email (the wallet presents L1 without it)"];
}

function conclusion(result: VerificationResult): string {
  if (!result.valid) return `REFUSES: ${[...new Set(result.errors.map((e) => e.code))].join(', ')}`;
  const paid = result.pairs.map((p) => p.payment_values).filter((v) => v !== undefined);
  const checks = result.checks.filter((c) => c.status === 'passed').length;
  return `accepts (${checks} checks passed)${paid.length ? `; pays ${paid.map((v) => formatMoney(v.amount, v.currency)).join(' + ')}` : ''}`;
}

async function show(flow: Flow, out: string | undefined, log: Log): Promise<boolean> {
  log(`\n== ${TITLES[flow.name] ?? flow.name} ==`);
  for (const s of flow.steps) log(`  ${s.actor.padEnd(8)} ${s.action}`);
  let ok = true;
  for (const [role, bundle] of Object.entries(flow.bundles)) {
    // The demo's own bundles: checked as test vectors, against the trust and time they carry.
    const result = await verifyPresentation(bundle, { trustFromBundle: true });
    ok &&= result.valid;
    log(`  ${role}`);
    log(`      sees    ${seen(result).join('; ') || 'nothing'}`);
    log(`      hidden  ${hidden(partyOf(role), flow.mode).join('; ')}`);
    log(`      → ${conclusion(result)}`);
    if (out)
      writeFileSync(join(out, `${flow.name}-${role}.json`), `${JSON.stringify(bundle, null, 2)}\n`);
  }
  return ok;
}

/** The earliest `exp` of any credential in a bundle (L3s live minutes, L2s days). */
function earliestExp(bundle: Record<string, unknown>): number | undefined {
  const exps: number[] = [];
  const expOf = (sdJwt: unknown) => {
    if (typeof sdJwt !== 'string') return;
    try {
      const payload = JSON.parse(
        Buffer.from(sdJwt.split('~')[0]!.split('.')[1]!, 'base64url').toString('utf8'),
      );
      if (typeof payload.exp === 'number') exps.push(payload.exp);
    } catch {
      // A bundle the demo made itself: always readable.
    }
  };
  expOf(bundle.l1);
  expOf(bundle.l2);
  for (const entry of Array.isArray(bundle.l3) ? bundle.l3 : [])
    for (const v of Object.values(entry as object)) expOf(v);
  return exps.length ? Math.min(...exps) : undefined;
}

/**
 * With --out: the public keys the bundles verify under and a README.txt that
 * says, for this very run, which audiences they carry, until when they
 * verify, and the exact commands that serve and check them.
 */
function writeTryIt(out: string, actors: Actors, flows: Flow[], at: number): void {
  // Not *.json: `vintent verify DIR` reads every .json file as a bundle.
  const write = (name: string, body: string) => writeFileSync(join(out, name), body);
  write('issuer.jwks', `${JSON.stringify({ keys: [actors.issuer.publicJwk] }, null, 2)}\n`);
  write(
    'merchant.jwks',
    `${JSON.stringify({ keys: actors.merchants.map((m) => m.publicJwk) }, null, 2)}\n`,
  );
  const autonomous = flows.find((f) => f.name === 'autonomous')!;
  const until = earliestExp(autonomous.bundles.network as unknown as Record<string, unknown>) ?? at;
  const merchantAud = SHOPS[0]!.website;
  const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
  const dir = out.includes(' ') ? JSON.stringify(out) : out;
  write(
    'README.txt',
    [
      `vintent demo bundles, made ${iso(at)}.`,
      '',
      'Keys (public only): issuer.jwks (the card issuer, signs L1), merchant.jwks (the merchants, sign checkout_jwt).',
      `Audiences: network ${AUDIENCES.network} (every L3a), merchant ${merchantAud} (the L3b of autonomous-merchant.json).`,
      `The Autonomous L3s expire at ${iso(until)}, ${Math.max(0, Math.round((until - at) / 60))} minutes after the demo ran: run it again for fresh ones.`,
      '',
      'Serve them (one terminal):',
      '',
      `  vintent serve --port 8787 --ledger sqlite:${dir}/ledger.db --trust ${dir}/issuer.jwks --merchant-keys ${dir}/merchant.jwks --network-aud ${AUDIENCES.network} --merchant-aud ${merchantAud}`,
      '',
      'Ask the network and the merchant (another terminal):',
      '',
      `  curl -s localhost:8787/v1/network/authorize -H 'content-type: application/json' -d @${dir}/autonomous-network.json`,
      `  curl -s localhost:8787/v1/merchant/verify -H 'content-type: application/json' -d @${dir}/autonomous-merchant.json`,
      '',
      'The first answers "decision":"approved" (and "replayed":true when sent again), the second "valid":true (an L3b is accepted once: a repeat is L3B_REPLAY).',
      '',
    ].join('\n'),
  );
}

/**
 * A dishonest agent: it holds its key and a valid L2, so it can sign an L3a
 * saying whatever it likes. Rewrites the L3a's payment mandate and signs it
 * again with the agent's own key; the L2 view it binds stays the same.
 */
function dishonestL3a(
  honest: IssuedL3Pair,
  agentKey: SigningKey,
  change: (mandate: Record<string, unknown>) => void,
): IssuedL3Pair {
  const [jwt, merchantDisclosure, mandateDisclosure] = honest.payment.split('~');
  const decode = (s: string) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
  const [oldHeader, oldPayload] = jwt!.split('.').slice(0, 2).map(decode) as [
    Record<string, unknown>,
    Record<string, unknown>,
  ];
  const mandate = (decode(mandateDisclosure!) as [string, Record<string, unknown>])[1];
  change(mandate);
  const rebuilt = makeArrayDisclosure(mandate);
  const oldDigest = JSON.stringify(oldPayload.delegate_payload).match(
    /"\.\.\.":"([^"]+)"\}\]$/,
  )?.[1];
  const payload = JSON.parse(
    JSON.stringify(oldPayload).replace(oldDigest ?? '\u0000', rebuilt.digest),
  ) as Record<string, unknown>;
  return {
    ...honest,
    payment: serializeSdJwt(signJwt(oldHeader, payload, agentKey), [
      merchantDisclosure!,
      rebuilt.encoded,
    ]),
  };
}

function answerWords(a: AuthorizeAnswer): string {
  if (a.decision === 'approved')
    return a.replayed
      ? 'approves again as a replay of the same decision (nothing is counted twice)'
      : `approves (${a.authorization_id})`;
  return `DECLINES: ${[...new Set(a.errors.map((e) => e.code))].join(', ')}`;
}

/** The parties saying no, each with the code it reports. Returns whether every refusal happened. */
async function refusals(a: Actors, at: number, profile: string, log: Log): Promise<boolean> {
  log('\n== Parties saying no ==');
  const l1 = await l1For(a, at);
  const shop = SHOPS[0]!;
  // Two open pairs at one shop, each for one racket up to 250.00.
  const l2 = issueL2Autonomous({
    userKey: a.user,
    l1,
    aud: AUDIENCES.agent,
    iat: at - 3600,
    lifetimeSeconds: 7 * 86400,
    profile,
    pairs: [0, 1].map(() => ({
      agentKey: a.agent.publicJwk,
      merchants: [shop],
      lineItems: [
        {
          id: 'line-1',
          acceptableItems: [{ id: 'BAB86345', title: 'Babolat Pure Aero' }],
          quantity: 1,
        },
      ],
      paymentInstrument: CARD,
      amount: { currency: 'USD', min: '10.00', max: '250.00' },
    })),
  });
  log(
    `  user     signs L2: two pairs at ${shop.name}, each for one racket at ${formatMoney(1000, 'USD')} to ${formatMoney(25000, 'USD')}`,
  );
  const trust = trustOf(a);
  const buy = (pairIndex: number, price: string, id: string): IssuedL3Pair => {
    const checkout = createCheckoutJwt({
      merchantKey: a.merchants[0]!,
      merchant: shop,
      checkoutId: id,
      currency: 'USD',
      items: [{ id: 'BAB86345', title: 'Babolat Pure Aero', quantity: 1, unitPrice: price }],
      iat: at - 120,
    });
    return issueL3Pair({
      agentKey: a.agent,
      l2,
      pairIndex,
      checkoutJwt: checkout.jwt,
      networkAud: AUDIENCES.network,
      merchantAud: shop.website,
      iat: at - 60,
    });
  };
  const networkView = (pairIndex: number, l3: IssuedL3Pair): PresentationBundle =>
    presentToNetwork(
      { l1, l2, pairIndex, l3 },
      { trust, at, expect: { l3a: { aud: AUDIENCES.network } } },
    );
  // The network's own configuration: its issuer keys and its clock, never the presenter's.
  const atNetwork = (b: PresentationBundle) =>
    verifyPresentation(b, {
      issuerKeys: trust.issuer_jwks,
      merchantKeys: trust.merchant_jwks,
      now: at,
    });
  let ok = true;
  const expectRefusal = (what: string, result: VerificationResult) => {
    log(`  ${what}`);
    log(`      → network ${conclusion(result)}`);
    ok &&= !result.valid;
  };

  // 1. Overspend: the agent signs 279.99 USD against a mandate whose maximum is 250.00.
  const honest = buy(0, '199.00', 'checkout-no-1');
  const overspend = dishonestL3a(
    honest,
    a.agent,
    (m) => void ((m.payment_amount as { amount: number }).amount = 27999),
  );
  expectRefusal(
    `agent    signs an L3a for ${formatMoney(27999, 'USD')} on a ${formatMoney(19900, 'USD')} cart, above the mandate's ${formatMoney(25000, 'USD')}`,
    await atNetwork(networkView(0, overspend)),
  );

  // 2. A payee outside the mandate: the agent names another beneficiary in its L3a.
  const elsewhere = {
    id: 'm-elsewhere',
    name: 'Elsewhere Ltd',
    website: 'https://elsewhere.example',
  };
  const redirected = dishonestL3a(honest, a.agent, (m) => void (m.payee = elsewhere));
  expectRefusal(
    `agent    signs an L3a paying ${elsewhere.name}, which the mandate does not allow`,
    await atNetwork(networkView(0, redirected)),
  );

  // 3. The network decides on its ledger (SQLite in a temporary directory).
  const dir = mkdtempSync(join(tmpdir(), 'vintent-demo-ledger-'));
  const ledger = await openSqliteLedger(join(dir, 'ledger.db'));
  try {
    const decide = (b: PresentationBundle) =>
      authorizePresentation(
        b,
        { ledger, issuerKeys: trust.issuer_jwks, expect: { l3a: { aud: AUDIENCES.network } } },
        at,
      );
    const first = await decide(networkView(0, honest));
    log(`  network  decides on its ledger (SQLite at ${join(dir, 'ledger.db')})`);
    log(`      pair 0, ${formatMoney(19900, 'USD')}: ${answerWords(first)}`);
    const again = await decide(networkView(0, honest));
    log(`      the same L3 pair again: ${answerWords(again)}`);
    const second = await decide(networkView(0, buy(0, '99.00', 'checkout-no-2')));
    log(`      a second L3 pair for pair 0, ${formatMoney(9900, 'USD')}: ${answerWords(second)}`);
    ok &&=
      first.decision === 'approved' && again.replayed === true && second.decision === 'declined';
  } finally {
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return ok;
}

export async function run(args: string[]): Promise<number> {
  return runCommand(DEMO_COMMAND, args, async (values) => {
    const profileName = stringFlag(values, 'profile') ?? DEFAULT_PROFILE;
    if (profileName === AP2_V0_2.name) {
      const out = stringFlag(values, 'out');
      if (out !== undefined) makeOutDir(out);
      return ap2Demo(out, (s) => process.stdout.write(`${s}\n`));
    }
    if (!findProfile(profileName))
      throw new UsageError(
        `unknown profile '${profileName}' (known: ${[...PROFILES.map((p) => p.name), AP2_V0_2.name].join(', ')})`,
      );
    return demo(stringFlag(values, 'out'), profileName);
  });
}

function makeOutDir(out: string): void {
  try {
    makeDirectories(resolve(out));
  } catch (e) {
    // Before any flow runs: nothing half-written, exit 2 with the path.
    throw new InputFileError(
      `${out}: cannot create the output directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
}

/**
 * `mkdir -p`, one level at a time: Node 20's recursive mkdirSync spins forever
 * under /proc (ENOENT from a parent that exists), so each missing level is made
 * by itself and the first failure is the answer.
 */
function makeDirectories(path: string): void {
  const missing: string[] = [];
  let at = path;
  while (!existsSync(at)) {
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  if (!statSync(at).isDirectory()) {
    throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  }
  for (const dir of missing) mkdirSync(dir);
  if (missing.length === 0) accessSync(path, constants.W_OK);
}

async function demo(out: string | undefined, profileName: string): Promise<number> {
  if (out !== undefined) makeOutDir(out);
  const log: Log = (s) => process.stdout.write(`${s}\n`);
  const at = Math.floor(Date.now() / 1000);
  const actors = newActors();
  log('Verifiable Intent demo: every credential below is ES256-signed and verified for real.');
  log(`Wire profile: ${profileName} (${findProfile(profileName)!.title})`);
  log(
    `Keys: issuer ${actors.issuer.kid}, user ${actors.user.kid}, agent ${actors.agent.kid}, merchants ${actors.merchants.map((m) => m.kid).join(', ')}`,
  );
  const flows = [
    await immediateFlow(actors, at, profileName),
    await autonomousFlow(actors, at, 1, profileName),
    await autonomousFlow(actors, at, 2, profileName),
  ];
  let ok = true;
  for (const f of flows) ok = (await show(f, out, log)) && ok;
  ok = (await refusals(actors, at, profileName, log)) && ok;
  if (out) {
    writeTryIt(out, actors, flows, at);
    log(
      `\nBundles, the issuer and merchant JWK Sets and README.txt (how to serve them) written to ${out}`,
    );
  }
  log(ok ? '\nEvery party concluded as it should.' : '\nSome party did not conclude as it should.');
  return ok ? 0 : 1;
}
