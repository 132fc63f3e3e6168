/**
 * constraints.md §4.2 `mandate.checkout.line_items`, with §7.2 wildcard
 * semantics; where the profile defines `match_mode` (April §4.2), `exact`
 * also requires every entry to be fulfilled and an unknown mode is a violation.
 */
import { disclosedElements } from '../sdjwt/resolve.js';
import type { WireProfile } from '../spec/profile.js';
import { type ConstraintType, failed, type PurchasedLine, passed, skipped, type Violation } from './types.js';
import { isMinorUnits, isRecord } from './values.js';

interface Entry {
  id: string;
  quantity: number;
  /** Disclosed acceptable SKUs; undefined means wildcard (empty list). */
  skus: Set<string> | undefined;
}

function entriesOf(c: Record<string, unknown>): Entry[] {
  return (c.items as Record<string, unknown>[]).map((e) => {
    const list = e.acceptable_items as unknown[];
    const skus =
      list.length === 0
        ? undefined
        : new Set(
            disclosedElements(list)
              .filter(isRecord)
              .map((i) => i.id as string),
          );
    return { id: e.id as string, quantity: e.quantity as number, skus };
  });
}

function checkLines(entries: Entry[], lines: PurchasedLine[], source: string): Violation[] {
  const v: Violation[] = [];
  const perSku = new Map<string, number>();
  let total = 0;
  for (const line of lines) {
    total += line.quantity;
    perSku.set(line.sku, (perSku.get(line.sku) ?? 0) + line.quantity);
  }
  const limitTotal = entries.reduce((s, e) => s + e.quantity, 0);
  for (const [sku, qty] of perSku) {
    const covering = entries.filter((e) => e.skus === undefined || e.skus.has(sku));
    if (covering.length === 0) {
      const allowed = [...new Set(entries.flatMap((e) => [...(e.skus ?? [])]))];
      v.push({ code: 'CONSTRAINT_LINE_ITEM_NOT_ACCEPTABLE', message: `${source}: item ${sku} not in acceptable items [${allowed.join(', ')}]` });
      continue;
    }
    const limit = covering.reduce((s, e) => s + e.quantity, 0);
    if (qty > limit) v.push({ code: 'CONSTRAINT_QUANTITY_EXCEEDED', message: `${source}: quantity ${qty} of ${sku} exceeds limit ${limit}` });
  }
  if (total > limitTotal) v.push({ code: 'CONSTRAINT_QUANTITY_EXCEEDED', message: `${source}: total quantity ${total} exceeds limit ${limitTotal}` });
  return v;
}

/** Entries no line fulfils (`exact` match mode): each needs one of its SKUs bought with quantity > 0. */
function missingEntries(entries: Entry[], lines: PurchasedLine[], source: string): Violation[] {
  const bought = new Set(lines.filter((l) => l.quantity > 0).map((l) => l.sku));
  return entries
    .filter((e) => (e.skus === undefined ? bought.size === 0 : ![...e.skus].some((s) => bought.has(s))))
    .map((e) => ({ code: 'CONSTRAINT_LINE_ITEM_MISSING' as const, message: `${source}: line item entry ${e.id} is not fulfilled (match_mode exact)` }));
}

export function lineItems(profile: WireProfile): ConstraintType {
  const modes = profile.lineItemMatchModes;
  return {
    type: profile.constraint.lineItems,
    mandate: 'checkout',
    needs: 'checkout',
    shape(c) {
      const items = c.items;
      if (!Array.isArray(items)) return [{ code: 'CONSTRAINT_MALFORMED', message: 'line_items items must be an array' }];
      if (items.length === 0) return [{ code: 'CONSTRAINT_ALLOWLIST_EMPTY', message: 'empty items allowlist is unsatisfiable' }];
      const out: Violation[] = [];
      if (modes !== undefined && c.match_mode !== undefined && typeof c.match_mode !== 'string') {
        out.push({ code: 'CONSTRAINT_MALFORMED', message: 'line_items match_mode must be a string' });
      }
      for (const e of items) {
        if (!isRecord(e) || typeof e.id !== 'string' || e.id === '' || !Array.isArray(e.acceptable_items) || !isMinorUnits(e.quantity)) {
          out.push({ code: 'CONSTRAINT_MALFORMED', message: 'each line item entry needs id, acceptable_items[] and an integer quantity' });
          continue;
        }
        for (const item of disclosedElements(e.acceptable_items)) {
          if (!isRecord(item) || typeof item.id !== 'string' || typeof item.title !== 'string') {
            out.push({ code: 'CONSTRAINT_MALFORMED', message: `acceptable item in ${e.id} needs id and title` });
          }
        }
      }
      return out;
    },
    check(c, f) {
      if (!f.checkout) return skipped('no L3b checkout to check');
      const entries = entriesOf(c);
      const v: Violation[] = [];
      // Absent means minimum; a mode this profile does not define cannot be honoured, so it fails.
      const mode = modes === undefined ? 'minimum' : (c.match_mode ?? 'minimum');
      if (modes !== undefined && !modes.includes(mode as string)) {
        return failed({
          code: 'CONSTRAINT_MATCH_MODE_UNKNOWN',
          message: `line_items match_mode ${JSON.stringify(c.match_mode)} is not one of ${modes.join(', ')}`,
        });
      }
      for (const { source, lines } of f.checkout.lineLists) {
        if (lines === undefined) continue;
        if (lines.length === 0) {
          v.push({ code: 'CONSTRAINT_CART_EMPTY', message: `${source}: empty cart does not satisfy line_items` });
          continue;
        }
        v.push(...checkLines(entries, lines, source));
        if (mode === 'exact') v.push(...missingEntries(entries, lines, source));
      }
      if (f.checkout.lineLists.every((l) => l.lines === undefined)) {
        v.push({ code: 'CONSTRAINT_CART_EMPTY', message: 'L3b has no line items and checkout_jwt no cart' });
      }
      return v.length ? failed(...v) : passed();
    },
  };
}
