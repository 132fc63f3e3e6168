/**
 * The inspector's model of an AP2 v0.2 presentation: each chain (checkout,
 * payment) drawn hop by hop, root first. A card per segment says who signed it
 * (the root's provider key, then each hop's signer: the key the previous
 * segment delegated to through `cnf`), what it discloses, and its checks; a
 * binding between two segments is the hop's `sd_hash` / `issuer_jwt_hash`
 * over the one before; the open mandates' constraints sit in the table with
 * the closed mandate's values. The same {@link InspectView} as VI, plus `ap2`.
 */
import { moneyText } from '../constraints/values.js';
import { isRecord } from '../internal/guards.js';
import { AP2_V0_2 } from '../profiles/ap2.js';
import type { MandateKind } from '../profiles/profile.js';
import { splitChain } from '../verify/ap2/chain.js';
import type { Ap2VerificationResult } from '../verify/ap2/types.js';
import { type ClaimNode, decodeSdJwt } from './claims.js';
import {
  type BindingView,
  bindingOf,
  type CardView,
  type ConstraintRow,
  type InspectView,
  type KeyRef,
  lifetimeOf,
  type PlacedError,
  type TrustSource,
  thumbprintOf,
  trustDetail,
} from './model.js';

type Rec = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/** The chains the page draws, in order, each as its card ids (root first). */
export interface Ap2ChainDrawing {
  kind: MandateKind;
  cards: string[];
}

const CHAINS: { kind: MandateKind; field: string; layer: string }[] = [
  { kind: 'checkout', field: 'checkout_chain', layer: 'checkout_chain' },
  { kind: 'payment', field: 'payment_chain', layer: 'payment_chain' },
];

/** The delegate items of a segment as disclosed: `delegate_payload` elements that are objects. */
function delegatesOf(claims: ClaimNode[]): Rec[] {
  const node = claims.find((c) => c.key === AP2_V0_2.delegateClaim);
  return (node?.children ?? []).flatMap((c) => {
    const v = jsonOfNode(c);
    return isRecord(v) ? [v] : [];
  });
}

/** A claim tree back to its JSON value (withheld parts left out). */
function jsonOfNode(node: ClaimNode): unknown {
  if (node.state === 'withheld') return undefined;
  if (node.container === 'array')
    return (node.children ?? []).map(jsonOfNode).filter((v) => v !== undefined);
  if (node.container === 'object') {
    const out: Rec = {};
    for (const c of node.children ?? []) {
      const v = jsonOfNode(c);
      if (v !== undefined && c.key !== '?') out[c.key] = v;
    }
    return out;
  }
  return node.value;
}

/**
 * Build the page's model of one verified AP2 bundle. Never throws: what cannot
 * be decoded is drawn as a card saying why.
 */
