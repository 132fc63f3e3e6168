/**
 * Stages on the L2's mandates (credential-format §4.4–§4.7, §8; README §3.4):
 * {@link readMandates} (which are disclosed, the mode and profile they imply,
 * their shape) and {@link pairMandates} (pairing and the per-pair checks).
 * Content rules apply to what is disclosed; a partial view is legitimate.
 */
import { constraintShapeViolations } from '../../constraints/registry.js';
import { riskDataMisplaced, riskDataProblem } from '../../constraints/risk-data.js';
import { isMinorUnits, isRecord } from '../../constraints/values.js';
import { VIError } from '../../errors.js';
import {
  agentKidOf,
  classifyVct,
  isIsoCurrency,
  type MandateKind,
  type Mode,
  PROFILE,
  type WireProfile,
} from '../../profiles/profile.js';
import { sha256b64u } from '../../sdjwt/digest.js';
import { fractionalMembersOfDisclosure, type ParsedDisclosure } from '../../sdjwt/parse.js';
import { arrayRefDigest } from '../../sdjwt/resolve.js';
import { type Check, type CheckLog, reject, type Skip, skip } from '../context.js';
import type {
  Mandate,
  MandateSet,
  Pair,
  Pairs,
  ParsedChain,
  ResolvedView,
  VerifiedL1,
  VerifiedL2,
} from '../stages.js';
import type { Limits } from '../types.js';

type MandateDraft = { -readonly [K in keyof Mandate]: Mandate[K] };

interface MandateInput {
  readonly chain: ParsedChain;
  readonly l2: VerifiedL2;
}

/** What the mandate checks establish, in table order. */
interface MandateFindings {
  readonly mandates: Map<string, MandateDraft>;
  collected: boolean;
  profile?: WireProfile;
  mode?: Mode;
  moded: boolean;
}

function mandatesDisclosed({ chain, l2 }: MandateInput, found: MandateFindings): void {
  for (const view of l2.views) collectFrom(found.mandates, view);
  const size = found.mandates.size;
  if ((size + 1) / 2 > chain.read.config.limits.maxPairs + 1)
    reject('LIMIT_EXCEEDED', `${size} mandates disclosed`);
  if (size === 0)
    reject('MANDATE_NONE_DISCLOSED', 'no mandate disclosed: nothing to verify or delegate from');
  found.collected = true;
}

function mandatesMode({ chain, l2 }: MandateInput, found: MandateFindings): void {
  const all = [...found.mandates.values()];
  const open = all.some((m) => m.open);
  const final = all.some((m) => !m.open);
  if (open && final)
    reject('L2_MODE_MIXED', 'L2 mixes open (Autonomous) and final (Immediate) mandate VCTs');
  // One chain speaks one vocabulary (April CF §10.1: versions are matched exactly).
  const profiles = new Set(all.map((m) => m.profile.name));
  if (profiles.size > 1)
    reject('PROFILE_MIXED', `L2 mixes mandate VCTs of profiles ${[...profiles].join(', ')}`, 'vct');
  const profile = all[0]!.profile;
  found.profile = profile;
  const accepted = chain.read.config.options.profiles;
  if (accepted !== undefined && !accepted.includes(profile.name)) {
    reject(
      'PROFILE_NOT_ACCEPTED',
      `chain speaks ${profile.name}; this verifier accepts ${accepted.join(', ') || 'none'}`,
      'vct',
    );
  }
  const mode = open ? 'autonomous' : 'immediate';
  found.mode = mode;
  const typ = l2.views[0]!.parsed.jwt.header.typ;
  const expected = open ? PROFILE.typ.l2Autonomous : PROFILE.typ.l2Immediate;
  if (typ !== expected)
    reject(
      'TYP_MISMATCH',
      `L2 header typ must be '${expected}' in ${mode} mode, got ${JSON.stringify(typ)}`,
      'typ',
      {
        expected,
        actual: typeof typ === 'string' ? typ.slice(0, 64) : typeof typ,
      },
    );
  found.moded = true;
  const misplaced = riskDataMisplaced(profile, l2.views[0]!.parsed.jwt.payload, 'the L2 payload');
  if (misplaced) reject(misplaced.code, misplaced.message, 'risk_data');
}

