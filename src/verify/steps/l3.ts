/**
 * Stage L3a / L3b (agent → network / merchant): credential-format §5.7, README §3.2.
 * Each L3 is judged against the L2 view its `sd_hash` binds; its signing key
 * comes only from the `cnf` of the mandate that view discloses, matched by
 * header `kid`; never from the L3 itself.
 */

import { riskDataMisplaced } from '../../constraints/risk-data.js';
import type { Party } from '../../constraints/types.js';
import { describeParty, isRecord, sameParty } from '../../constraints/values.js';
import {
  agentKidOf,
  classifyVct,
  finalVct,
  PROFILE,
  type WireProfile,
} from '../../profiles/profile.js';
import { sha256b64u } from '../../sdjwt/digest.js';
import type { PublicJwk } from '../../sdjwt/keys.js';
import {
  arrayRefDigest,
  disclosedElements,
  disclosesAlikeWithin,
  type Resolved,
  resolveDisclosures,
  resolveElement,
} from '../../sdjwt/resolve.js';
import { type Check, type CheckLog, reject, type Skip, skip } from '../context.js';
import type {
  BoundL3,
  BoundL3s,
  Mandate,
  MandateSet,
  PairL3s,
  Pairs,
  ParsedChain,
  ParsedL3,
  ResolvedView,
} from '../stages.js';
import {
  requireAudience,
  requireEs256,
  requireExpectation,
  requireIssuerUri,
  requireLifetime,
  requireNoCrit,
  requireSdAlgPresent,
  requireSignature,
  requireString,
  requireTimes,
  requireTyp,
} from './common.js';
import {
  fractionalMembersOf,
  requireConstraintShapes,
  requireFinalPaymentShape,
} from './mandates.js';

interface L3Input {
  readonly rec: ParsedL3;
  /** The L2 view presented with it, as the L2 stage resolved it. */
  readonly view: ResolvedView | undefined;
  readonly chain: ParsedChain;
  readonly set: MandateSet;
  readonly pairs: Pairs | undefined;
}

/** What one L3's checks establish, in table order. */
interface L3Findings {
  headerOk: boolean;
  /** The L2 mandate its view discloses, once l3*.pair bound it. */
  mandate?: Mandate;
  /** That mandate as the L3's own view resolves it. */
  bound?: Record<string, unknown>;
  pairId?: string;
  signer?: string;
  resolved?: Resolved;
  final?: Record<string, unknown>;
  selectedMerchant?: Record<string, unknown>;
}

function l3Header({ rec }: L3Input, found: L3Findings): void {
  const jwt = rec.parsed.jwt;
  requireEs256(jwt);
  requireTyp(jwt, [PROFILE.typ.l3]);
  if (typeof jwt.header.kid !== 'string' || jwt.header.kid === '')
    reject('KID_MISSING', 'L3 header needs the kid of the L2 cnf key', 'kid');
  if ('jwk' in jwt.header)
    reject(
      'L3_HEADER_JWK_FORBIDDEN',
      'L3 headers must not carry jwk; the key comes from L2 cnf',
      'jwk',
    );
  requireNoCrit(jwt);
  found.headerOk = true;
}

/** The mandate of this L3's kind that its L2 view discloses: that is the pair it binds to. */
function l3Pair({ rec, view, set, pairs }: L3Input, found: L3Findings): void {
  if (rec.view === undefined) reject('L3_PAIR_UNBOUND', 'no readable L2 view for this L3');
  // A view whose disclosures did not resolve (reported by l2.view) binds to nothing.
  if (!view?.resolved) reject('L3_PAIR_UNBOUND', `the L2 view under ${rec.layer} did not resolve`);
  const candidates: Mandate[] = [];
  for (const d of view.resolved.byDigest.keys()) {
    const m = set.mandates.get(d);
    if (m && m.kind === rec.kind) candidates.push(m);
  }
  if (candidates.length !== 1) {
    reject(
      'L3_PAIR_UNBOUND',
      `the L2 view under ${rec.layer} must disclose exactly one ${rec.kind} mandate, found ${candidates.length}`,
    );
  }
  const m = candidates[0]!;
  found.bound = mandateInView(view, set, m.digest);
  found.mandate = m;
  found.pairId = pairs?.pairIdOf.get(m.digest);
}

