/**
 * Stage: L3 values against the disclosed L2 constraints (README §10.4 item
 * 10, constraints.md §5). Fulfillment comes only from verified L3s and the
 * checkout_jwt they carry.
 */
import { type ConstraintReport, checkConstraints } from '../../constraints/registry.js';
import type {
  ConstraintOutcome,
  Fulfillment,
  Party,
  PurchasedLine,
  Violation,
} from '../../constraints/types.js';
import { isMinorUnits, isRecord } from '../../constraints/values.js';
import type { VIErrorInfo } from '../../errors.js';
import type { WireProfile } from '../../profiles/profile.js';
import { arrayRefDigest } from '../../sdjwt/resolve.js';
import { boundedMessage, type CheckLog } from '../context.js';
import type {
  BoundL3s,
  CheckoutJwts,
  ConstraintReports,
  MandateSet,
  PairL3s,
  Pairs,
  ReadBundle,
} from '../stages.js';
import type { Limits } from '../types.js';

/** Normalize L3b line items: `{item:{id}}` (constraints.md §8.2), `{sku}` or `{id}` (reference). */
function linesOf(list: unknown): PurchasedLine[] | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.map((l) => {
    const r = isRecord(l) ? l : {};
    const item = isRecord(r.item) ? r.item : undefined;
    const sku = item?.id ?? r.sku ?? r.id;
    const quantity = r.quantity;
    return {
      sku: typeof sku === 'string' ? sku : JSON.stringify(sku),
      // An unreadable quantity counts as unbounded so that it cannot slip under a limit.
      quantity: isMinorUnits(quantity) && quantity > 0 ? quantity : Number.MAX_SAFE_INTEGER,
    };
  });
}

function fulfillmentOf(
  checkoutJwts: CheckoutJwts,
  l3s: PairL3s | undefined,
  profile: WireProfile | undefined,
): Fulfillment {
  const f: Fulfillment = {};
  const l3a = l3s?.l3a;
  const l3b = l3s?.l3b;
  if (l3a?.verified && l3a.final) {
    const m = l3a.final;
    const pa = isRecord(m.payment_amount) ? m.payment_amount : m;
    f.payment = { amount: pa.amount, currency: pa.currency, payee: m.payee };
  }
  if (l3b?.verified && l3b.final) {
    const m = l3b.final;
    let merchant: Party | undefined;
    let signerWebsite: string | undefined;
    let cartLines: PurchasedLine[] | undefined;
    try {
      const payload = checkoutJwts.of(m.checkout_jwt as string).payload;
      if (isRecord(payload.merchant)) merchant = payload.merchant as Party;
      else if (
        profile?.checkoutMerchantFromIss &&
        payload.merchant === undefined &&
        typeof payload.iss === 'string' &&
        payload.iss.startsWith('https://')
      )
        signerWebsite = payload.iss;
      if (isRecord(payload.cart)) cartLines = linesOf(payload.cart.items);
    } catch {
      // Reported by the checkout_jwt check; no merchant can be derived.
    }
    f.checkout = {
      merchant,
      ...(signerWebsite !== undefined ? { signerWebsite } : {}),
      lineLists: [
        { source: 'L3b line_items', lines: linesOf(m.line_items) },
        { source: 'checkout_jwt cart', lines: cartLines },
      ],
    };
  }
  return f;
}

/**
 * Allowlists the view an L3 binds must carry (credential-format §5.4): the
 * payee entries in a network's view, the item entries in a merchant's. With
 * every entry withheld there, the constraint is unverifiable, which fails.
 * Others (allowed_merchant in a merchant's view of checkout + items) are left
 * out by the spec's own role view: skipped, and the report says so.
 */
function mustCarry(profile: WireProfile, layer: 'l3a' | 'l3b'): string {
  return layer === 'l3a' ? profile.constraint.allowedPayee : profile.constraint.lineItems;
}

function allWithheld(profile: WireProfile, c: Record<string, unknown>): boolean {
  const lists: unknown[] = [
    c[profile.allowlistField.allowedPayee],
    c[profile.allowlistField.allowedMerchant],
  ];
  if (Array.isArray(c.items))
    for (const e of c.items) if (isRecord(e)) lists.push(e.acceptable_items);
  const entries = lists.filter(Array.isArray).flat();
  return entries.length > 0 && entries.every((e) => arrayRefDigest(e) !== undefined);
}