/** credential-format §7: the maximum lifetime depends on the mode. */
function l2Lifetime({ chain, l2 }: MandateInput, found: MandateFindings): void | Skip {
  const { iat, exp } = l2.views[0]!.parsed.jwt.payload;
  if (typeof iat !== 'number' || typeof exp !== 'number')
    return skip('L2 times rejected by l2.time');
  const limits = chain.read.config.limits;
  if (found.mode === 'immediate') {
    if (exp - iat > limits.maxImmediateL2LifetimeSeconds) {
      reject(
        'L2_LIFETIME_EXCEEDED',
        `Immediate L2 lifetime ${exp - iat}s exceeds the maximum ${limits.maxImmediateL2LifetimeSeconds}s`,
        'exp',
      );
    }
    return;
  }
  const l1exp = chain.l1.jwt.payload.exp;
  if (typeof l1exp === 'number' && exp > l1exp)
    reject('L2_OUTLIVES_L1', 'Autonomous L2 must not outlive the L1', 'exp');
}

/** The mandate-set checks in order; the mode is judged only over what was collected, the rest only in a known mode. */
const MANDATE_CHECKS: readonly Check<MandateInput, MandateFindings>[] = [
  { name: 'mandates.disclosed', layer: 'l2', run: mandatesDisclosed, gate: true },
  { name: 'mandates.mode', layer: 'l2', run: mandatesMode, gate: true },
  { name: 'l2.lifetime', layer: 'l2', run: l2Lifetime },
  { name: 'mandates.shared_references', layer: 'l2', run: mandatesSharedReferences },
];

/** Run once per mandate collected, in disclosure order. */
const SHAPE_CHECK: Check<MandateInput, Mandate> = {
  name: 'mandates.shape',
  layer: 'l2',
  run: checkShape,
};

/**
 * Stage: the mandates the L2 views disclose, with the mode and profile they
 * imply, each shape-checked (`mandates.shape`, per mandate) once the mode is
 * known. Undefined when none could be collected.
 */
export function readMandates(
  chain: ParsedChain,
  l2: VerifiedL2 | undefined,
  log: CheckLog,
): MandateSet | undefined {
  const main = l2?.views[0];
  if (!l2 || !main?.resolved) {
    log.skipped('mandates', 'l2', 'L2 not verified');
    return undefined;
  }
  const delegatePayload = main.parsed.jwt.payload[PROFILE.claim.delegatePayload];
  // l2.claims has already failed a delegate_payload that is not an array; nothing to walk.
  if (!Array.isArray(delegatePayload)) {
    log.skipped('mandates', 'l2', 'delegate_payload is not an array');
    return undefined;
  }
  const order = new Map<string, number>();
  delegatePayload.forEach((ref, i) => {
    const d = arrayRefDigest(ref);
    if (d !== undefined && !order.has(d)) order.set(d, i);
  });
  const found: MandateFindings = { mandates: new Map(), collected: false, moded: false };
  const input: MandateInput = { chain, l2 };
  log.runAll(MANDATE_CHECKS, input, found);
  if (!found.collected) return undefined;
  if (found.moded) {
    for (const m of found.mandates.values()) {
      m.wellFormed = 'passed' === log.run(SHAPE_CHECK, input, m);
    }
  }
  return {
    l2,
    mandates: found.mandates,
    order,
    profile: found.profile,
    mode: found.mode,
    moded: found.moded,
  };
}

/** Every `{"...": digest}` reference inside a value, noted in `places` under the name of the array holding it. */
function referencesIn(
  value: unknown,
  arrayName: string | undefined,
  places: Map<string, string[]>,
  depth = 0,
): void {
  if (depth > 32) return; // the parser bounds depth already; this only keeps the walk finite
  if (Array.isArray(value)) {
    for (const el of value) {
      const d = arrayRefDigest(el);
      if (d === undefined) referencesIn(el, undefined, places, depth + 1);
      else {
        const name = arrayName ?? '(array)';
        const names = places.get(d);
        if (names) names.push(name);
        else places.set(d, [name]);
      }
    }
  } else if (isRecord(value)) {
    for (const k in value)
      if (Object.hasOwn(value, k)) referencesIn(value[k], k, places, depth + 1);
  }
}