/**
 * The mandate `digest` as `view` resolves it (its own nested disclosures,
 * not another view's). Every view is the same signed L2, so the mandate's
 * delegate_payload position is the one `set.order` holds. The bundle's `l2`
 * was resolved whole; another view that discloses exactly what `l2` does
 * inside this mandate resolves it to the same value, else just this mandate
 * is resolved under the view's own disclosures.
 */
function mandateInView(
  view: ResolvedView,
  set: MandateSet,
  digest: string,
): Record<string, unknown> {
  const i = set.order.get(digest);
  const own = view.resolved!;
  const main = set.l2.views[0]!.resolved;
  const whole =
    view.index === 0 ? own : main && disclosesAlikeWithin(main, own, digest) ? main : undefined;
  const value =
    i === undefined
      ? undefined
      : whole
        ? (whole.claims[PROFILE.claim.delegatePayload] as unknown[])[i]
        : resolveElement(own, digest, 'l2');
  if (!isRecord(value)) reject('L3_PAIR_UNBOUND', 'the bound mandate does not resolve in its view');
  return value;
}

function l3Signature({ rec, chain }: L3Input, found: L3Findings): void | Skip {
  const mandate = found.mandate;
  if (!found.headerOk || !found.bound || !mandate) return skip('no delegated key to check against');
  if (!mandate.wellFormed) return skip('the bound L2 mandate is malformed');
  const jwt = rec.parsed.jwt;
  const cnf = mandate.claims.cnf as { jwk: PublicJwk };
  const kid = agentKidOf(mandate.profile, cnf);
  if (jwt.header.kid !== kid)
    reject(
      'L3_KID_MISMATCH',
      `header kid '${String(jwt.header.kid)}' is not the L2 ${mandate.profile.agentKid} '${String(kid)}'`,
      'kid',
    );
  const { keyCache, options, signatures } = chain.read.config;
  requireSignature(
    jwt,
    keyCache.import(cnf.jwk),
    'L3_SIGNATURE_INVALID',
    signatures,
    options.signatureCache !== undefined,
  );
  found.signer = keyCache.thumbprint(cnf.jwk);
}

function l3Cnf({ rec }: L3Input): void {
  if ('cnf' in rec.parsed.jwt.payload)
    reject('L3_CNF_FORBIDDEN', 'L3 payload must not carry cnf (terminal delegation)', 'cnf');
}

function l3SdHash({ rec, view }: L3Input): void {
  if (rec.parsed.jwt.payload.sd_hash !== sha256b64u(view!.parsed.serialized)) {
    reject(
      'L3_SD_HASH_MISMATCH',
      `${rec.layer} sd_hash is not the hash of the L2 view presented with it`,
      'sd_hash',
    );
  }
}

function l3Claims({ rec, set }: L3Input): void {
  const payload = rec.parsed.jwt.payload;
  const nonce = requireString(payload, 'nonce', 'L3_CLAIM_MISSING');
  // credential-format §5.3: distinct from the L2 nonce, so an L3 cannot pass for the L2's own session.
  if (nonce === set.l2.views[0]!.parsed.jwt.payload.nonce)
    reject('L3_NONCE_REUSED', `${rec.layer} nonce must differ from the L2 nonce`, 'nonce');
  requireAudience(payload, 'L3_CLAIM_MISSING');
  requireIssuerUri(payload, false, 'L3_CLAIM_MISSING');
  requireSdAlgPresent(payload, 'L3_CLAIM_MISSING');
  const dp = payload[PROFILE.claim.delegatePayload];
  if (!Array.isArray(dp) || dp.length === 0)
    reject('L3_CLAIM_MISSING', 'delegate_payload must be a non-empty array', 'delegate_payload');
  // credential-format §5.3: references only; an inline mandate would be signed but not selectively disclosed.
  if (dp.some((e) => arrayRefDigest(e) === undefined))
    reject(
      'CLAIM_MALFORMED',
      'delegate_payload entries must be {"...": digest} references',
      'delegate_payload',
    );
}