/** At most 256 characters of JSON: what a structured expected/actual may be. */
function smallJson(value: unknown): boolean {
  if (value === undefined) return false;
  const text = JSON.stringify(value);
  return text !== undefined && text.length <= 256;
}

/** A failed outcome as the result carries it: violations and their messages within the result's bounds. */
function bounded(
  o: Extract<ConstraintOutcome, { status: 'failed' }>,
  limits: Limits,
): Extract<ConstraintOutcome, { status: 'failed' }> {
  const { maxErrorsPerCheck, maxMessageLength } = limits;
  const kept = o.violations.slice(0, maxErrorsPerCheck).map((v) => {
    const out: Violation = { code: v.code, message: boundedMessage(v.message, maxMessageLength) };
    // expected/actual are small values (bounds, a currency); one that is not is left out rather than echoed.
    if (smallJson(v.expected)) out.expected = v.expected;
    if (smallJson(v.actual)) out.actual = v.actual;
    return out;
  });
  const omitted = (o.omitted ?? 0) + o.violations.length - kept.length;
  return omitted > 0
    ? { status: 'failed', violations: kept, omitted }
    : { status: 'failed', violations: kept };
}

/** The two halves of a pair, each with its check names and layer. */
const HALVES = [
  {
    kind: 'payment',
    layer: 'l3a',
    name: 'constraints.payment',
    withheld: 'constraints.payment.withheld',
  },
  {
    kind: 'checkout',
    layer: 'l3b',
    name: 'constraints.checkout',
    withheld: 'constraints.checkout.withheld',
  },
] as const;

/**
 * Stage: per pair with a verified L3, its constraints judged against the
 * mandate as that L3's bound view resolves it (Autonomous only). Returns
 * the reports by pair index.
 */
export function judgeConstraints(
  read: ReadBundle,
  checkoutJwts: CheckoutJwts,
  set: MandateSet | undefined,
  pairs: Pairs | undefined,
  l3s: BoundL3s,
  log: CheckLog,
): ConstraintReports {
  if (set?.mode !== 'autonomous' || !pairs) return [];
  const out: ConstraintReport[][] = [];
  for (const p of pairs.list) {
    const reportsOfPair: ConstraintReport[] = [];
    out.push(reportsOfPair);
    const bound = l3s.byPair[p.index];
    const f = fulfillmentOf(checkoutJwts, bound, (p.checkout ?? p.payment)?.profile);
    const i = p.index;
    for (const half of HALVES) {
      const { name, layer, kind } = half;
      const mandate = p[kind];
      const l3 = bound?.[layer];
      if (!l3) continue;
      if (!l3.verified) {
        log.skipped(name, layer, `${layer} not verified`, i);
        continue;
      }
      // Judged against the mandate as the L3's own view discloses it, and nothing else.
      if (!mandate || !l3.bound) {
        log.skipped(name, layer, `L2 ${kind} mandate not disclosed in the ${layer} view`, i);
        continue;
      }
      const constraints = l3.bound.constraints as Record<string, unknown>[];
      const reports = checkConstraints(constraints, f, {
        at: read.at,
        strictness: read.config.strictness,
        profile: mandate.profile,
      });
      for (const r of reports) {
        if (r.outcome.status === 'passed') continue;
        if (
          mustCarry(mandate.profile, layer) === r.type &&
          allWithheld(mandate.profile, constraints[r.index]!)
        ) {
          r.outcome = {
            status: 'failed',
            violations: [
              {
                code: 'CONSTRAINT_UNVERIFIABLE',
                message: `every ${r.type} entry is withheld from the view this ${layer} binds`,
              },
            ],
          };
        } else if (r.outcome.status === 'skipped') {
          log.skipped(half.withheld, layer, `${r.type}: ${r.outcome.reason}`, i);
        }
      }
      for (const r of reports) {
        if (r.outcome.status !== 'failed') continue;
        r.outcome = bounded(r.outcome, read.config.limits);
        log.omitted += r.outcome.omitted ?? 0;
      }
      reportsOfPair.push(...reports);
      const errors: VIErrorInfo[] = reports.flatMap((r) =>
        r.outcome.status === 'failed'
          ? r.outcome.violations.map((v) => ({
              ...v,
              message: `${layer} (pair ${i}) violates ${r.type}: ${v.message}`,
              layer,
              pair: i,
              claim: r.type,
            }))
          : [],
      );
      if (errors.length) log.failed(name, layer, errors, i);
      else log.pass(name, layer, i);
    }
  }
  return out;
}