/**
 * A disclosure referenced from several arrays is legitimate only between the
 * arrays the chain's profile lets share one (spec/profile.md): the resolver
 * accepts the union of every profile's, so the chain's own list is held here.
 */
function mandatesSharedReferences(_: MandateInput, found: MandateFindings): void {
  const profile = found.profile!;
  const shareable = new Set(profile.sharedReferenceArrays);
  const places = new Map<string, string[]>();
  for (const m of found.mandates.values()) referencesIn(m.raw, undefined, places);
  for (const [d, names] of places) {
    if (names.length > 1 && names.some((n) => !shareable.has(n))) {
      reject(
        'DISCLOSURE_DUPLICATE_REFERENCE',
        `disclosure ${d} referenced from ${names.join(' and ')}; ${profile.name} shares only ${[...shareable].join(', ')}`,
      );
    }
  }
}

function collectFrom(mandates: Map<string, MandateDraft>, view: ResolvedView): void {
  if (!view.resolved) return;
  const raw = view.parsed.jwt.payload[PROFILE.claim.delegatePayload] as unknown[];
  raw.forEach((ref, i) => {
    const digest = arrayRefDigest(ref);
    if (digest === undefined || !view.resolved!.byDigest.has(digest) || mandates.has(digest))
      return;
    // Read here, not above: a view derived by resolveSubset builds its claims only when read.
    const value = (view.resolved!.claims[PROFILE.claim.delegatePayload] as unknown[])[i];
    if (!isRecord(value))
      reject('MANDATE_MALFORMED', 'a delegate_payload disclosure must be a mandate object');
    const kind = classifyVct(value.vct);
    if (!kind)
      reject('MANDATE_VCT_UNKNOWN', `unrecognized mandate vct ${JSON.stringify(value.vct)}`, 'vct');
    const raw = view.resolved!.byDigest.get(digest)!.value;
    mandates.set(digest, {
      digest,
      kind: kind.kind,
      open: kind.open,
      vct: value.vct as string,
      profile: kind.profile,
      claims: value,
      raw,
      wellFormed: false,
    });
  });
}

function checkShape(input: MandateInput, m: Mandate): void {
  const { keyCache, limits } = input.chain.read.config;
  const c = m.claims;
  if (m.kind !== 'payment' || !m.open) {
    const misplaced = riskDataMisplaced(
      m.profile,
      c,
      `${m.open ? 'an open' : 'an Immediate'} ${m.kind} mandate`,
    );
    if (misplaced) reject(misplaced.code, misplaced.message, 'risk_data');
  }
  if (!m.open) {
    if ('cnf' in c)
      reject(
        'MANDATE_CNF_FORBIDDEN',
        `Immediate ${m.kind} mandate must not carry cnf (no delegation)`,
        'cnf',
      );
    if ('constraints' in c)
      reject(
        'MANDATE_CONSTRAINTS_FORBIDDEN',
        `Immediate ${m.kind} mandate carries final values, not constraints`,
        'constraints',
      );
    if (m.kind === 'checkout') {
      if (typeof c.checkout_jwt !== 'string')
        reject('MANDATE_MALFORMED', 'checkout mandate needs checkout_jwt', 'checkout_jwt');
      if (typeof c.checkout_hash !== 'string')
        reject('MANDATE_MALFORMED', 'checkout mandate needs checkout_hash', 'checkout_hash');
    } else {
      requireFinalPaymentShape(c, fractionalMembersIn(input.l2.views, m.digest).has('amount'));
    }
    return;
  }
  const cnf = c.cnf;
  if (!isRecord(cnf) || cnf.jwk === undefined)
    reject(
      'MANDATE_CNF_MISSING',
      `Autonomous ${m.kind} mandate needs cnf.jwk for the agent`,
      'cnf',
    );
  const kid = agentKidOf(m.profile, cnf);
  if (typeof kid !== 'string' || kid === '')
    reject(
      'MANDATE_CNF_MISSING',
      `Autonomous ${m.kind} mandate needs ${m.profile.agentKid} (${m.profile.name})`,
      m.profile.agentKid,
    );
  const problem = keyCache.problem(cnf.jwk);
  if (problem) reject('MANDATE_CNF_MISSING', `cnf.jwk: ${problem}`, 'cnf.jwk');
  if (Array.isArray(c.constraints) && c.constraints.length > limits.maxConstraints) {
    reject(
      'LIMIT_EXCEEDED',
      `${c.constraints.length} constraints, limit ${limits.maxConstraints}`,
      'constraints',
    );
  }
  requireConstraintsFullyDisclosed(m.raw);
  requireIntegerAmountLiterals(
    c.constraints,
    m.profile,
    fractionalMembersIn(input.l2.views, m.digest),
  );
  requireConstraintShapes(c.constraints, m.kind, m.profile, limits);
  if (m.kind === 'payment') {
    if (!isRecord(c.payment_instrument))
      reject(
        'MANDATE_MALFORMED',
        'open payment mandate needs payment_instrument',
        'payment_instrument',
      );
    const refType = m.profile.constraint.reference;
    const refs = (c.constraints as Record<string, unknown>[]).filter((k) => k.type === refType);
    if (refs.length !== 1)
      reject(
        'PAYMENT_REFERENCE_MISSING',
        `open payment mandate needs exactly one ${refType} constraint`,
        'constraints',
      );
    const risk = riskDataProblem(m.profile, c.risk_data);
    if (risk) reject(risk.code, risk.message, 'risk_data');
  }
}

