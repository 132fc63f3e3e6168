/**
 * Layer 2, Autonomous mode (credential-format §4.5): the user bounds what an
 * agent may buy. Each allowed merchant and each acceptable item is its own
 * array-element disclosure, so the agent can later reveal only the one it
 * picked; mandates reference them by digest from inside their constraints.
 */
import { VIError, invalidInput } from '../errors.js';
import { constraintRegistry, constraintShapeViolations } from '../constraints/registry.js';
import { makeArrayDisclosure, serializeSdJwt, signJwt, type BuiltDisclosure } from '../sdjwt/build.js';
import { sha256b64u } from '../sdjwt/digest.js';
import { bareJwk, type PublicJwk } from '../sdjwt/keys.js';
import { PROFILE, type MandateKind } from '../spec/profile.js';
import { isRecord, issuedAt, l2Basics, lifetime, party, paymentInstrument, publicKey, requireString, type Json, type PartyInput, type PaymentInstrument } from './common.js';
import { readBoundL1 } from './l1-binding.js';
import { toMinorUnits } from './money.js';
import type { IssueL2Common, IssuedAutonomousPair, IssuedL2Autonomous } from './l2-types.js';

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
  /** `'merchants'` (default) reuses the merchant disclosures as the payee allowlist. */
  payees?: 'merchants' | PartyInput[];
  budget?: { currency: string; max: string | number };
  recurrence?: { frequency: string; start_date: string; end_date?: string; number?: number };
  agentRecurrence?: { frequency: string; start_date: string; end_date: string; max_occurrences?: number };
  /** Further registered constraints, placed in the mandate their type belongs to. */
  extraConstraints?: Json[];
  promptSummary?: string;
  riskData?: Json;
}

/** Input of {@link issueL2Autonomous}: the user's key, the L1 it binds to, and the open mandate pairs. */
export interface IssueL2AutonomousInput extends IssueL2Common {
  /** Defaults to 86400; must not reach past L1 `exp`. */
  lifetimeSeconds?: number;
  pairs: AutonomousPairInput[];
}

const REF = PROFILE.claim.arrayRef;
const ref = (d: BuiltDisclosure) => ({ [REF]: d.digest });
const C = PROFILE.constraint;

function shapeGuard(constraints: Json[], kind: MandateKind, pair: number): void {
  const violations = constraintShapeViolations(constraints, kind);
  const first = violations[0];
  if (first) {
    throw new VIError({ code: first.code, layer: 'issue', pair, message: violations.map((v) => v.message).join('; '), claim: `${kind} constraints` });
  }
}

function agentCnf(key: PublicJwk, pair: number): { jwk: PublicJwk; kid: string } {
  const jwk = publicKey(key, 'cnf.jwk');
  if (typeof jwk.kid !== 'string' || jwk.kid === '') {
    throw new VIError({ code: 'KID_MISSING', layer: 'issue', pair, message: 'agentKey needs a kid: L3 headers name it', claim: 'cnf.kid' });
  }
  return { jwk: bareJwk(jwk), kid: jwk.kid };
}

function amountConstraint(a: AmountRangeInput, pair: number): Json {
  const out: Json = { type: C.amount, currency: a.currency };
  if (a.min !== undefined) out.min = toMinorUnits(a.min, a.currency);
  if (a.max !== undefined) out.max = toMinorUnits(a.max, a.currency);
  if (out.min === undefined && out.max === undefined) throw invalidInput(`pairs[${pair}].amount needs min and/or max`, C.amount);
  return out;
}