function l3Time({ rec, chain }: L3Input): void {
  const { at, config } = chain.read;
  const times = requireTimes(rec.parsed.jwt.payload, at, config.skew, 'L3_CLAIM_MISSING');
  requireLifetime(times, config.limits.maxL3LifetimeSeconds, 'L3_LIFETIME_EXCEEDED', rec.layer);
}

function l3Expect({ rec, chain }: L3Input): void | Skip {
  const e = chain.read.expect[rec.layer];
  if (!e.aud && !e.nonce) return skip(`no expected aud/nonce given for ${rec.layer}`);
  requireExpectation(rec.parsed.jwt.payload, e);
}

function l3Mandate({ rec, chain }: L3Input, found: L3Findings): void {
  const profile = found.mandate!.profile;
  found.resolved = resolveDisclosures(rec.parsed.jwt.payload, rec.parsed.disclosures, rec.layer);
  const m = finalMandate(rec, found.resolved, profile, found);
  found.final = m;
  const risk =
    riskDataMisplaced(profile, m, `the ${rec.layer} mandate`) ??
    riskDataMisplaced(profile, rec.parsed.jwt.payload, `the ${rec.layer} payload`);
  if (risk) reject(risk.code, risk.message, 'risk_data');
  requireNoMandateOutside(rec, found.resolved);
  if ('cnf' in m) reject('L3_CNF_FORBIDDEN', 'L3 final mandate must not carry cnf', 'cnf');
  if ('constraints' in m)
    reject(
      'MANDATE_CONSTRAINTS_FORBIDDEN',
      'L3 final mandate carries values, not constraints',
      'constraints',
    );
  if (rec.kind === 'payment') {
    requireFinalPaymentShape(m, fractionalMembersOf(rec.parsed.disclosures).has('amount'));
    if (found.bound) requireSameInstrument(m.payment_instrument, found.bound.payment_instrument);
  } else {
    if (typeof m.checkout_jwt !== 'string')
      reject('MANDATE_MALFORMED', 'L3b checkout mandate needs checkout_jwt', 'checkout_jwt');
    if (m.checkout_hash !== sha256b64u(m.checkout_jwt))
      reject(
        'CHECKOUT_HASH_MISMATCH',
        'L3b checkout_hash is not B64U(SHA-256(checkout_jwt))',
        'checkout_hash',
      );
    requireTypedLines(m.line_items, chain.read.config.limits.maxCartLines);
  }
}

/**
 * A mandate is read from `delegate_payload` only. One committed elsewhere in
 * the L3 (a disclosure of its `_sd`, or a signed member beside
 * `delegate_payload`) would show a verifier that reads mandates another way
 * another payment: refused.
 */
function requireNoMandateOutside(rec: ParsedL3, resolved: Resolved): void {
  const payload = rec.parsed.jwt.payload;
  const placed = new Set<string>();
  for (const e of payload[PROFILE.claim.delegatePayload] as unknown[]) {
    const d = arrayRefDigest(e);
    if (d !== undefined) placed.add(d);
  }
  const isMandate = (v: unknown) => isRecord(v) && typeof v.vct === 'string';
  // A final mandate holds no mandate of its own: every vct-bearing disclosure is a delegate_payload element.
  for (const [digest, d] of resolved.byDigest) {
    if (!placed.has(digest) && isMandate(d.value))
      reject(
        'L3_MANDATE_MISPLACED',
        `${rec.layer} discloses a mandate outside delegate_payload`,
        'delegate_payload',
      );
  }
  for (const [name, v] of Object.entries(resolved.claims)) {
    if (name !== PROFILE.claim.delegatePayload && isMandate(v))
      reject(
        'L3_MANDATE_MISPLACED',
        `${rec.layer} carries a mandate in ${name}, outside delegate_payload`,
        name,
      );
  }
}

