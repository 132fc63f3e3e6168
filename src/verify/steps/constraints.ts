/**
 * L3 values against the disclosed L2 constraints (README §10.4 item 10,
 * constraints.md §5). Fulfillment comes only from verified L3s and the
 * checkout_jwt they carry.
 */
import { checkConstraints } from '../../constraints/registry.js';
import type { Fulfillment, Party, PurchasedLine } from '../../constraints/types.js';
import { isMinorUnits, isRecord } from '../../constraints/values.js';
import type { VIErrorInfo } from '../../errors.js';
import { arrayRefDigest } from '../../sdjwt/resolve.js';
import type { WireProfile } from '../../spec/profile.js';
import type { PairState, VerifyContext } from '../context.js';
import { checkoutJwtOf } from './bindings.js';

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

function fulfillmentOf(ctx: VerifyContext, p: PairState, profile: WireProfile | undefined): Fulfillment {
  const f: Fulfillment = {};
  if (p.l3a?.verified && p.l3a.mandate) {
    const m = p.l3a.mandate;
    const pa = isRecord(m.payment_amount) ? m.payment_amount : m;
    f.payment = { amount: pa.amount, currency: pa.currency, payee: m.payee };
  }
  if (p.l3b?.verified && p.l3b.mandate) {
    const m = p.l3b.mandate;
    let merchant: Party | undefined;
    let signerWebsite: string | undefined;
    let cartLines: PurchasedLine[] | undefined;
    try {
      const payload = checkoutJwtOf(ctx, m.checkout_jwt as string).payload;
      if (isRecord(payload.merchant)) merchant = payload.merchant as Party;
      else if (profile?.checkoutMerchantFromIss && payload.merchant === undefined && typeof payload.iss === 'string' && payload.iss.startsWith('https://'))
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
  const lists: unknown[] = [c[profile.allowlistField.allowedPayee], c[profile.allowlistField.allowedMerchant]];
  if (Array.isArray(c.items)) for (const e of c.items) if (isRecord(e)) lists.push(e.acceptable_items);
  const entries = lists.filter(Array.isArray).flat();
  return entries.length > 0 && entries.every((e) => arrayRefDigest(e) !== undefined);
}

export function verifyConstraints(ctx: VerifyContext): void {
  if (ctx.mode !== 'autonomous') return;
  for (const p of ctx.pairs) {
    const f = fulfillmentOf(ctx, p, (p.checkout ?? p.payment)?.profile);
    const i = p.result.index;
    for (const [mandate, l3, label] of [
      [p.payment, p.l3a, 'payment'],
      [p.checkout, p.l3b, 'checkout'],
    ] as const) {
      const name = label === 'payment' ? 'constraints.payment' : 'constraints.checkout';
      const withheldName = label === 'payment' ? 'constraints.payment.withheld' : 'constraints.checkout.withheld';
      const layer = label === 'payment' ? 'l3a' : 'l3b';
      if (!l3) continue;
      if (!l3.verified) {
        ctx.skipped(name, layer, `${layer} not verified`, i);
        continue;
      }
      // Judged against the mandate as the L3's own view discloses it, and nothing else.
      const bound = l3.bound;
      if (!mandate || !bound) {
        ctx.skipped(name, layer, `L2 ${label} mandate not disclosed in the ${layer} view`, i);
        continue;
      }
      const constraints = bound.constraints as Record<string, unknown>[];
      const reports = checkConstraints(constraints, f, { at: ctx.at, strictness: ctx.strictness, profile: mandate.profile });
      for (const r of reports) {
        if (r.outcome.status === 'passed') continue;
        if (mustCarry(mandate.profile, layer) === r.type && allWithheld(mandate.profile, constraints[r.index]!)) {
          r.outcome = {
            status: 'failed',
            violations: [{ code: 'CONSTRAINT_UNVERIFIABLE', message: `every ${r.type} entry is withheld from the view this ${layer} binds` }],
          };
        } else if (r.outcome.status === 'skipped') {
          ctx.skipped(withheldName, layer, `${r.type}: ${r.outcome.reason}`, i);
        }
      }
      p.result.constraints.push(...reports);
      const errors: VIErrorInfo[] = reports.flatMap((r) =>
        r.outcome.status === 'failed'
          ? r.outcome.violations.map((v) => ({ code: v.code, message: `${layer} (pair ${i}) violates ${r.type}: ${v.message}`, layer, pair: i, claim: r.type }))
          : [],
      );
      if (errors.length) ctx.failed(name, layer, errors, i);
      else ctx.pass(name, layer, i);
    }
  }
}