function buildPair(input: AutonomousPairInput, pair: number): IssuedAutonomousPair {
  if (!isRecord(input)) throw invalidInput(`pairs[${pair}] must be an object`);
  const cnf = agentCnf(input.agentKey, pair);
  const instrument = paymentInstrument(input.paymentInstrument);

  if (!Array.isArray(input.merchants) || input.merchants.length === 0) {
    throw new VIError({ code: 'CONSTRAINT_ALLOWLIST_EMPTY', layer: 'issue', pair, message: 'an empty merchant allowlist is unsatisfiable', claim: C.allowedMerchant });
  }
  const merchants = input.merchants.map((m, i) => makeArrayDisclosure(party(m, `merchants[${i}]`)));

  const payeesInput = input.payees ?? 'merchants';
  let payees: BuiltDisclosure[];
  if (payeesInput === 'merchants') payees = merchants;
  else if (Array.isArray(payeesInput) && payeesInput.length > 0) payees = payeesInput.map((p, i) => makeArrayDisclosure(party(p, `payees[${i}]`)));
  else throw new VIError({ code: 'CONSTRAINT_ALLOWLIST_EMPTY', layer: 'issue', pair, message: 'an empty payee allowlist is unsatisfiable', claim: C.allowedPayee });

  const items: BuiltDisclosure[] = [];
  const lineEntries: Json[] = [];
  if (input.lineItems !== undefined) {
    if (!Array.isArray(input.lineItems) || input.lineItems.length === 0) {
      throw new VIError({ code: 'CONSTRAINT_ALLOWLIST_EMPTY', layer: 'issue', pair, message: 'an empty line-items allowlist is unsatisfiable', claim: C.lineItems });
    }
    for (const [i, line] of input.lineItems.entries()) {
      const claim = `lineItems[${i}]`;
      let acceptable: BuiltDisclosure[] = [];
      if (line?.acceptableItems !== 'any') {
        // An empty list on the wire means "anything": only an explicit 'any' may ask for that.
        if (!Array.isArray(line?.acceptableItems) || line.acceptableItems.length === 0) {
          throw new VIError({ code: 'CONSTRAINT_ALLOWLIST_EMPTY', layer: 'issue', pair, message: `${claim}.acceptableItems is empty; use 'any' for a wildcard`, claim: C.lineItems });
        }
        acceptable = line.acceptableItems.map((it, j) =>
          makeArrayDisclosure({ id: requireString(it?.id, `${claim}.acceptableItems[${j}].id`), title: requireString(it?.title, `${claim}.acceptableItems[${j}].title`) }),
        );
      }
      items.push(...acceptable);
      lineEntries.push({ id: requireString(line.id, `${claim}.id`), acceptable_items: acceptable.map(ref), quantity: line.quantity });
    }
  }

  const extra = input.extraConstraints ?? [];
  if (!Array.isArray(extra)) throw invalidInput('extraConstraints must be an array', 'constraints');
  const extraFor = (kind: MandateKind) =>
    extra.filter((c) => {
      const t = isRecord(c) && typeof c.type === 'string' ? constraintRegistry.get(c.type) : undefined;
      // Unknown or untyped constraints go to the payment mandate, where the shape guard refuses them.
      return t ? t.mandate === kind : kind === 'payment';
    });

  const checkoutConstraints: Json[] = [{ type: C.allowedMerchant, allowed_merchants: merchants.map(ref) }];
  if (lineEntries.length > 0) checkoutConstraints.push({ type: C.lineItems, items: lineEntries });
  checkoutConstraints.push(...extraFor('checkout'));
  shapeGuard(checkoutConstraints, 'checkout', pair);

  const checkoutValue: Json = { vct: PROFILE.vct.checkoutOpen, cnf, constraints: checkoutConstraints };
  if (input.promptSummary !== undefined) checkoutValue.prompt_summary = requireString(input.promptSummary, 'prompt_summary');
  const checkout = makeArrayDisclosure(checkoutValue);

  const paymentConstraints: Json[] = [];
  if (input.amount !== undefined) paymentConstraints.push(amountConstraint(input.amount, pair));
  paymentConstraints.push({ type: C.allowedPayee, allowed_payees: payees.map(ref) });
  if (input.budget !== undefined) {
    paymentConstraints.push({ type: C.budget, currency: input.budget.currency, max: toMinorUnits(input.budget.max, input.budget.currency) });
  }
  if (input.recurrence !== undefined) paymentConstraints.push({ type: C.recurrence, ...input.recurrence });
  if (input.agentRecurrence !== undefined) {
    // constraints.md §4.7: agent-managed recurrence is only bounded with both a per-transaction range and a total cap.
    if (input.amount === undefined || input.budget === undefined) {
      throw new VIError({ code: 'CONSTRAINT_RECURRENCE_COMPANION_MISSING', layer: 'issue', pair, message: 'agentRecurrence needs both amount and budget', claim: C.agentRecurrence });
    }
    paymentConstraints.push({ type: C.agentRecurrence, ...input.agentRecurrence });
  }
  paymentConstraints.push(...extraFor('payment'));
  // The reference constraint ties this payment mandate to its checkout mandate disclosure (§4.5.3).
  paymentConstraints.push({ type: C.reference, conditional_transaction_id: checkout.digest });
  shapeGuard(paymentConstraints, 'payment', pair);

  const paymentValue: Json = { vct: PROFILE.vct.paymentOpen, cnf, constraints: paymentConstraints, payment_instrument: instrument };
  if (input.riskData !== undefined) {
    if (!isRecord(input.riskData)) throw invalidInput('riskData must be an object', 'risk_data');
    paymentValue.risk_data = input.riskData;
  }
  const payment = makeArrayDisclosure(paymentValue);

  // Both mandates are built from one cnf object; re-check so a future edit cannot split them.
  if (JSON.stringify(checkoutValue.cnf) !== JSON.stringify(paymentValue.cnf)) {
    throw new VIError({ code: 'MANDATE_CNF_PAIR_MISMATCH', layer: 'issue', pair, message: 'checkout and payment mandate cnf differ', claim: 'cnf' });
  }
  return { checkout, payment, merchants, payees, items, agentKid: cnf.kid, agentJwk: cnf.jwk };
}