/** The one final mandate of the L3's kind among its disclosed delegate_payload entries (and an L3a's selected merchant). */
function finalMandate(
  rec: ParsedL3,
  resolvedL3: Resolved,
  profile: WireProfile,
  found: L3Findings,
): Record<string, unknown> {
  const raw = rec.parsed.jwt.payload[PROFILE.claim.delegatePayload] as unknown[];
  const resolved = resolvedL3.claims[PROFILE.claim.delegatePayload] as unknown[];
  if (!Array.isArray(raw) || !Array.isArray(resolved))
    reject(
      'L3_CLAIM_MISSING',
      `${rec.layer} delegate_payload must be an array`,
      'delegate_payload',
    );
  // The L3 speaks the vocabulary of the L2 mandate it fulfils.
  const wanted = finalVct(profile, rec.kind);
  const matches: Record<string, unknown>[] = [];
  resolved.forEach((v, i) => {
    if (arrayRefDigest(raw[i]) === undefined || !isRecord(v)) return;
    // Still a reference after resolution: withheld, or an RFC 9901 §4.2.5 decoy. Nothing to judge.
    if (arrayRefDigest(v) !== undefined) return;
    if (v.vct === undefined) {
      // The selected merchant beside an L3a payment mandate (credential-format §5.6); nothing else.
      if (rec.kind !== 'payment' || found.selectedMerchant)
        reject(
          'L3_MANDATE_MISSING',
          `${rec.layer} discloses an entry that is neither its mandate nor a selected merchant`,
        );
      found.selectedMerchant = v;
      return;
    }
    const kind = classifyVct(v.vct);
    if (!kind || kind.open)
      reject(
        'MANDATE_VCT_UNKNOWN',
        `unexpected vct ${JSON.stringify(v.vct)} in ${rec.layer}`,
        'vct',
      );
    if (v.vct === wanted) matches.push(v);
    else if (kind.profile !== profile)
      reject(
        'PROFILE_MIXED',
        `${rec.layer} carries a ${kind.profile.name} mandate for a ${profile.name} L2`,
        'vct',
      );
    else
      reject(
        'MANDATE_VCT_UNKNOWN',
        `${rec.layer} must carry a ${wanted} mandate, found ${String(v.vct)}`,
        'vct',
      );
  });
  if (matches.length !== 1)
    reject(
      'L3_MANDATE_MISSING',
      `${rec.layer} must disclose exactly one ${wanted} mandate, found ${matches.length}`,
    );
  return matches[0]!;
}

/**
 * L3a `payment_instrument` is the one the user delegated (credential-format
 * §5.6, §4.4.2): same `type` and `id`, and nothing beyond `description`.
 */
function requireSameInstrument(final: unknown, delegated: unknown): void {
  if (!isRecord(final) || !isRecord(delegated))
    reject('PAYMENT_INSTRUMENT_MISMATCH', 'payment_instrument must be the delegated one');
  if (final.type !== delegated.type || final.id !== delegated.id)
    reject(
      'PAYMENT_INSTRUMENT_MISMATCH',
      'L3a payment_instrument is not the one in the L2 payment mandate',
      'payment_instrument',
    );
  for (const k in final) {
    if (k !== 'type' && k !== 'id' && k !== 'description')
      reject(
        'PAYMENT_INSTRUMENT_MISMATCH',
        `L3a payment_instrument carries ${k}, beyond type, id and description`,
        'payment_instrument',
      );
  }
}

/** Item identifiers an L3b lists are strings: never a number or object matched some other way. */
function requireTypedLines(lines: unknown, maxLines: number): void {
  if (lines === undefined) return;
  if (!Array.isArray(lines))
    reject('MANDATE_MALFORMED', 'line_items must be an array', 'line_items');
  if (lines.length > maxLines)
    reject('LIMIT_EXCEEDED', `${lines.length} line items, limit ${maxLines}`, 'line_items');
  for (const l of lines) {
    const item = isRecord(l) && isRecord(l.item) ? l.item : undefined;
    const id = item ? item.id : isRecord(l) ? (l.sku ?? l.id) : undefined;
    if (typeof id !== 'string')
      reject('MANDATE_MALFORMED', 'each line item needs a string id', 'line_items');
  }
}

