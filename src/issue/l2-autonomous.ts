/**
 * Layer 2, Autonomous mode (credential-format §4.5): the user bounds what an
 * agent may buy. Each allowed merchant and each acceptable item is its own
 * array-element disclosure, so the agent can later reveal only the one it
 * picked; mandates reference them by digest from inside their constraints.
 */

import { constraintRegistryFor, constraintShapeViolations } from '../constraints/registry.js';
import { riskDataProblem } from '../constraints/risk-data.js';
import { invalidInput, VIError } from '../errors.js';
import {
  COMMON,
  type ConstraintKey,
  agentCnf as cnfFor,
  type MandateKind,
  profileOf,
  type WireProfile,
} from '../profiles/profile.js';
import {
  type BuiltDisclosure,
  makeArrayDisclosure,
  type SaltSource,
  serializeSdJwt,
} from '../sdjwt/build.js';
import { sha256b64u } from '../sdjwt/digest.js';
import { bareJwk, type PublicJwk } from '../sdjwt/keys.js';
import {
  runSealing,
  runSealingAsync,
  type Sealing,
  type Signer,
  type SyncSigner,
  seal,
} from '../sdjwt/signer.js';
import {
  arrayRef,
  isRecord,
  issuedAt,
  type Json,
  l2Basics,
  l2Header,
  lifetime,
  type PartyInput,
  type PaymentInstrument,
  party,
  paymentInstrument,
  publicKey,
  requireString,
} from './common.js';
import { readBoundL1 } from './l1-binding.js';
import {
  type IssuedAutonomousPair,
  type IssuedL2Autonomous,
  type IssueL2Common,
  layoutOf,
} from './l2-types.js';
import { toMinorUnits } from './money.js';

/** An item an agent may buy for a line: its id and title. */
export interface AcceptableItemInput {
  id: string;
  title: string;
}

/** A line-item constraint: which items are acceptable, and how many. */
export interface LineItemInput {
  /** Line-item entry id (e.g. "line-1"), not a SKU. */
  id: string;
  /** The SKUs allowed for this line. `'any'` is the explicit wildcard (empty list on the wire). */
  acceptableItems: AcceptableItemInput[] | 'any';
  /** Maximum quantity for this line. */
  quantity: number;
}

/** Money bounds: decimal strings in major units or integers in minor units. */
export interface AmountRangeInput {
  currency: string;
  min?: string | number;
  max?: string | number;
}

/** One Autonomous mandate pair: the agent's key, merchants, payees, line items, amount range, budget and recurrence. */
export interface AutonomousPairInput {
  /** The agent's public key; its `kid` becomes `cnf.kid` and L3 header `kid`. */
  agentKey: PublicJwk;
  merchants: PartyInput[];
  lineItems?: LineItemInput[];
  paymentInstrument: PaymentInstrument;
  amount?: AmountRangeInput;
  /**
   * `'merchants'` (default) reuses the merchant disclosures as the payee
   * allowlist; a list may name parties of its own or `{merchantIndex}` to
   * reuse that merchant's disclosure (one digest referenced from both allowlists).
   */
  payees?: 'merchants' | (PartyInput | { merchantIndex: number })[];
  /** `min` (a per-transaction floor) exists only in profiles that define it (vi-2026-04). */
  budget?: { currency: string; max: string | number; min?: string | number };
  /** `line_items.match_mode` where the profile defines it (vi-2026-04): `minimum` (default) or `exact`. */
  lineItemsMatchMode?: string;
  recurrence?: { frequency: string; start_date: string; end_date?: string; number?: number };
  agentRecurrence?: {
    frequency: string;
    start_date: string;
    end_date: string;
    max_occurrences?: number;
  };
  /** Further registered constraints, placed in the mandate their type belongs to. */
  extraConstraints?: Json[];
  promptSummary?: string;
  riskData?: Json;
}