/**
 * The shape of an open mandate's constraints as one view resolves them
 * (constraints §4.2 step 2): sizes first, then typed identifiers, then each
 * type's own shape. Run on the bundle's `l2` and again on each L3's bound view,
 * so an entry disclosed only in that view is held to the same rules.
 */
export function requireConstraintShapes(
  constraints: unknown,
  kind: MandateKind,
  profile: WireProfile,
  limits: Limits,
): void {
  requireLineItemBounds(constraints, profile, limits);
  requireTypedIdentifiers(constraints, profile);
  const violations = constraintShapeViolations(constraints, kind, profile);
  if (violations.length > 0) {
    const first = violations[0]!;
    throw new VIError({
      code: first.code,
      message: violations.map((v) => v.message).join('; '),
      claim: 'constraints',
    });
  }
}

/**
 * constraints.md §6.2: a constraint is disclosed or withheld as a unit (its
 * allowlist entries may be disclosures of their own). A member of a
 * constraint object behind `_sd` would let a view drop, say, an amount's
 * `max` while showing the constraint.
 */
function requireConstraintsFullyDisclosed(raw: unknown): void {
  const list = isRecord(raw) ? raw.constraints : undefined;
  if (!Array.isArray(list)) return;
  for (const k of list) {
    if (isRecord(k) && PROFILE.claim.sd in k)
      reject(
        'CONSTRAINT_MALFORMED',
        'a constraint object must not have selectively disclosable members (_sd)',
        'constraints',
      );
  }
}

/**
 * The size of a line-item allowlist is bounded before anything is matched
 * against it (spec/limits.md): entries, and acceptable items over all of
 * them, withheld ones included.
 */
export function requireLineItemBounds(
  constraints: unknown,
  profile: WireProfile,
  limits: Limits,
): void {
  if (!Array.isArray(constraints)) return;
  for (const k of constraints) {
    if (!isRecord(k) || k.type !== profile.constraint.lineItems || !Array.isArray(k.items))
      continue;
    if (k.items.length > limits.maxLineItemEntries)
      reject(
        'LIMIT_EXCEEDED',
        `${k.items.length} line_items entries, limit ${limits.maxLineItemEntries}`,
        'constraints',
      );
    let acceptable = 0;
    for (const e of k.items)
      if (isRecord(e) && Array.isArray(e.acceptable_items)) acceptable += e.acceptable_items.length;
    if (acceptable > limits.maxAcceptableItems)
      reject(
        'LIMIT_EXCEEDED',
        `${acceptable} acceptable items, limit ${limits.maxAcceptableItems}`,
        'constraints',
      );
  }
}

/**
 * Allowlist entries that carry an `id` must carry a string: a number or
 * object is never matched by name instead. The allowlists are named as the
 * mandate's own profile names them (`allowed_payees` in February, `allowed` in April).
 */