/** Parties the user signed into an allowlist and this view discloses: L2 disclosures shaped as a merchant. */
function partiesInView(view: ResolvedView): Party[] {
  const out: Party[] = [];
  for (const d of view.resolved!.byDigest.values()) {
    const v = d.name === undefined ? d.value : undefined;
    if (
      isRecord(v) &&
      v.vct === undefined &&
      typeof v.name === 'string' &&
      typeof v.website === 'string'
    )
      out.push(v as Party);
  }
  return out;
}

/**
 * The allowed merchants of a checkout mandate, as far as any view of this
 * L2 discloses them: every view is the same signed L2, so an entry's digest
 * names one value wherever it is disclosed. `withheld` counts the rest.
 */
function allowedMerchantsOf(
  checkout: Mandate,
  set: MandateSet,
): { list: Party[]; withheld: number } | undefined {
  const { constraint, allowlistField } = checkout.profile;
  const raw = isRecord(checkout.raw) ? checkout.raw.constraints : undefined;
  const k = Array.isArray(raw)
    ? raw.find((c) => isRecord(c) && c.type === constraint.allowedMerchant)
    : undefined;
  const entries = isRecord(k) ? k[allowlistField.allowedMerchant] : undefined;
  if (!Array.isArray(entries)) return undefined;
  const list: Party[] = [];
  let withheld = 0;
  for (const e of entries) {
    const digest = arrayRefDigest(e);
    if (digest === undefined) {
      if (isRecord(e)) list.push(e as Party);
      continue;
    }
    let value: unknown;
    for (const v of set.l2.views) {
      const d = v.resolved?.byDigest.get(digest);
      if (d) {
        value = d.value;
        break;
      }
    }
    if (isRecord(value)) list.push(value as Party);
    else withheld++;
  }
  return { list, withheld };
}

/**
 * credential-format §5.6: `selected_merchant` is disclosed from the L2's
 * allowed merchants, matched as constraints §4.1 matches parties (id when
 * both carry one, else name and website). Its payee need not be that
 * merchant: a marketplace or PSP payee the user allowed is checked by the
 * payee allowlist. Where no view discloses the pair's checkout mandate (a
 * network is not shown it), only the parties the L3a's own view discloses
 * are there to hold it against.
 */
function requireSelectedMerchant(
  view: ResolvedView,
  set: MandateSet,
  checkout: Mandate | undefined,
  sel: Record<string, unknown>,
): void | Skip {
  if ('id' in sel && typeof sel.id !== 'string')
    reject('MANDATE_MALFORMED', 'selected_merchant id must be a string', 'selected_merchant.id');
  if (
    typeof sel.id !== 'string' &&
    (typeof sel.name !== 'string' || typeof sel.website !== 'string')
  )
    reject(
      'MANDATE_MALFORMED',
      'selected_merchant needs an id, or a name and a website',
      'selected_merchant',
    );
  const party = sel as Party;
  const named = describeParty(party);
  if (checkout && !checkout.wellFormed)
    return skip('the checkout mandate is malformed (mandates.shape)');
  const allowed = checkout ? allowedMerchantsOf(checkout, set) : undefined;
  if (checkout && !allowed)
    return skip('the checkout mandate has no allowed-merchant constraint: any merchant is allowed');
  const list = allowed ? allowed.list : partiesInView(view);
  if (list.length === 0)
    reject(
      'L3_VIEW_INCOMPLETE',
      'no allowed merchant is disclosed to hold selected_merchant against',
      'selected_merchant',
    );
  if (!list.some((a) => sameParty(a, party)))
    reject(
      'SELECTED_MERCHANT_NOT_ALLOWED',
      `selected_merchant ${named} is not an allowed merchant`,
      'selected_merchant',
    );
}