/** Input of {@link issueL2Autonomous}: the user's key, the L1 it binds to, and the open mandate pairs. */
export interface IssueL2AutonomousInput<S extends Signer = SyncSigner> extends IssueL2Common<S> {
  /** Defaults to 86400; must not reach past L1 `exp`. */
  lifetimeSeconds?: number;
  pairs: AutonomousPairInput[];
}

const ref = (d: BuiltDisclosure) => arrayRef(d.digest);

/*
 * Arrays here are built by push onto a literal, not with Array.prototype.map
 * or `new Array(n)`: those give arrays whose elements kind changes once the
 * builder is optimized, and every function reading them was deoptimized
 * ("wrong map") a few hundred issuances in.
 */

/** `{"...": digest}` of each disclosure, in order. */
function refsOf(ds: readonly BuiltDisclosure[]): { '...': string }[] {
  const out: { '...': string }[] = [];
  for (let i = 0; i < ds.length; i++) out.push(arrayRef(ds[i]!.digest));
  return out;
}

function shapeGuard(
  constraints: Json[],
  kind: MandateKind,
  pair: number,
  profile: WireProfile,
): void {
  const violations = constraintShapeViolations(constraints, kind, profile);
  const first = violations[0];
  if (first) {
    throw new VIError({
      code: first.code,
      layer: 'issue',
      pair,
      message: violations.map((v) => v.message).join('; '),
      claim: `${kind} constraints`,
    });
  }
}

function agentKey(
  key: PublicJwk,
  pair: number,
  profile: WireProfile,
): { jwk: PublicJwk; kid: string } {
  const jwk = publicKey(key, 'cnf.jwk');
  if (typeof jwk.kid !== 'string' || jwk.kid === '') {
    throw new VIError({
      code: 'KID_MISSING',
      layer: 'issue',
      pair,
      message: 'agentKey needs a kid: L3 headers name it',
      claim: profile.agentKid,
    });
  }
  return { jwk: bareJwk(jwk), kid: jwk.kid };
}

function amountConstraint(a: AmountRangeInput, pair: number, C: WireProfile['constraint']): Json {
  const out: Json = { type: C.amount, currency: a.currency };
  if (a.min !== undefined) out.min = toMinorUnits(a.min, a.currency);
  if (a.max !== undefined) out.max = toMinorUnits(a.max, a.currency);
  if (out.min === undefined && out.max === undefined)
    throw invalidInput(`pairs[${pair}].amount needs min and/or max`, C.amount);
  return out;
}

/** The merchant allowlist as array disclosures; an empty one could never be satisfied. */
function merchantDisclosures(
  input: AutonomousPairInput,
  pair: number,
  profile: WireProfile,
  salt: SaltSource | undefined,
): BuiltDisclosure[] {
  if (!Array.isArray(input.merchants) || input.merchants.length === 0) {
    throw new VIError({
      code: 'CONSTRAINT_ALLOWLIST_EMPTY',
      layer: 'issue',
      pair,
      message: 'an empty merchant allowlist is unsatisfiable',
      claim: profile.constraint.allowedMerchant,
    });
  }
  const merchants: BuiltDisclosure[] = [];
  for (let i = 0; i < input.merchants.length; i++)
    merchants.push(makeArrayDisclosure(party(input.merchants[i], `merchants[${i}]`), salt));
  return merchants;
}