export function requireTypedIdentifiers(constraints: unknown, profile: WireProfile): void {
  if (!Array.isArray(constraints)) return;
  const { allowedMerchant, allowedPayee } = profile.allowlistField;
  for (const k of constraints) {
    if (!isRecord(k)) continue;
    const lists: unknown[] =
      allowedMerchant === allowedPayee
        ? [k[allowedMerchant]]
        : [k[allowedMerchant], k[allowedPayee]];
    if (Array.isArray(k.items))
      for (const e of k.items) if (isRecord(e)) lists.push(e.acceptable_items, [e]);
    for (const list of lists) {
      if (!Array.isArray(list)) continue;
      for (const e of list) {
        if (
          isRecord(e) &&
          arrayRefDigest(e) === undefined &&
          'id' in e &&
          typeof e.id !== 'string'
        ) {
          reject(
            'CONSTRAINT_MALFORMED',
            `${String(k.type)}: an entry id must be a string`,
            'constraints',
          );
        }
      }
    }
  }
}

/**
 * Member names that the disclosure `digest`, or one resolved inside it, writes
 * as a fractional or exponent number, in whichever view discloses it (every
 * view carries the same disclosure strings). Empty, at no cost, when no such
 * number was written: the parser flagged each disclosure while reading it.
 */
export function fractionalMembersIn(views: readonly ResolvedView[], digest: string): Set<string> {
  const out = new Set<string>();
  for (const view of views) {
    const resolved = view.resolved;
    const own = resolved?.byDigest.get(digest);
    if (!resolved || !own) continue;
    const add = (d: ParsedDisclosure | undefined) => {
      if (d?.fractionalNumber)
        for (const name of fractionalMembersOfDisclosure(d.encoded)) out.add(name);
    };
    add(own);
    for (const [d, from] of resolved.reachedFrom)
      if (from === digest) add(resolved.byDigest.get(d));
    break;
  }
  return out;
}

/** Members of a disclosure list written as fractional or exponent numbers (an L3's own disclosures). */
export function fractionalMembersOf(disclosures: readonly ParsedDisclosure[]): Set<string> {
  const out = new Set<string>();
  for (const d of disclosures)
    if (d.fractionalNumber)
      for (const name of fractionalMembersOfDisclosure(d.encoded)) out.add(name);
  return out;
}

/** Amount members of constraints (range, budget): integer literals only (constraints §7.1). */
const AMOUNT_MEMBERS = ['min', 'max'] as const;

function requireIntegerAmountLiterals(
  constraints: unknown,
  profile: WireProfile,
  fractional: Set<string>,
): void {
  if (fractional.size === 0 || !Array.isArray(constraints)) return;
  const amountTypes = [profile.constraint.amount, profile.constraint.budget];
  const hasAmounts = constraints.some((k) => isRecord(k) && amountTypes.includes(k.type as string));
  const written = AMOUNT_MEMBERS.find((name) => fractional.has(name));
  if (hasAmounts && written)
    reject(
      'CONSTRAINT_MALFORMED',
      `constraint ${written} must be an integer literal in minor units, not a fraction or exponent`,
      'constraints',
    );
}

/** A party (payee, merchant) whose `id`, when present, is a string. */
function requireTypedParty(p: Record<string, unknown>, claim: string): void {
  if ('id' in p && typeof p.id !== 'string')
    reject('MANDATE_MALFORMED', `${claim}.id must be a string`, `${claim}.id`);
}

/**
 * Final payment values: Immediate L2 payment mandates and L3a. `payment_amount`
 * is REQUIRED (credential-format §5.6, constraints §4.4) and its amount an
 * integer literal: `fractional` says the disclosure wrote its `amount` as
 * `27999.0` or `2.7999e4`, which JSON.parse would read as 27999 (§7.1).
 */