/** The constraint of `type` in a mandate's constraints, if any. */
function constraintOf(
  mandate: Record<string, unknown>,
  type: string,
): Record<string, unknown> | undefined {
  const list = mandate.constraints;
  return Array.isArray(list)
    ? (list.find((k) => isRecord(k) && k.type === type) as Record<string, unknown> | undefined)
    : undefined;
}

/**
 * credential-format §5.4: what an L3 is judged by must be in the view it binds.
 * An L3a's view discloses its payment mandate (l3a.pair) and the merchant
 * (payee) entry; an L3b's view its checkout mandate and item entries. A view
 * that withholds every entry of such an allowlist is incomplete (and the
 * constraint CONSTRAINT_UNVERIFIABLE). The disclosures the bundle's `l2` and
 * the view share must be the very same strings.
 */
function l3View({ rec, view, set, chain }: L3Input, found: L3Findings): void | Skip {
  const bound = found.bound;
  if (!view?.resolved || !bound || !found.final)
    return skip(`${rec.layer} not bound to a resolved mandate`);
  // mandates.shape judged the mandate as the bundle's `l2` resolves it; an entry only this view discloses is judged here.
  const m = found.mandate!;
  if (bound !== m.claims && m.open)
    requireConstraintShapes(bound.constraints, m.kind, m.profile, chain.read.config.limits);
  const main = set.l2.views[0]!.resolved;
  if (main && view.index !== 0) {
    for (const [digest, d] of view.resolved.byDigest) {
      const other = main.byDigest.get(digest);
      if (other && other.encoded !== d.encoded)
        reject('L2_VIEW_INCONSISTENT', `${view.label} and l2 disclose ${digest} differently`);
    }
  }
  // The constraint and its allowlist as the bound mandate's own profile names them.
  const profile = found.mandate!.profile;
  if (rec.kind === 'payment') {
    const payees = constraintOf(bound, profile.constraint.allowedPayee)?.[
      profile.allowlistField.allowedPayee
    ];
    if (Array.isArray(payees) && payees.length > 0 && disclosedElements(payees).length === 0) {
      reject(
        'L3_VIEW_INCOMPLETE',
        'the L3a view withholds every allowed payee: none to match its payee against',
        'allowed_payees',
      );
    }
    return;
  }
  const items = constraintOf(bound, profile.constraint.lineItems)?.items;
  const lines = found.final.line_items;
  if (!Array.isArray(items) || !Array.isArray(lines) || lines.length === 0) return;
  const entries = items.filter(
    (e): e is Record<string, unknown> => isRecord(e) && Array.isArray(e.acceptable_items),
  );
  const wildcard = entries.some((e) => (e.acceptable_items as unknown[]).length === 0);
  const shown = entries.some((e) => disclosedElements(e.acceptable_items as unknown[]).length > 0);
  if (!wildcard && !shown)
    reject(
      'L3_VIEW_INCOMPLETE',
      'the L3b view withholds every acceptable item: none to match its selection against',
      'line_items',
    );
}

function l3aSelectedMerchant({ view, set, pairs }: L3Input, found: L3Findings): void | Skip {
  if (!found.selectedMerchant) return skip('no selected_merchant disclosed');
  const checkout = pairs?.list.find((p) => p.pairId === found.pairId)?.checkout;
  return requireSelectedMerchant(view!, set, checkout, found.selectedMerchant);
}

/** One layer's L3 checks, in three runs: binding, then (with the pair known) the signed content, then the view. */
interface L3Tables {
  /** Recorded without a pair: the pair is what l3*.pair finds. */
  readonly binding: readonly Check<L3Input, L3Findings>[];
  /** The signature is the gate; the L3 is verified when none of these failed. */
  readonly signed: readonly Check<L3Input, L3Findings>[];
  /** Findings about what a verified L3 says against its view; its own values stay verified. */
  readonly view: readonly Check<L3Input, L3Findings>[];
}

