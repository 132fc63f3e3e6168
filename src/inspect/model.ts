/**
 * The inspector's view model: a bundle and its {@link VerificationResult}
 * turned into what the page draws. Cards L1 → L2 → L3a / L3b, the bindings
 * between them with the checks that decided each, the constraints of each open
 * mandate next to the L3 values they were checked against, and every error
 * placed where it arose.
 *
 * Built server-side so the page stays a dumb renderer: all the VI knowledge
 * (check names, which code belongs to which binding) lives here, tested in Node.
 */
import { constraintRegistryFor } from '../constraints/registry.js';
import type { ConstraintType } from '../constraints/types.js';
import { moneyText } from '../constraints/values.js';
import type { VIErrorInfo } from '../errors.js';
import { isRecord } from '../internal/guards.js';
import {
  type ConstraintKey,
  DEFAULT_PROFILE,
  finalVct,
  findProfile,
  type WireProfile,
} from '../profiles/profile.js';
import { jwkThumbprint, type PublicJwk, publicJwkProblem } from '../sdjwt/keys.js';
import type { CheckRecord, PairResult, VerificationResult } from '../verify/types.js';
import {
  type ClaimNode,
  type DecodedSdJwt,
  decodeJws,
  decodeSdJwt,
  disclosedMandates,
} from './claims.js';
import type { RoleView, ViewRole } from './roles.js';

/** Where the L1 issuer keys came from. */
export type TrustSource = 'server' | 'bundle' | 'none';
/** A VI layer, or `ap2` for a segment of an AP2 chain. */
export type CardLayer = 'l1' | 'l2' | 'l3a' | 'l3b' | 'ap2';
export type CardStatus = 'verified' | 'failed' | 'unverified';
export type BindingStatus = 'ok' | 'failed' | 'skipped' | 'not-checked';

/** An error with the id of the card or binding it is drawn on (`verdict` when neither). */
export type PlacedError = VIErrorInfo & { at: string };

/** A key as the page names it: kid, thumbprint, and where it came from. */
export interface KeyRef {
  /** Who holds the key: issuer, user, agent. */
  role: string;
  kid?: string;
  /** RFC 7638 thumbprint. */
  thumbprint?: string;
}

/** A layer's issued and expiry times, as ISO 8601 and relative to the verification time. */
export interface Lifetime {
  iat?: number;
  exp?: number;
  /** Verification time. */
  at: number;
  state: 'current' | 'expired' | 'not-yet' | 'unknown';
  /** Where `at` falls between iat (0) and exp (1), clamped; absent when unknown. */
  position?: number;
}

/** One layer of the chain as the page draws it: who signed it, its claims, lifetime and checks. */
export interface CardView {
  /** `l1`, `l2`, `l3a#0`, `l3b#0` (entry index in the bundle's `l3`). */
  id: string;
  layer: CardLayer;
  title: string;
  entry?: number;
  /** Mandate pair this L3 closes, when the verifier could tell. */
  pair?: number;
  status: CardStatus;
  typ?: string;
  alg?: string;
  signer: KeyRef;
  /** The key this layer delegates to through `cnf` (L1: user; L2 Autonomous: agents). */
  delegatesTo: KeyRef[];
  lifetime?: Lifetime;
  /** Decoded claims (also of unverified credentials: the status says whether to trust them). */
  claims: ClaimNode[];
  disclosed: number;
  withheld: number;
  unreferenced: string[];
  /** Why the credential could not even be decoded. */
  decodeProblem?: string;
  /** L3 only: the L2 view its `sd_hash` covers. */
  boundView?: { source: string; disclosures: number };
  /** Decoded `checkout_jwt`s this layer carries. */
  checkouts: { kid?: string; merchant?: unknown; cart?: unknown; total_text?: string }[];
  checks: CheckRecord[];
  errors: PlacedError[];
}

/** One hash binding between layers (sd_hash, checkout_hash, transaction_id) and whether it holds. */
export interface BindingView {
  id: string;
  from: string;
  to: string;
  label: string;
  detail: string;
  pair?: number;
  status: BindingStatus;
  /** Skip reasons of the checks behind it. */
  reasons: string[];
  checks: CheckRecord[];
  errors: PlacedError[];
}