export function buildAp2InspectView(
  bundle: unknown,
  result: Ap2VerificationResult,
  trust: TrustSource,
): InspectView & { ap2: { chains: Ap2ChainDrawing[] } } {
  const b: Rec = isRecord(bundle) ? bundle : {};
  const cards: CardView[] = [];
  const bindings: BindingView[] = [];
  const constraints: ConstraintRow[] = [];
  const chains: Ap2ChainDrawing[] = [];
  const placed: PlacedError[] = [];

  for (const { kind, field, layer } of CHAINS) {
    const chain = str(b[field]);
    if (chain === undefined) continue;
    const drawing: Ap2ChainDrawing = { kind, cards: [] };
    const segments = splitChain(chain);
    let delegatedTo: KeyRef | undefined;
    const checksOf = (hop: number | undefined) =>
      result.checks.filter((c) => c.layer === layer && c.hop === hop);
    segments.forEach((segment, hop) => {
      const id = `${kind}#${hop}`;
      const d = decodeSdJwt(segment);
      const decoded = d.ok ? d.decoded : undefined;
      const header = decoded?.header ?? {};
      const payload = decoded?.payload ?? {};
      const own = checksOf(hop);
      const card: CardView = {
        id,
        layer: 'ap2',
        title:
          hop === 0
            ? `${kind} root · ${segments.length === 1 ? 'closed mandate' : 'open mandate'}`
            : `${kind} hop ${hop}${hop === segments.length - 1 ? ' · final' : ''}`,
        status: own.some(
          (c) =>
            (c.name === 'ap2.root.signature' || c.name === 'ap2.hop.signature') &&
            c.status === 'passed',
        )
          ? 'verified'
          : own.some((c) => c.status === 'failed')
            ? 'failed'
            : 'unverified',
        signer:
          hop === 0
            ? { role: 'root (agent provider or credential issuer)' }
            : { ...(delegatedTo ?? { role: 'delegate' }) },
        delegatesTo: [],
        claims: decoded?.claims ?? [],
        disclosed: decoded?.disclosed ?? 0,
        withheld: decoded?.withheld ?? 0,
        unreferenced: decoded?.unreferenced ?? [],
        checkouts: [],
        checks: own,
        errors: [],
      };
      if (!d.ok) card.decodeProblem = d.problem;
      if (str(header.typ)) card.typ = header.typ as string;
      if (str(header.alg)) card.alg = header.alg as string;
      if (hop === 0 && str(header.kid)) card.signer.kid = header.kid as string;
      const items = decoded ? delegatesOf(decoded.claims) : [];
      // A mandate's lifetime is its delegate item's when the segment's payload has none.
      const timed = num(payload.exp) !== undefined ? payload : (items[0] ?? payload);
      if (decoded) card.lifetime = lifetimeOf(timed, result.at);
      // Whom this segment delegates to: the cnf of its delegate item.
      delegatedTo = undefined;
      for (const item of items) {
        const cnf = isRecord(item.cnf) ? item.cnf : undefined;
        if (!cnf) continue;
        const next: KeyRef = { role: `delegate (${str(item.vct) ?? 'mandate'})` };
        const tp = thumbprintOf(cnf.jwk);
        if (tp) next.thumbprint = tp;
        const kid = str(cnf.kid) ?? (isRecord(cnf.jwk) ? str(cnf.jwk.kid) : undefined);
        if (kid) next.kid = kid;
        card.delegatesTo.push(next);
        delegatedTo = { ...next, role: 'delegate' };
      }
      cards.push(card);
      drawing.cards.push(id);
      if (hop > 0) {
        const by = str(payload.sd_hash) !== undefined ? 'sd_hash' : 'issuer_jwt_hash';
        bindings.push(
          bindingOf({
            id: `${kind}#${hop}:binding`,
            from: `${kind}#${hop - 1}`,
            to: id,
            label: by,
            detail: `hop ${hop}'s ${by} is the digest of segment ${hop - 1} as presented`,
            checks: own.filter((c) => c.name === 'ap2.hop.binding'),
          }),
        );
      }
    });
    chains.push(drawing);

    // The open mandates' constraints, against the closed mandate's values.
    const chainResult = result.chains[kind];
    const violations = result.errors.filter((e) => e.layer === layer && e.hop === undefined);
    const judged = result.checks.find((c) => c.layer === layer && c.name === 'ap2.constraints');
    (chainResult?.open ?? []).forEach((mandate) => {
      const list = Array.isArray(mandate.constraints) ? mandate.constraints : [];
      list.forEach((c, index) => {
        const type = isRecord(c) ? (str(c.type) ?? '?') : '?';
        const mine = violations.filter((e) => e.claim === type);
        constraints.push({
          pair: 0,
          mandate: kind,
          index,
          type,
          constraint: c,
          ...(chainResult?.closed && {
            against: { label: 'closed mandate', value: chainResult.closed },
          }),
          // Passed only when the whole check passed: a failed check may have stopped before this one.
          status: mine.length ? 'failed' : judged?.status === 'passed' ? 'passed' : 'not-checked',
          ...(!mine.length &&
            judged?.status === 'failed' && { note: 'not judged: another constraint failed first' }),
          violations: mine.map((e) => ({ code: e.code, message: e.message })),
        });
      });
    });
  }

  // Each error on the card of its hop, or on the verdict.
  for (const e of result.errors) {
    const kind = CHAINS.find((c) => c.layer === e.layer)?.kind;
    const at = kind !== undefined && e.hop !== undefined ? `${kind}#${e.hop}` : 'verdict';
    const p: PlacedError = { ...e, at };
    placed.push(p);
    cards.find((c) => c.id === at)?.errors.push(p);
  }

  const verdictField = isRecord(b.verdict) ? b.verdict : undefined;
  // In one line, what a valid payment chain approves (money in major units).
  const closed = result.valid ? result.chains.payment?.closed : undefined;
  const paid = isRecord(closed?.payment_amount) ? closed.payment_amount : undefined;
  const payee = isRecord(closed?.payee)
    ? (str(closed.payee.name) ?? str(closed.payee.id))
    : undefined;
  const summary = paid
    ? `pays ${moneyText(paid.amount, paid.currency)}${payee ? ` to ${payee}` : ''}`
    : undefined;
  const view: InspectView & { ap2: { chains: Ap2ChainDrawing[] } } = {
    view: {
      role: 'presented',
      how: 'as presented: an AP2 bundle carries the chains its role is shown',
    },
    trust: { source: trust, detail: trustDetail(trust, 'root keys') },
    verdict: {
      valid: result.valid,
      mode: 'ap2',
      profile: result.profile,
      at: result.at,
      codes: [...new Set(result.errors.map((e) => e.code))],
      ...(typeof verdictField?.valid === 'boolean' && { expected: verdictField.valid }),
      ...(typeof verdictField?.why === 'string' && { why: verdictField.why }),
      ...(summary !== undefined && { summary }),
    },
    errors: placed,
    cards,
    bindings,
    pairs: [],
    constraints,
    ap2: { chains },
  };
  if (typeof b.name === 'string') view.name = b.name;
  if (typeof b.role === 'string') view.bundleRole = b.role;
  return view;
}