export function requireFinalPaymentShape(
  c: Record<string, unknown>,
  fractional: boolean,
): { amount: number; currency: string } {
  const pi = c.payment_instrument;
  if (!isRecord(pi) || typeof pi.type !== 'string' || typeof pi.id !== 'string')
    reject('MANDATE_MALFORMED', 'payment_instrument needs type and id', 'payment_instrument');
  const payee = c.payee;
  if (!isRecord(payee) || typeof payee.name !== 'string' || typeof payee.website !== 'string')
    reject('MANDATE_MALFORMED', 'payee needs name and website', 'payee');
  requireTypedParty(payee, 'payee');
  if (typeof c.transaction_id !== 'string')
    reject('MANDATE_MALFORMED', 'payment mandate needs transaction_id', 'transaction_id');
  const pa = c.payment_amount;
  if (!isRecord(pa))
    reject(
      'MANDATE_MALFORMED',
      'payment mandate needs payment_amount {currency, amount}',
      'payment_amount',
    );
  const { amount, currency } = pa;
  if (!isMinorUnits(amount) || fractional)
    reject(
      'CONSTRAINT_AMOUNT_INVALID',
      'amount must be a non-negative integer literal in minor units',
      'payment_amount.amount',
    );
  if (!isIsoCurrency(currency))
    reject('MANDATE_MALFORMED', 'currency must be an ISO 4217 code', 'payment_amount.currency');
  return { amount, currency };
}

function pairIdOf(m: Mandate): string | undefined {
  if (!m.open) {
    // Pair by the claimed hash so that a wrong checkout_hash is reported as such, not as an orphan.
    if (m.kind === 'checkout')
      return typeof m.claims.checkout_hash === 'string' ? m.claims.checkout_hash : undefined;
    return typeof m.claims.transaction_id === 'string' ? m.claims.transaction_id : undefined;
  }
  if (m.kind === 'checkout') return m.digest;
  const ref = (Array.isArray(m.claims.constraints) ? m.claims.constraints : []).find(
    (k): k is Record<string, unknown> => isRecord(k) && k.type === m.profile.constraint.reference,
  );
  return typeof ref?.conditional_transaction_id === 'string'
    ? ref.conditional_transaction_id
    : undefined;
}

interface PairDraft {
  pairId: string;
  order: number;
  checkout?: Mandate;
  payment?: Mandate;
}

/** Group the mandates into pairs; throws at the first that cannot be paired, leaving `byId` and `pairIds` as far as it got. */
function formPairs(
  set: MandateSet,
  maxPairs: number,
  byId: Map<string, PairDraft>,
  pairIds: Map<string, string>,
): void {
  for (const m of set.mandates.values()) {
    const id = pairIdOf(m);
    if (id === undefined) reject('MANDATE_MALFORMED', `${m.kind} mandate has no pair identifier`);
    pairIds.set(m.digest, id);
    let pair = byId.get(id);
    if (!pair) {
      pair = { pairId: id, order: Number.MAX_SAFE_INTEGER };
      byId.set(id, pair);
    }
    if (pair[m.kind])
      reject('MANDATE_DUPLICATE_PAIR', `two ${m.kind} mandates share pair identifier ${id}`);
    pair[m.kind] = m;
    pair.order = Math.min(pair.order, set.order.get(m.digest) ?? Number.MAX_SAFE_INTEGER);
  }
  let checkouts = false;
  let payments = false;
  for (const m of set.mandates.values()) {
    if (m.kind === 'checkout') checkouts = true;
    else payments = true;
  }
  // Orphans are only visible where both kinds are disclosed (a merchant view has no payment mandate).
  if (checkouts && payments) {
    for (const p of byId.values()) {
      if (!p.checkout)
        reject('MANDATE_ORPHAN', `payment mandate ${p.pairId} has no matching checkout mandate`);
      if (!p.payment)
        reject('MANDATE_ORPHAN', `checkout mandate ${p.pairId} has no matching payment mandate`);
    }
  }
  if (byId.size > maxPairs)
    reject('LIMIT_EXCEEDED', `${byId.size} mandate pairs, limit ${maxPairs}`);
}

interface PairInput {
  readonly pair: Pair;
  readonly set: MandateSet;
  readonly l1: VerifiedL1;
}

function mandatesCardId({ pair, l1 }: PairInput): void | Skip {
  if (l1.cardId === undefined) return skip('L1 carries no card_id');
  if (!pair.payment) return skip('payment mandate not disclosed');
  const pi = pair.payment.claims.payment_instrument;
  if (!isRecord(pi) || pi.id !== l1.cardId)
    reject(
      'PAYMENT_INSTRUMENT_MISMATCH',
      "the payment mandate's payment_instrument.id is not the L1 card_id",
      'payment_instrument.id',
    );
}