/** The payee allowlist: the merchants themselves by default, merchants named by index, or parties of its own. */
function payeeDisclosures(
  input: AutonomousPairInput,
  merchants: BuiltDisclosure[],
  pair: number,
  profile: WireProfile,
  salt: SaltSource | undefined,
  unique: boolean,
): BuiltDisclosure[] {
  const payeesInput = input.payees ?? 'merchants';
  // The unique layout gives a merchant that is also a payee a disclosure of its own in each allowlist.
  const reuse = (m: BuiltDisclosure) => (unique ? makeArrayDisclosure(m.value, salt) : m);
  if (payeesInput === 'merchants') {
    if (!unique) return merchants;
    const own: BuiltDisclosure[] = [];
    for (const m of merchants) own.push(reuse(m));
    return own;
  }
  if (!Array.isArray(payeesInput) || payeesInput.length === 0) {
    throw new VIError({
      code: 'CONSTRAINT_ALLOWLIST_EMPTY',
      layer: 'issue',
      pair,
      message: 'an empty payee allowlist is unsatisfiable',
      claim: profile.constraint.allowedPayee,
    });
  }
  const payees: BuiltDisclosure[] = [];
  for (let i = 0; i < payeesInput.length; i++) {
    const p = payeesInput[i];
    if (isRecord(p) && 'merchantIndex' in p) {
      const m = merchants[p.merchantIndex as number];
      if (!m)
        throw invalidInput(
          `payees[${i}].merchantIndex names no merchant`,
          profile.constraint.allowedPayee,
        );
      payees.push(reuse(m));
    } else payees.push(makeArrayDisclosure(party(p, `payees[${i}]`), salt));
  }
  return payees;
}

/** Acceptable items as array disclosures and the line entries that reference them; `'any'` is the only wildcard. */
function lineItemDisclosures(
  input: AutonomousPairInput,
  pair: number,
  profile: WireProfile,
  salt: SaltSource | undefined,
): { items: BuiltDisclosure[]; lineEntries: Json[] } {
  const items: BuiltDisclosure[] = [];
  const lineEntries: Json[] = [];
  if (input.lineItems === undefined) return { items, lineEntries };
  const claimName = profile.constraint.lineItems;
  if (!Array.isArray(input.lineItems) || input.lineItems.length === 0) {
    throw new VIError({
      code: 'CONSTRAINT_ALLOWLIST_EMPTY',
      layer: 'issue',
      pair,
      message: 'an empty line-items allowlist is unsatisfiable',
      claim: claimName,
    });
  }
  for (let i = 0; i < input.lineItems.length; i++) {
    const line = input.lineItems[i]!;
    const claim = `lineItems[${i}]`;
    const acceptable: BuiltDisclosure[] = [];
    if (line?.acceptableItems !== 'any') {
      // An empty list on the wire means "anything": only an explicit 'any' may ask for that.
      if (!Array.isArray(line?.acceptableItems) || line.acceptableItems.length === 0) {
        throw new VIError({
          code: 'CONSTRAINT_ALLOWLIST_EMPTY',
          layer: 'issue',
          pair,
          message: `${claim}.acceptableItems is empty; use 'any' for a wildcard`,
          claim: claimName,
        });
      }
      for (let j = 0; j < line.acceptableItems.length; j++) {
        const it = line.acceptableItems[j];
        const id = it?.id;
        const title = it?.title;
        // The claim names are built only for an error (requireString's checks, spelled out).
        if (typeof id !== 'string' || id === '')
          requireString(id, `${claim}.acceptableItems[${j}].id`);
        if (typeof title !== 'string' || title === '')
          requireString(title, `${claim}.acceptableItems[${j}].title`);
        acceptable.push(makeArrayDisclosure({ id, title }, salt));
      }
    }
    for (const d of acceptable) items.push(d);
    lineEntries.push({
      id: requireString(line.id, `${claim}.id`),
      acceptable_items: refsOf(acceptable),
      quantity: line.quantity,
    });
  }
  return { items, lineEntries };
}

/** The caller's extra constraints, each to the mandate its registered type belongs to (unknown ones to payment, where the shape guard refuses them). */
function extraConstraintsByMandate(
  input: AutonomousPairInput,
  profile: WireProfile,
): Record<MandateKind, Json[]> {
  const extra = input.extraConstraints ?? [];
  if (!Array.isArray(extra)) throw invalidInput('extraConstraints must be an array', 'constraints');
  const extraFor: Record<MandateKind, Json[]> = { checkout: [], payment: [] };
  if (extra.length === 0) return extraFor;
  const registry = constraintRegistryFor(profile);
  for (const c of extra) {
    const t = isRecord(c) && typeof c.type === 'string' ? registry.get(c.type) : undefined;
    extraFor[t ? t.mandate : 'payment'].push(c);
  }
  return extraFor;
}