type L3Run = Check<L3Input, L3Findings>['run'];
/** A check both L3s run: its name after the layer prefix, its function, and whether it gates the rest. */
type Shared = readonly [
  suffix:
    | 'header'
    | 'pair'
    | 'signature'
    | 'cnf'
    | 'sd_hash'
    | 'claims'
    | 'time'
    | 'expect'
    | 'mandate'
    | 'view',
  run: L3Run,
  gate?: true,
];

/** The checks of L3a and L3b, written once: each layer's table is this list under its prefix. */
const SHARED_CHECKS: { readonly [K in keyof L3Tables]: readonly Shared[] } = {
  binding: [
    ['header', l3Header],
    ['pair', l3Pair],
  ],
  signed: [
    ['signature', l3Signature, true],
    ['cnf', l3Cnf],
    ['sd_hash', l3SdHash],
    ['claims', l3Claims],
    ['time', l3Time],
    ['expect', l3Expect],
    ['mandate', l3Mandate],
  ],
  view: [['view', l3View]],
};

function tablesFor(
  layer: 'l3a' | 'l3b',
  extraView: readonly Check<L3Input, L3Findings>[] = [],
): L3Tables {
  const of = (list: readonly Shared[]): Check<L3Input, L3Findings>[] =>
    list.map(([suffix, run, gate]) => ({
      name: `${layer}.${suffix}`,
      layer,
      run,
      ...(gate ? { gate } : {}),
    }));
  return {
    binding: of(SHARED_CHECKS.binding),
    signed: of(SHARED_CHECKS.signed),
    view: [...of(SHARED_CHECKS.view), ...extraView],
  };
}

const L3A_CHECKS = tablesFor('l3a', [
  { name: 'l3a.selected_merchant', layer: 'l3a', run: l3aSelectedMerchant },
]);
const L3B_CHECKS = tablesFor('l3b');

interface PairSlots {
  l3a?: number;
  l3b?: number;
  l3aStatus: PairL3s['l3aStatus'];
  l3bStatus: PairL3s['l3bStatus'];
}

const NOT_JUDGED: BoundL3s = { l3: [], byPair: [] };

/** One L3 through its tables; claims its pair's slot for its kind (a second one is L3_PAIR_DUPLICATE). */
function judgeL3(log: CheckLog, input: L3Input, slots: PairSlots[], position: number): BoundL3 {
  const { rec, pairs } = input;
  const tables = rec.layer === 'l3a' ? L3A_CHECKS : L3B_CHECKS;
  // Every member present from the start: one object shape for every L3, whatever its checks establish.
  const found: L3Findings = {
    headerOk: false,
    mandate: undefined,
    bound: undefined,
    pairId: undefined,
    signer: undefined,
    resolved: undefined,
    final: undefined,
    selectedMerchant: undefined,
  };
  log.runAll(tables.binding, input, found);
  const pair =
    found.pairId === undefined ? undefined : pairs?.list.find((p) => p.pairId === found.pairId);
  const index = pair?.index;
  const slot = pair ? slots[pair.index]! : undefined;
  if (slot) {
    if (slot[rec.layer] !== undefined) {
      log.failed(
        `${rec.layer}.pair`,
        rec.layer,
        [{ code: 'L3_PAIR_DUPLICATE', message: `a second ${rec.layer} for the same mandate pair` }],
        index,
      );
    } else {
      slot[rec.layer] = position;
    }
  }
  const verified = log.runAll(tables.signed, input, found, index);
  if (verified) log.runAll(tables.view, input, found, index);
  if (slot)
    slot[rec.layer === 'l3a' ? 'l3aStatus' : 'l3bStatus'] = verified ? 'verified' : 'failed';
  // Every member written out: a spread of rec made this the costliest line of an L3's verification.
  return {
    entry: rec.entry,
    kind: rec.kind,
    layer: rec.layer,
    parsed: rec.parsed,
    view: rec.view,
    boundView: input.view,
    verified,
    pairId: found.pairId,
    bound: found.bound,
    resolved: found.resolved,
    final: found.final,
    signer: found.signer,
  };
}