/** Disclosures of a pair in serialization order: merchants, payees, items, checkout, payment. */
function pairDisclosures(p: IssuedAutonomousPair): BuiltDisclosure[] {
  const payees = p.payees === p.merchants ? [] : p.payees;
  return [...p.merchants, ...payees, ...p.items, p.checkout, p.payment];
}

/**
 * Issue an Autonomous-mode L2 (`typ: kb-sd-jwt+kb`) delegating to one or more
 * agent keys. `_sd` lists every disclosure digest once (the reference's flat
 * commitment list); `delegate_payload` references the mandates, pair by pair.
 *
 * Refuses: no pairs, empty allowlists, malformed or unknown constraints,
 * agent_recurrence without amount and budget, a kid bound to two keys, an
 * `exp` past L1 `exp`, a key L1 does not bind.
 */
export function issueL2Autonomous(input: IssueL2AutonomousInput): IssuedL2Autonomous {
  const l1 = readBoundL1(input.l1, input.userKey);
  const { aud, nonce } = l2Basics(input);
  const iat = issuedAt(input.iat);
  const exp = iat + lifetime(input.lifetimeSeconds ?? PROFILE.l2AutonomousDefaultLifetimeSeconds);
  if (l1.exp !== undefined && exp > l1.exp) {
    throw new VIError({ code: 'LIFETIME_EXCEEDED', layer: 'issue', message: `L2 exp ${exp} would outlive L1 exp ${l1.exp}`, claim: 'exp' });
  }

  const pairs = input.pairs.map(buildPair);
  // L3 verifiers resolve the agent key by kid: one kid must mean one key across the whole L2.
  const keyByKid = new Map<string, string>();
  pairs.forEach((p, i) => {
    const jwk = JSON.stringify(p.agentJwk);
    const known = keyByKid.get(p.agentKid);
    if (known !== undefined && known !== jwk) {
      throw new VIError({ code: 'MANDATE_CNF_PAIR_MISMATCH', layer: 'issue', pair: i, message: `kid ${p.agentKid} is bound to two different agent keys`, claim: 'cnf.kid' });
    }
    keyByKid.set(p.agentKid, jwk);
  });

  const disclosures = pairs.flatMap(pairDisclosures);
  const payload: Record<string, unknown> = {
    nonce,
    aud,
    iat,
    sd_hash: sha256b64u(l1.serialized),
    delegate_payload: pairs.flatMap((p) => [ref(p.checkout), ref(p.payment)]),
    _sd_alg: PROFILE.sdAlg,
    _sd: disclosures.map((d) => d.digest),
  };
  if (input.iss !== undefined) payload.iss = input.iss;
  payload.exp = exp;
  const jwt = signJwt({ alg: PROFILE.alg, typ: PROFILE.typ.l2Autonomous, kid: input.userKey.kid }, payload, input.userKey);
  return { mode: 'autonomous', serialized: serializeSdJwt(jwt, disclosures.map((d) => d.encoded)), jwt, payload, pairs };
}