/** The open checkout mandate's constraints: allowed merchants, line items (with their match mode), extras; shape-checked. */
function checkoutConstraintsOf(
  input: AutonomousPairInput,
  merchants: BuiltDisclosure[],
  lineEntries: Json[],
  extra: Json[],
  pair: number,
  profile: WireProfile,
): Json[] {
  const C = profile.constraint;
  const out: Json[] = [
    { type: C.allowedMerchant, [profile.allowlistField.allowedMerchant]: refsOf(merchants) },
  ];
  if (lineEntries.length > 0) {
    const lineItems: Json = { type: C.lineItems, items: lineEntries };
    if (input.lineItemsMatchMode !== undefined) {
      if (
        profile.lineItemMatchModes === undefined ||
        !profile.lineItemMatchModes.includes(input.lineItemsMatchMode)
      ) {
        throw invalidInput(
          `match_mode ${JSON.stringify(input.lineItemsMatchMode)} is not defined in ${profile.name}`,
          C.lineItems,
        );
      }
      lineItems.match_mode = input.lineItemsMatchMode;
    }
    out.push(lineItems);
  }
  for (const c of extra) out.push(c);
  shapeGuard(out, 'checkout', pair, profile);
  return out;
}

/** The open payment mandate's constraints in the profile's order, extras, then the reference to the checkout mandate; shape-checked. */
function paymentConstraintsOf(
  input: AutonomousPairInput,
  payees: BuiltDisclosure[],
  checkoutDigest: string,
  extra: Json[],
  pair: number,
  profile: WireProfile,
): Json[] {
  const C = profile.constraint;
  const registered: Partial<Record<ConstraintKey, Json>> = {};
  if (input.amount !== undefined) registered.amount = amountConstraint(input.amount, pair, C);
  registered.allowedPayee = {
    type: C.allowedPayee,
    [profile.allowlistField.allowedPayee]: refsOf(payees),
  };
  if (input.budget !== undefined) {
    const b: Json = {
      type: C.budget,
      currency: input.budget.currency,
      max: toMinorUnits(input.budget.max, input.budget.currency),
    };
    if (input.budget.min !== undefined) {
      if (!profile.budgetMin)
        throw invalidInput(`budget min is not defined in ${profile.name}`, C.budget);
      b.min = toMinorUnits(input.budget.min, input.budget.currency);
    }
    registered.budget = b;
  }
  if (input.recurrence !== undefined)
    registered.recurrence = { type: C.recurrence, ...input.recurrence };
  if (input.agentRecurrence !== undefined) {
    // constraints.md §4.7: agent-managed recurrence is only bounded with both a per-transaction range and a total cap.
    if (input.amount === undefined || input.budget === undefined) {
      throw new VIError({
        code: 'CONSTRAINT_RECURRENCE_COMPANION_MISSING',
        layer: 'issue',
        pair,
        message: 'agentRecurrence needs both amount and budget',
        claim: C.agentRecurrence,
      });
    }
    registered.agentRecurrence = { type: C.agentRecurrence, ...input.agentRecurrence };
  }
  const out: Json[] = [];
  for (const k of profile.paymentConstraintOrder) {
    const c = registered[k];
    if (c) out.push(c);
  }
  for (const c of extra) out.push(c);
  // The reference constraint ties this payment mandate to its checkout mandate disclosure (§4.5.3).
  out.push({ type: C.reference, conditional_transaction_id: checkoutDigest });
  shapeGuard(out, 'payment', pair, profile);
  return out;
}