function mandatesCheckoutHash({ pair }: PairInput): void | Skip {
  if (!pair.checkout) return skip('checkout mandate not disclosed');
  if (!pair.checkout.wellFormed) return skip('checkout mandate is malformed');
  if (
    pair.checkout.claims.checkout_hash !== sha256b64u(pair.checkout.claims.checkout_jwt as string)
  )
    reject(
      'CHECKOUT_HASH_MISMATCH',
      'checkout_hash is not B64U(SHA-256(checkout_jwt))',
      'checkout_hash',
    );
}

function mandatesPaymentReference({ pair, set }: PairInput): void | Skip {
  if (!pair.payment) return skip('payment mandate not disclosed');
  // The referenced checkout disclosure must be one the user signed into delegate_payload.
  if (!set.order.has(pair.pairId))
    reject(
      'PAYMENT_REFERENCE_MISMATCH',
      'conditional_transaction_id names no delegate_payload entry',
      'payment.reference',
    );
  const target = set.mandates.get(pair.pairId);
  if (target && target.kind !== 'checkout')
    reject(
      'PAYMENT_REFERENCE_MISMATCH',
      'conditional_transaction_id names a payment mandate',
      'payment.reference',
    );
  if (!pair.checkout) return skip('checkout mandate not disclosed');
}

function mandatesCnfPair({ pair }: PairInput): void | Skip {
  const { checkout, payment } = pair;
  if (!checkout || !payment) return skip('needs both mandates of the pair disclosed');
  if (!checkout.wellFormed || !payment.wellFormed)
    return skip('a mandate of the pair is malformed');
  const a = checkout.claims.cnf as Record<string, Record<string, unknown>>;
  const b = payment.claims.cnf as Record<string, Record<string, unknown>>;
  if (
    agentKidOf(checkout.profile, a) !== agentKidOf(payment.profile, b) ||
    a.jwk?.x !== b.jwk?.x ||
    a.jwk?.y !== b.jwk?.y
  ) {
    reject(
      'MANDATE_CNF_PAIR_MISMATCH',
      'checkout and payment mandates of a pair must bind the same agent key',
      'cnf',
    );
  }
}

const NO_FINDINGS = {} as const;

/** Per pair, Immediate mode. transaction_id == checkout_hash needs no check of its own: it is how the pair was formed. */
const IMMEDIATE_PAIR_CHECKS: readonly Check<PairInput, typeof NO_FINDINGS>[] = [
  { name: 'mandates.card_id', layer: 'l2', run: mandatesCardId },
  { name: 'mandates.checkout_hash', layer: 'l2', run: mandatesCheckoutHash },
];

/** Per pair, Autonomous mode. */
const AUTONOMOUS_PAIR_CHECKS: readonly Check<PairInput, typeof NO_FINDINGS>[] = [
  { name: 'mandates.card_id', layer: 'l2', run: mandatesCardId },
  { name: 'mandates.payment_reference', layer: 'l2', run: mandatesPaymentReference },
  { name: 'mandates.cnf_pair', layer: 'l2', run: mandatesCnfPair },
];

/**
 * Stage: the mandate pairs, in delegate_payload order (as far as
 * `mandates.pairing` got when it fails), then each pair's checks.
 */
export function pairMandates(set: MandateSet, l1: VerifiedL1, log: CheckLog): Pairs {
  const byId = new Map<string, PairDraft>();
  const pairIdOf = new Map<string, string>();
  const ok =
    'passed' ===
    log.check('mandates.pairing', 'l2', () =>
      formPairs(set, log.config.limits.maxPairs, byId, pairIdOf),
    );
  const list: Pair[] = [...byId.values()]
    .sort((a, b) => a.order - b.order)
    .map((p, index) => ({ index, pairId: p.pairId, checkout: p.checkout, payment: p.payment }));
  if (ok) {
    const table = set.mode === 'immediate' ? IMMEDIATE_PAIR_CHECKS : AUTONOMOUS_PAIR_CHECKS;
    for (const pair of list) log.runAll(table, { pair, set, l1 }, NO_FINDINGS, pair.index);
  }
  return { list, pairIdOf };
}