/**
 * Stage: every L3 judged against the view its sd_hash binds, then the
 * checks across L3s (`l3.cross_reference`, `l3.entry`). Only in a known
 * Autonomous mode; otherwise `l3` is skipped or `l3.mode` fails.
 */
export function bindL3s(
  chain: ParsedChain,
  set: MandateSet | undefined,
  pairs: Pairs | undefined,
  log: CheckLog,
): BoundL3s {
  if (chain.l3.length === 0) return NOT_JUDGED;
  if (!set?.mode) {
    log.skipped('l3', 'l3a', 'L2 not verified');
    return NOT_JUDGED;
  }
  if (set.mode !== 'autonomous') {
    log.failed('l3.mode', 'l3a', [
      { code: 'L3_NOT_AUTONOMOUS', message: 'L3 credentials exist only in Autonomous mode' },
    ]);
    return NOT_JUDGED;
  }
  const pairList = pairs?.list ?? [];
  const slots: PairSlots[] = pairList.map(() => ({ l3aStatus: 'absent', l3bStatus: 'absent' }));
  const l3: BoundL3[] = [];
  for (const rec of chain.l3) {
    const view = rec.view === undefined ? undefined : set.l2.views[rec.view];
    l3.push(judgeL3(log, { rec, view, chain, set, pairs }, slots, l3.length));
  }
  const byPair: PairL3s[] = slots.map((s) => ({
    l3a: s.l3a === undefined ? undefined : l3[s.l3a],
    l3b: s.l3b === undefined ? undefined : l3[s.l3b],
    l3aStatus: s.l3aStatus,
    l3bStatus: s.l3bStatus,
  }));
  crossReference(log, pairList.length, byPair, l3);
  return { l3, byPair };
}

function l3CrossReference({ l3a, l3b }: PairL3s): void | Skip {
  if (!l3a?.verified || !l3b?.verified) return skip('needs both L3a and L3b of the pair verified');
  if (l3a.final!.transaction_id !== l3b.final!.checkout_hash) {
    reject(
      'L3_CROSS_REFERENCE_MISMATCH',
      `L3a transaction_id ${String(l3a.final!.transaction_id)} != L3b checkout_hash ${String(l3b.final!.checkout_hash)}`,
      'transaction_id',
    );
  }
}

const NO_FINDINGS = {} as const;

/** Run once per pair with an L3 bound to it. */
const CROSS_REFERENCE_CHECK: Check<PairL3s, typeof NO_FINDINGS> = {
  name: 'l3.cross_reference',
  layer: 'l3a',
  run: l3CrossReference,
};

/** L3a.transaction_id == L3b.checkout_hash wherever both halves of a pair are at hand (§8.3); one bundle entry, one pair. */
function crossReference(
  log: CheckLog,
  pairCount: number,
  byPair: readonly PairL3s[],
  l3: readonly BoundL3[],
): void {
  for (let i = 0; i < pairCount; i++) {
    const l3s = byPair[i]!;
    if (l3s.l3a || l3s.l3b) log.run(CROSS_REFERENCE_CHECK, l3s, NO_FINDINGS, i);
  }
  // One bundle entry is one fulfilment: its two halves must bind to the same pair.
  const byEntry = new Map<number, BoundL3[]>();
  for (const r of l3) {
    const recs = byEntry.get(r.entry);
    if (recs) recs.push(r);
    else byEntry.set(r.entry, [r]);
  }
  for (const [entry, recs] of byEntry) {
    const [a, b] = recs;
    if (a && b && a.pairId !== undefined && b.pairId !== undefined && a.pairId !== b.pairId) {
      log.failed('l3.entry', 'l3a', [
        {
          code: 'L3_PAIR_UNBOUND',
          message: `l3[${entry}] payment and checkout bind to different mandate pairs`,
        },
      ]);
    }
  }
}