/** Build one open mandate pair: the allowlists' disclosures first, then the checkout mandate, then the payment mandate referencing it. */
function buildPair(
  input: AutonomousPairInput,
  pair: number,
  profile: WireProfile,
  salt: SaltSource | undefined,
  unique: boolean,
): IssuedAutonomousPair {
  if (!isRecord(input)) throw invalidInput(`pairs[${pair}] must be an object`);
  const agent = agentKey(input.agentKey, pair, profile);
  // One cnf object for both mandates (checked at the end).
  const cnf = cnfFor(profile, agent.jwk as unknown as Record<string, unknown>, agent.kid);
  const instrument = paymentInstrument(input.paymentInstrument);
  // Disclosures are made in this order (merchants, payees, items, checkout, payment): a deterministic salt source relies on it.
  const merchants = merchantDisclosures(input, pair, profile, salt);
  const payees = payeeDisclosures(input, merchants, pair, profile, salt, unique);
  const { items, lineEntries } = lineItemDisclosures(input, pair, profile, salt);
  const extra = extraConstraintsByMandate(input, profile);

  const checkoutValue: Json = {
    vct: profile.vct.checkoutOpen,
    cnf,
    constraints: checkoutConstraintsOf(
      input,
      merchants,
      lineEntries,
      extra.checkout,
      pair,
      profile,
    ),
  };
  if (input.promptSummary !== undefined)
    checkoutValue.prompt_summary = requireString(input.promptSummary, 'prompt_summary');
  const checkout = makeArrayDisclosure(checkoutValue, salt);

  const paymentConstraints = paymentConstraintsOf(
    input,
    payees,
    checkout.digest,
    extra.payment,
    pair,
    profile,
  );
  const paymentValue: Json = {
    vct: profile.vct.paymentOpen,
    cnf,
    constraints: paymentConstraints,
    payment_instrument: instrument,
  };
  if (input.riskData !== undefined) {
    if (!isRecord(input.riskData)) throw invalidInput('riskData must be an object', 'risk_data');
    const problem = riskDataProblem(profile, input.riskData);
    if (problem)
      throw new VIError({
        code: problem.code,
        layer: 'issue',
        pair,
        message: problem.message,
        claim: 'risk_data',
      });
    paymentValue.risk_data = input.riskData;
  }
  const payment = makeArrayDisclosure(paymentValue, salt);

  // Both mandates carry the one cnf object built above; re-check so a future edit cannot split them.
  if (checkoutValue.cnf !== paymentValue.cnf) {
    throw new VIError({
      code: 'MANDATE_CNF_PAIR_MISMATCH',
      layer: 'issue',
      pair,
      message: 'checkout and payment mandate cnf differ',
      claim: 'cnf',
    });
  }
  return { checkout, payment, merchants, payees, items, agentKid: agent.kid, agentJwk: agent.jwk };
}

/** Append a pair's disclosures in serialization order: merchants, payees (those not reusing a merchant's), items, checkout, payment. */
function pushPairDisclosures(p: IssuedAutonomousPair, out: BuiltDisclosure[]): void {
  for (const d of p.merchants) out.push(d);
  if (p.payees !== p.merchants) for (const d of p.payees) if (!p.merchants.includes(d)) out.push(d);
  for (const d of p.items) out.push(d);
  out.push(p.checkout, p.payment);
}

/**
 * Issue an Autonomous-mode L2 (`typ: kb-sd-jwt+kb`) delegating to one or more
 * agent keys. `_sd` lists every disclosure digest once (the reference's flat
 * commitment list); `delegate_payload` references the mandates, pair by pair.
 *
 * Refuses: no pairs, empty allowlists, malformed or unknown constraints,
 * agent_recurrence without amount and budget, a kid bound to two keys, an
 * `exp` past L1 `exp`, a key L1 does not bind.
 *
 * @example
 * const l2 = issueL2Autonomous({
 *   userKey: user, l1, aud: 'https://agent.example',
 *   pairs: [{ agentKey: agent.publicJwk, merchants: [shop], paymentInstrument: card, amount: { currency: 'USD', max: '400.00' }, budget: { currency: 'USD', max: '500.00' } }],
 * });
 * // l2.serialized goes to the agent; l2.pairs[0] is what it may fulfil
 */