/** One constraint of a mandate with its outcome against the final values. */
export interface ConstraintRow {
  pair: number;
  mandate: 'checkout' | 'payment';
  index: number;
  type: string;
  /** The constraint as the L2 mandate states it. */
  constraint: unknown;
  /** The L3 value it was (or would be) checked against. */
  against?: { label: string; value: unknown };
  status: 'passed' | 'failed' | 'skipped' | 'not-checked';
  note?: string;
  violations: { code: string; message: string }[];
}

/** Everything the inspector page draws for one presentation: verdict, cards, bindings, constraints. */
export interface InspectView {
  name?: string;
  /** The bundle's own `role` field. */
  bundleRole?: string;
  view: { role: ViewRole; how: string; warning?: string };
  trust: { source: TrustSource; detail: string };
  verdict: {
    valid: boolean;
    mode?: string;
    profile?: string;
    at: number;
    codes: string[];
    expected?: boolean;
    why?: string;
    /** In one line, what is approved: `pays 279.99 USD to Racket House` (money in major units). */
    summary?: string;
  };
  errors: PlacedError[];
  cards: CardView[];
  bindings: BindingView[];
  pairs: {
    index: number;
    l3a: PairResult['l3a'];
    l3b: PairResult['l3b'];
    valid: boolean;
    payment_values?: PairResult['payment_values'];
  }[];
  constraints: ConstraintRow[];
  l2_id?: string;
  /** AP2 bundles: the chains, each as its card ids root first (src/inspect/ap2.ts). */
  ap2?: { chains: { kind: 'checkout' | 'payment'; cards: string[] }[] };
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => isRecord(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/** RFC 7638 thumbprint of a public JWK, or undefined when it is none. */
export function thumbprintOf(jwk: unknown): string | undefined {
  if (!isRec(jwk) || publicJwkProblem(jwk) !== undefined) return undefined;
  try {
    return jwkThumbprint(jwk as unknown as PublicJwk);
  } catch {
    return undefined;
  }
}

/** A credential's `iat`/`exp` against the verification time. */
export function lifetimeOf(payload: Rec, at: number): Lifetime {
  const iat = num(payload.iat);
  const exp = num(payload.exp);
  const l: Lifetime = { at, state: 'unknown' };
  if (iat !== undefined) l.iat = iat;
  if (exp !== undefined) l.exp = exp;
  if (iat === undefined || exp === undefined || exp <= iat) return l;
  l.state = at > exp ? 'expired' : at < iat ? 'not-yet' : 'current';
  l.position = Math.min(1, Math.max(0, (at - iat) / (exp - iat)));
  return l;
}

function checkoutsIn(mandates: { value: Rec }[]): CardView['checkouts'] {
  const out: CardView['checkouts'] = [];
  for (const m of mandates) {
    const jws = decodeJws(m.value.checkout_jwt);
    if (!jws) continue;
    const c: CardView['checkouts'][number] = {
      merchant: jws.payload.merchant,
      cart: jws.payload.cart,
    };
    const kid = str(jws.header.kid);
    if (kid !== undefined) c.kid = kid;
    const cart = isRec(jws.payload.cart) ? jws.payload.cart : undefined;
    if (cart && num(cart.total) !== undefined) c.total_text = moneyText(cart.total, cart.currency);
    out.push(c);
  }
  return out;
}

interface Source {
  id: string;
  layer: CardLayer;
  title: string;
  serialized: unknown;
  entry?: number;
  /** L3: the L2 view under it. */
  view?: { serialized: unknown; source: string };
}

/** A binding drawn from the checks behind it: failed if one failed, ok if one passed, else skipped (with why). */
export function bindingOf(b: Omit<BindingView, 'status' | 'reasons' | 'errors'>): BindingView {
  const statuses = b.checks.map((c) => c.status);
  const status: BindingStatus = statuses.includes('failed')
    ? 'failed'
    : statuses.includes('passed')
      ? 'ok'
      : statuses.length
        ? 'skipped'
        : 'not-checked';
  const reasons = b.checks.flatMap((c) => (c.status === 'skipped' && c.reason ? [c.reason] : []));
  return { ...b, status, reasons: [...new Set(reasons)], errors: [] };
}

/** The cards' raw material, in drawing order. */
function sourcesOf(bundle: Rec): Source[] {
  const out: Source[] = [
    { id: 'l1', layer: 'l1', title: 'L1 · issuer → user', serialized: bundle.l1 },
    { id: 'l2', layer: 'l2', title: 'L2 · user → agent', serialized: bundle.l2 },
  ];
  const entries = Array.isArray(bundle.l3) ? bundle.l3 : [];
  entries.forEach((e, entry) => {
    if (!isRec(e)) return;
    if (e.payment !== undefined) {
      const own = e.payment_l2 !== undefined;
      out.push({
        id: `l3a#${entry}`,
        layer: 'l3a',
        title: 'L3a · agent → network',
        serialized: e.payment,
        entry,
        view: {
          serialized: own ? e.payment_l2 : bundle.l2,
          source: own ? `l3[${entry}].payment_l2` : 'l2',
        },
      });
    }
    if (e.checkout !== undefined) {
      const own = e.checkout_l2 !== undefined;
      out.push({
        id: `l3b#${entry}`,
        layer: 'l3b',
        title: 'L3b · agent → merchant',
        serialized: e.checkout,
        entry,
        view: {
          serialized: own ? e.checkout_l2 : bundle.l2,
          source: own ? `l3[${entry}].checkout_l2` : 'l2',
        },
      });
    }
  });
  return out;
}

/** The pair an L3 closes: the one whose mandate its L2 view discloses. */
function pairOfView(
  view: DecodedSdJwt | undefined,
  layer: 'l3a' | 'l3b',
  pairs: PairResult[],
): number | undefined {
  if (!view) return undefined;
  const kind = layer === 'l3a' ? 'payment' : 'checkout';
  const hits = pairs.filter((p) => {
    const d = p[kind]?.digest;
    return d !== undefined && view.disclosures.has(d);
  });
  return hits.length === 1 ? hits[0]!.index : undefined;
}

class Builder {
  readonly cards: CardView[] = [];
  readonly bindings: BindingView[] = [];
  /** Card id → its decoded L3 final mandate. */
  readonly finals = new Map<string, Rec>();

  /** The chain's own vocabulary: every constraint name, final VCT and allowlist is read through it. */
  readonly profile: WireProfile;
  readonly registry: ReadonlyMap<string, ConstraintType>;

  constructor(
    readonly bundle: Rec,
    readonly result: VerificationResult,
  ) {
    this.profile = findProfile(result.profile) ?? findProfile(DEFAULT_PROFILE)!;
    this.registry = constraintRegistryFor(this.profile);
  }

  card(layer: CardLayer, pair: number | undefined): CardView | undefined {
    const same = this.cards.filter((c) => c.layer === layer);
    return (
      same.find((c) => c.pair === pair) ??
      (pair === undefined || same.every((c) => c.pair === undefined) ? same[0] : undefined)
    );
  }

  /** Checks of one name for a card: by pair, else by order among the cards of its layer. */
  checksFor(name: string, layer: CardLayer, card: CardView | undefined): CheckRecord[] {
    const all = this.result.checks.filter((c) => c.name === name);
    if (!card || (layer !== 'l3a' && layer !== 'l3b')) return all;
    const byPair = card.pair !== undefined ? all.filter((c) => c.pair === card.pair) : [];
    if (byPair.length) return byPair;
    const ordinal = this.cards.filter((c) => c.layer === layer).indexOf(card);
    const unpaired = all.filter((c) => c.pair === undefined);
    return unpaired[ordinal] ? [unpaired[ordinal]!] : [];
  }

  addBinding(b: Omit<BindingView, 'status' | 'reasons' | 'errors'>): void {
    this.bindings.push(bindingOf(b));
  }

  buildCards(): void {
    const at = this.result.at;
    for (const s of sourcesOf(this.bundle)) {
      const d = decodeSdJwt(s.serialized);
      const view = s.view ? decodeSdJwt(s.view.serialized) : undefined;
      const decoded = d.ok ? d.decoded : undefined;
      const header = decoded?.header ?? {};
      const payload = decoded?.payload ?? {};
      const card: CardView = {
        id: s.id,
        layer: s.layer,
        title: s.title,
        status: 'unverified',
        signer: { role: s.layer === 'l1' ? 'issuer' : s.layer === 'l2' ? 'user' : 'agent' },
        delegatesTo: [],
        claims: decoded?.claims ?? [],
        disclosed: decoded?.disclosed ?? 0,
        withheld: decoded?.withheld ?? 0,
        unreferenced: decoded?.unreferenced ?? [],
        checkouts: [],
        checks: [],
        errors: [],
      };
      if (!d.ok) card.decodeProblem = d.problem;
      if (s.entry !== undefined) card.entry = s.entry;
      if (str(header.typ)) card.typ = header.typ as string;
      if (str(header.alg)) card.alg = header.alg as string;
      if (str(header.kid)) card.signer.kid = header.kid as string;
      if (decoded) card.lifetime = lifetimeOf(payload, at);
      const mandates = decoded ? disclosedMandates(decoded) : [];
      if (s.layer === 'l1') {
        if (this.result.signers.l1) card.signer.thumbprint = this.result.signers.l1;
        const cnf = isRec(payload.cnf) ? payload.cnf : {};
        const user: KeyRef = { role: 'user' };
        const tp = thumbprintOf(cnf.jwk);
        if (tp) user.thumbprint = tp;
        if (str(cnf.kid)) user.kid = cnf.kid as string;
        card.delegatesTo.push(user);
      } else if (s.layer === 'l2') {
        const l1 = decodeSdJwt(this.bundle.l1);
        const claimed =
          l1.ok && isRec(l1.decoded.payload.cnf)
            ? thumbprintOf(l1.decoded.payload.cnf.jwk)
            : undefined;
        const tp = this.result.signers.l2 ?? claimed;
        if (tp) card.signer.thumbprint = tp;
        for (const m of mandates) {
          if (!isRec(m.value.cnf)) continue;
          const agent: KeyRef = { role: `agent (${m.vct})` };
          if (str(m.value.cnf.kid)) agent.kid = m.value.cnf.kid as string;
          const atp = thumbprintOf(m.value.cnf.jwk);
          if (atp) agent.thumbprint = atp;
          card.delegatesTo.push(agent);
        }
        card.checkouts = checkoutsIn(mandates);
      } else {
        const viewDecoded = view?.ok ? view.decoded : undefined;
        const pair = pairOfView(viewDecoded, s.layer as 'l3a' | 'l3b', this.result.pairs);
        if (pair !== undefined) card.pair = pair;
        if (s.view)
          card.boundView = {
            source: s.view.source,
            disclosures: viewDecoded?.disclosures.size ?? 0,
          };
        const signer =
          this.result.signers.l3[s.entry!]?.[s.layer === 'l3a' ? 'payment' : 'checkout'];
        if (signer) card.signer.thumbprint = signer;
        const final = mandates.find(
          (m) => m.vct === finalVct(this.profile, s.layer === 'l3a' ? 'payment' : 'checkout'),
        );
        if (final) this.finals.set(card.id, final.value);
        if (s.layer === 'l3b') card.checkouts = checkoutsIn(mandates);
      }
      this.cards.push(card);
    }
    for (const card of this.cards) {
      const layer = card.layer;
      const own = this.result.checks.filter(
        (c) =>
          c.layer === layer ||
          (c.layer === 'checkout_jwt' &&
            layer === (this.result.mode === 'autonomous' ? 'l3b' : 'l2')),
      );
      card.checks =
        layer === 'l3a' || layer === 'l3b'
          ? own.filter((c) =>
              c.pair === undefined
                ? this.cards.filter((x) => x.layer === layer).length === 1
                : c.pair === card.pair,
            )
          : own;
      const sig = this.checksFor(`${layer}.signature`, layer, card);
      if (sig.some((c) => c.status === 'passed')) card.status = 'verified';
    }
  }

  buildBindings(): void {
    const l1 = this.card('l1', undefined)!;
    const l2 = this.card('l2', undefined)!;
    this.addBinding({
      id: 'l1>l2:cnf',
      from: l1.id,
      to: l2.id,
      label: 'cnf → signer',
      detail: 'L1 cnf.jwk (the user key) signed L2',
      checks: [...this.checksFor('l1.cnf', 'l1', l1), ...this.checksFor('l2.signature', 'l2', l2)],
    });
    this.addBinding({
      id: 'l1>l2:sd_hash',
      from: l1.id,
      to: l2.id,
      label: 'sd_hash',
      detail: 'L2 sd_hash = hash of the L1 presentation',
      checks: this.checksFor('l2.sd_hash', 'l2', l2),
    });
    for (const p of this.result.pairs) {
      const i = p.index;
      const inPair = (name: string) =>
        this.result.checks.filter((c) => c.name === name && c.pair === i);
      if (this.result.mode === 'immediate') {
        this.addBinding({
          id: `pair${i}:checkout_hash`,
          from: l2.id,
          to: l2.id,
          pair: i,
          label: 'checkout_hash',
          detail: 'checkout_hash = hash of checkout_jwt',
          checks: inPair('mandates.checkout_hash'),
        });
        // The verifier pairs Immediate mandates by transaction_id = checkout_hash, so this binding
        // holds exactly when both are disclosed and paired; the amount must also match the signed cart.
        const paired =
          p.checkout && p.payment
            ? this.result.checks.filter((c) => c.name === 'mandates.pairing')
            : [];
        this.addBinding({
          id: `pair${i}:transaction_id`,
          from: l2.id,
          to: l2.id,
          pair: i,
          label: 'transaction_id = checkout_hash',
          detail: 'the payment mandate pays exactly this checkout',
          checks: [...paired, ...inPair('bindings.amount_matches_cart')],
        });
      } else {
        this.addBinding({
          id: `pair${i}:payment_reference`,
          from: l2.id,
          to: l2.id,
          pair: i,
          label: this.profile.constraint.reference,
          detail: 'the payment mandate references this checkout mandate',
          checks: inPair('mandates.payment_reference'),
        });
        this.addBinding({
          id: `pair${i}:cnf_pair`,
          from: l2.id,
          to: l2.id,
          pair: i,
          label: 'same agent key',
          detail: 'both mandates of the pair delegate to one agent key',
          checks: inPair('mandates.cnf_pair'),
        });
      }
    }
    for (const c of this.cards) {
      if (c.layer !== 'l3a' && c.layer !== 'l3b') continue;
      const pairPart = c.pair !== undefined ? { pair: c.pair } : {};
      this.addBinding({
        id: `l2>${c.id}:cnf`,
        from: l2.id,
        to: c.id,
        ...pairPart,
        label: 'cnf → signer',
        detail: `the ${c.layer === 'l3a' ? 'payment' : 'checkout'} mandate's cnf key (kid) signed ${c.layer.toUpperCase()}`,
        checks: [
          ...this.checksFor(`${c.layer}.pair`, c.layer, c),
          ...this.checksFor(`${c.layer}.signature`, c.layer, c),
        ],
      });
      this.addBinding({
        id: `l2>${c.id}:sd_hash`,
        from: l2.id,
        to: c.id,
        ...pairPart,
        label: 'sd_hash',
        detail: `${c.layer.toUpperCase()} sd_hash = hash of the L2 view presented with it (${c.boundView?.source ?? 'l2'})`,
        checks: this.checksFor(`${c.layer}.sd_hash`, c.layer, c),
      });
    }
    const entries = new Set(this.cards.flatMap((c) => (c.entry !== undefined ? [c.entry] : [])));
    for (const e of entries) {
      const a = this.cards.find((c) => c.id === `l3a#${e}`);
      const b = this.cards.find((c) => c.id === `l3b#${e}`);
      if (!a || !b) continue; // one half only (a merchant or network view): nothing to cross-check
      const pair = a.pair ?? b.pair;
      const checks =
        pair === undefined
          ? []
          : this.result.checks.filter((c) => c.name === 'l3.cross_reference' && c.pair === pair);
      this.addBinding({
        id: `l3#${e}:cross`,
        from: a.id,
        to: b.id,
        ...(pair !== undefined && { pair }),
        label: 'transaction_id = checkout_hash',
        detail: 'L3a pays exactly the checkout L3b confirms',
        checks,
      });
    }
  }

  /** The binding a code belongs to, if that binding is drawn. */
  bindingFor(e: VIErrorInfo): string | undefined {
    const l3 = e.layer === 'l3a' || e.layer === 'l3b' ? this.card(e.layer, e.pair) : undefined;
    const entry =
      l3?.entry ?? this.cards.find((c) => c.pair !== undefined && c.pair === e.pair)?.entry;
    const byCode: Partial<Record<VIErrorInfo['code'], string | undefined>> = {
      L2_SD_HASH_MISMATCH: 'l1>l2:sd_hash',
      L2_SIGNATURE_INVALID: 'l1>l2:cnf',
      L3_SD_HASH_MISMATCH: l3 && `l2>${l3.id}:sd_hash`,
      L3_SIGNATURE_INVALID: l3 && `l2>${l3.id}:cnf`,
      L3_KID_MISMATCH: l3 && `l2>${l3.id}:cnf`,
      L3_PAIR_UNBOUND: l3 && `l2>${l3.id}:cnf`,
      L3_CROSS_REFERENCE_MISMATCH: entry !== undefined ? `l3#${entry}:cross` : undefined,
      CHECKOUT_HASH_MISMATCH: e.layer === 'l2' ? `pair${e.pair}:checkout_hash` : undefined,
      PAYMENT_CART_MISMATCH: `pair${e.pair}:transaction_id`,
      PAYMENT_REFERENCE_MISMATCH: `pair${e.pair}:payment_reference`,
      PAYMENT_REFERENCE_MISSING: `pair${e.pair}:payment_reference`,
      MANDATE_CNF_PAIR_MISMATCH: `pair${e.pair}:cnf_pair`,
    };
    const id = byCode[e.code];
    return id !== undefined && this.bindings.some((b) => b.id === id) ? id : undefined;
  }

  /** The card an error is drawn on: its layer, its pair's L3; `verdict` for bundle-level ones. */
  cardFor(e: VIErrorInfo): string {
    const layer =
      e.layer === 'checkout_jwt' ? (this.result.mode === 'autonomous' ? 'l3b' : 'l2') : e.layer;
    if (layer === 'l1' || layer === 'l2') return layer;
    if (layer === 'l3a' || layer === 'l3b')
      return (
        this.card(layer, e.pair)?.id ?? this.cards.find((c) => c.layer === layer)?.id ?? 'verdict'
      );
    return 'verdict';
  }

  placeErrors(): PlacedError[] {
    return this.result.errors.map((e) => {
      const binding = this.bindingFor(e);
      const placed: PlacedError = { ...e, at: binding ?? this.cardFor(e) };
      const target = binding
        ? this.bindings.find((b) => b.id === binding)
        : this.cards.find((c) => c.id === placed.at);
      target?.errors.push(placed);
      if (binding) {
        // A failed binding check whose error we placed here is failed, whatever the check list says.
        const b = target as BindingView;
        b.status = 'failed';
      }
      const card = this.cards.find((c) => c.id === this.cardFor(e));
      if (card) card.status = 'failed';
      return placed;
    });
  }

  /** Constraint rows: every constraint of every disclosed open mandate, with its outcome. */
  constraintRows(): ConstraintRow[] {
    const rows: ConstraintRow[] = [];
    for (const p of this.result.pairs) {
      for (const kind of ['checkout', 'payment'] as const) {
        const mandate = p[kind];
        const list =
          mandate && Array.isArray(mandate.claims.constraints) ? mandate.claims.constraints : [];
        const l3 = this.card(kind === 'payment' ? 'l3a' : 'l3b', p.index);
        const final = l3 ? this.finals.get(l3.id) : undefined;
        const check = this.result.checks.find(
          (c) => c.name === `constraints.${kind}` && c.pair === p.index,
        );
        list.forEach((c, index) => {
          const type = isRec(c) ? String(c.type) : '(malformed)';
          const report = p.constraints.find(
            (r) => r.index === index && kindOf(this.registry, r.type) === kind,
          );
          const row: ConstraintRow = {
            pair: p.index,
            mandate: kind,
            index,
            type,
            constraint: c,
            status: 'not-checked',
            violations: [],
          };
          const against = againstOf(keyOf(this.profile, type), final, p);
          if (against) row.against = against;
          if (report) {
            row.status = report.outcome.status;
            if (report.outcome.status === 'passed' && report.outcome.note)
              row.note = report.outcome.note;
            if (report.outcome.status === 'skipped') row.note = report.outcome.reason;
            if (report.outcome.status === 'failed')
              row.violations = report.outcome.violations.map((v) => ({
                code: v.code,
                message: v.message,
              }));
          } else {
            row.note =
              check?.reason ??
              (l3
                ? `${l3.layer.toUpperCase()} not verified`
                : `no ${kind === 'payment' ? 'L3a' : 'L3b'} for this pair`);
          }
          rows.push(row);
        });
      }
    }
    return rows;
  }
}

function kindOf(
  registry: ReadonlyMap<string, ConstraintType>,
  type: string,
): 'checkout' | 'payment' | undefined {
  return registry.get(type)?.mandate;
}

/** The profile-neutral key of a constraint type as the chain's profile names it. */
function keyOf(profile: WireProfile, type: string): ConstraintKey | undefined {
  for (const [key, name] of Object.entries(profile.constraint))
    if (name === type) return key as ConstraintKey;
  return undefined;
}

/** The L3 value a constraint is judged on, by its profile-neutral key. */
function againstOf(
  key: ConstraintKey | undefined,
  final: Rec | undefined,
  p: PairResult,
): ConstraintRow['against'] {
  switch (key) {
    case 'amount':
    case 'budget':
    case 'recurrence':
    case 'agentRecurrence':
      return final
        ? {
            label: 'L3a payment_amount',
            value: final.payment_amount ?? { amount: final.amount, currency: final.currency },
          }
        : undefined;
    case 'allowedPayee':
      return final ? { label: 'L3a payee', value: final.payee } : undefined;
    case 'reference':
      return p.checkout
        ? { label: 'checkout mandate digest', value: p.checkout.digest }
        : undefined;
    case 'allowedMerchant':
      return final
        ? { label: 'checkout_jwt merchant', value: decodeJws(final.checkout_jwt)?.payload.merchant }
        : undefined;
    case 'lineItems':
      return final ? { label: 'L3b line_items', value: final.line_items } : undefined;
    default:
      return undefined;
  }
}

export interface ModelContext {
  view: RoleView;
  trust: TrustSource;
}

/** Where trust came from, in words for the page; `keys` names them (`root keys` for AP2). */
export function trustDetail(source: TrustSource, keys = 'issuer keys'): string {
  switch (source) {
    case 'server':
      return `${keys} configured on this server (the bundle's trust is ignored)`;
    case 'bundle':
      return "the bundle's own trust.issuer_jwks: fine for debugging, never for deciding";
    default:
      return `no ${keys}: neither configured nor in the bundle`;
  }
}

/** What a valid view approves, in one line: each payment with its payee, money in major units. */
function summaryOf(result: VerificationResult): string | undefined {
  if (!result.valid) return undefined;
  const paid = result.pairs.flatMap((p) => (p.payment_values ? [p.payment_values] : []));
  if (!paid.length) return undefined;
  const to = (payee: unknown) => (isRec(payee) ? (str(payee.name) ?? str(payee.id)) : undefined);
  return `pays ${paid
    .map((v) => `${moneyText(v.amount, v.currency)}${to(v.payee) ? ` to ${to(v.payee)}` : ''}`)
    .join(', ')}`;
}

/**
 * Build the page's model of one verified bundle. Never throws: whatever the
 * bundle holds, the result is drawable (missing parts are simply absent).
 */
export function buildInspectView(
  bundle: unknown,
  result: VerificationResult,
  ctx: ModelContext,
): InspectView {
  const b: Rec = isRec(bundle) ? bundle : {};
  const builder = new Builder(b, result);
  builder.buildCards();
  builder.buildBindings();
  const errors = builder.placeErrors();
  const verdictField = isRec(b.verdict) ? b.verdict : undefined;
  const verdict: InspectView['verdict'] = {
    valid: result.valid,
    at: result.at,
    codes: [...new Set(result.errors.map((e) => e.code))],
  };
  if (result.profile) verdict.profile = result.profile;
  if (result.mode) verdict.mode = result.mode;
  if (typeof verdictField?.valid === 'boolean') verdict.expected = verdictField.valid;
  if (typeof verdictField?.why === 'string') verdict.why = verdictField.why;
  const summary = summaryOf(result);
  if (summary) verdict.summary = summary;
  const view: InspectView = {
    view: {
      role: ctx.view.role,
      how: ctx.view.how,
      ...(ctx.view.warning !== undefined && { warning: ctx.view.warning }),
    },
    trust: { source: ctx.trust, detail: trustDetail(ctx.trust) },
    verdict,
    errors,
    cards: builder.cards,
    bindings: builder.bindings,
    pairs: result.pairs.map((p) => ({
      index: p.index,
      l3a: p.l3a,
      l3b: p.l3b,
      valid: p.valid,
      ...(p.payment_values && { payment_values: p.payment_values }),
    })),
    constraints: builder.constraintRows(),
  };
  if (typeof b.name === 'string') view.name = b.name;
  if (typeof b.role === 'string') view.bundleRole = b.role;
  if (result.l2_id) view.l2_id = result.l2_id;
  return view;
}