export function issueL2Autonomous(input: IssueL2AutonomousInput): IssuedL2Autonomous {
  return runSealing(issueL2AutonomousSealing(input), input.userKey);
}

/** {@link issueL2Autonomous} with any {@link Signer} (WebCrypto, HSM, KMS); resolves once every signature arrived. */
export function issueL2AutonomousAsync(
  input: IssueL2AutonomousInput<Signer>,
): Promise<IssuedL2Autonomous> {
  return runSealingAsync(issueL2AutonomousSealing(input), input.userKey);
}

/** The body of {@link issueL2Autonomous}: yields each JWT to sign. */
function* issueL2AutonomousSealing(
  input: IssueL2AutonomousInput<Signer>,
): Sealing<IssuedL2Autonomous> {
  const l1 = readBoundL1(input.l1, input.userKey);
  const { aud, nonce } = l2Basics(input);
  const iat = issuedAt(input.iat);
  const exp = iat + lifetime(input.lifetimeSeconds ?? COMMON.l2AutonomousDefaultLifetimeSeconds);
  if (l1.exp !== undefined && exp > l1.exp) {
    throw new VIError({
      code: 'LIFETIME_EXCEEDED',
      layer: 'issue',
      message: `L2 exp ${exp} would outlive L1 exp ${l1.exp}`,
      claim: 'exp',
    });
  }

  const profile = profileOf(input.profile);
  const unique = layoutOf(input.layout, profile) === 'unique';
  const pairs: IssuedAutonomousPair[] = [];
  for (let i = 0; i < input.pairs.length; i++)
    pairs.push(buildPair(input.pairs[i]!, i, profile, input.salt, unique));
  // L3 verifiers resolve the agent key by kid: one kid must mean one key across the whole L2.
  const keyByKid = new Map<string, PublicJwk>();
  pairs.forEach((p, i) => {
    const known = keyByKid.get(p.agentKid);
    // Both are bare P-256 JWKs built by agentKey (kty, crv, x, y): the same key when the coordinates match.
    if (known !== undefined && (known.x !== p.agentJwk.x || known.y !== p.agentJwk.y)) {
      throw new VIError({
        code: 'MANDATE_CNF_PAIR_MISMATCH',
        layer: 'issue',
        pair: i,
        message: `kid ${p.agentKid} is bound to two different agent keys`,
        claim: profile.agentKid,
      });
    }
    keyByKid.set(p.agentKid, p.agentJwk);
  });

  const disclosures: BuiltDisclosure[] = [];
  const delegatePayload: { '...': string }[] = [];
  for (const p of pairs) {
    pushPairDisclosures(p, disclosures);
    delegatePayload.push(ref(p.checkout), ref(p.payment));
  }
  const sd: string[] = [];
  const encoded: string[] = [];
  for (const d of disclosures) {
    sd.push(d.digest);
    encoded.push(d.encoded);
  }
  const payload: Record<string, unknown> = {
    nonce,
    aud,
    iat,
    sd_hash: sha256b64u(l1.serialized),
    delegate_payload: delegatePayload,
    _sd_alg: COMMON.sdAlg,
  };
  // The unique layout: every digest already has its one place (delegate_payload, an allowlist, a line entry).
  if (!unique) payload._sd = sd;
  if (input.iss !== undefined) payload.iss = input.iss;
  payload.exp = exp;
  const jwt = yield* seal(l2Header(profile, COMMON.typ.l2Autonomous, input.userKey.kid), payload);
  return {
    mode: 'autonomous',
    profile,
    serialized: serializeSdJwt(jwt, encoded),
    jwt,
    payload,
    pairs,
  };
}
