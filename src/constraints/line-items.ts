/**
 * constraints.md §4.2 `mandate.checkout.line_items`, with §7.2 wildcard
 * semantics; where the profile defines `match_mode` (April §4.2), `exact`
 * also requires every entry to be fulfilled and an unknown mode is a violation.
 */

import type { WireProfile } from '../profiles/profile.js';
import { disclosedElements } from '../sdjwt/resolve.js';
import {
  type ConstraintType,
  failed,
  type PurchasedLine,
  passed,
  skipped,
  type Violation,
} from './types.js';
import { isMinorUnits, isRecord } from './values.js';

interface Entry {
  id: string;
  quantity: number;
  /** Disclosed acceptable SKUs; undefined means wildcard (empty list). */
  skus: Set<string> | undefined;
}

/**
 * The entries and, per SKU, the quantity the entries naming it allow: one
 * pass over the allowlist, so that each purchased SKU is then looked up
 * once (the cost is lines + acceptable items, never their product).
 */
interface Allowlist {
  entries: Entry[];
  /** Sum of the quantities of the wildcard entries: they cover any SKU. */
  wildcard: number;
  anyWildcard: boolean;
  /** SKU → sum of the quantities of the (non-wildcard) entries listing it. */
  bySku: Map<string, number>;
  total: number;
}

function allowlistOf(c: Record<string, unknown>): Allowlist {
  const a: Allowlist = { entries: [], wildcard: 0, anyWildcard: false, bySku: new Map(), total: 0 };
  for (const e of c.items as Record<string, unknown>[]) {
    const list = e.acceptable_items as unknown[];
    const quantity = e.quantity as number;
    a.total += quantity;
    if (list.length === 0) {
      a.entries.push({ id: e.id as string, quantity, skus: undefined });
      a.wildcard += quantity;
      a.anyWildcard = true;
      continue;
    }
    const skus = new Set<string>();
    for (const i of disclosedElements(list))
      if (isRecord(i) && typeof i.id === 'string') skus.add(i.id);
    for (const sku of skus) a.bySku.set(sku, (a.bySku.get(sku) ?? 0) + quantity);
    a.entries.push({ id: e.id as string, quantity, skus });
  }
  return a;
}

/** A SKU as a message names it: never longer than a short identifier. */
const named = (sku: string): string =>
  JSON.stringify(sku.length > 64 ? `${sku.slice(0, 61)}...` : sku);

/** At most this many violations of one kind per list: one is enough to refuse, a few help a person. */
const MAX_PER_KIND = 4;

function checkLines(a: Allowlist, lines: PurchasedLine[], source: string): Violation[] {
  const v: Violation[] = [];
  const perSku = new Map<string, number>();
  let total = 0;
  for (const line of lines) {
    total += line.quantity;
    perSku.set(line.sku, (perSku.get(line.sku) ?? 0) + line.quantity);
  }
  let notAcceptable = 0;
  let over = 0;
  for (const [sku, qty] of perSku) {
    const listed = a.bySku.get(sku);
    if (listed === undefined && !a.anyWildcard) {
      if (notAcceptable++ < MAX_PER_KIND)
        v.push({
          code: 'CONSTRAINT_LINE_ITEM_NOT_ACCEPTABLE',
          message: `${source}: item ${named(sku)} is not an acceptable item`,
        });
      continue;
    }
    const limit = (listed ?? 0) + a.wildcard;
    if (qty > limit && over++ < MAX_PER_KIND)
      v.push({
        code: 'CONSTRAINT_QUANTITY_EXCEEDED',
        message: `${source}: quantity ${qty} of ${named(sku)} exceeds limit ${limit}`,
      });
  }
  if (notAcceptable > MAX_PER_KIND)
    v.push({
      code: 'CONSTRAINT_LINE_ITEM_NOT_ACCEPTABLE',
      message: `${source}: ${notAcceptable - MAX_PER_KIND} more items are not acceptable`,
    });
  if (over > MAX_PER_KIND)
    v.push({
      code: 'CONSTRAINT_QUANTITY_EXCEEDED',
      message: `${source}: ${over - MAX_PER_KIND} more items exceed their limit`,
    });
  if (total > a.total)
    v.push({
      code: 'CONSTRAINT_QUANTITY_EXCEEDED',
      message: `${source}: total quantity ${total} exceeds limit ${a.total}`,
    });
  return v;
}

/** Entries no line fulfils (`exact` match mode): each needs one of its SKUs bought with quantity > 0. */
function missingEntries(a: Allowlist, lines: PurchasedLine[], source: string): Violation[] {
  const bought = new Set<string>();
  for (const l of lines) if (l.quantity > 0) bought.add(l.sku);
  const v: Violation[] = [];
  let missing = 0;
  for (const e of a.entries) {
    let met = e.skus === undefined ? bought.size > 0 : false;
    if (e.skus !== undefined)
      for (const s of e.skus)
        if (bought.has(s)) {
          met = true;
          break;
        }
    if (met) continue;
    if (missing++ < MAX_PER_KIND)
      v.push({
        code: 'CONSTRAINT_LINE_ITEM_MISSING',
        message: `${source}: line item entry ${named(e.id)} is not fulfilled (match_mode exact)`,
      });
  }
  if (missing > MAX_PER_KIND)
    v.push({
      code: 'CONSTRAINT_LINE_ITEM_MISSING',
      message: `${source}: ${missing - MAX_PER_KIND} more entries are not fulfilled`,
    });
  return v;
}

export function lineItems(profile: WireProfile): ConstraintType {
  const modes = profile.lineItemMatchModes;
  return {
    type: profile.constraint.lineItems,
    mandate: 'checkout',
    needs: 'checkout',
    shape(c) {
      const items = c.items;
      if (!Array.isArray(items))
        return [{ code: 'CONSTRAINT_MALFORMED', message: 'line_items items must be an array' }];
      if (items.length === 0)
        return [
          { code: 'CONSTRAINT_ALLOWLIST_EMPTY', message: 'empty items allowlist is unsatisfiable' },
        ];
      const out: Violation[] = [];
      if (modes !== undefined && c.match_mode !== undefined && typeof c.match_mode !== 'string') {
        out.push({
          code: 'CONSTRAINT_MALFORMED',
          message: 'line_items match_mode must be a string',
        });
      }
      for (const e of items) {
        if (
          !isRecord(e) ||
          typeof e.id !== 'string' ||
          e.id === '' ||
          !Array.isArray(e.acceptable_items) ||
          !isMinorUnits(e.quantity)
        ) {
          out.push({
            code: 'CONSTRAINT_MALFORMED',
            message: 'each line item entry needs id, acceptable_items[] and an integer quantity',
          });
          continue;
        }
        for (const item of disclosedElements(e.acceptable_items)) {
          if (!isRecord(item) || typeof item.id !== 'string' || typeof item.title !== 'string') {
            out.push({
              code: 'CONSTRAINT_MALFORMED',
              message: `acceptable item in ${named(e.id)} needs id and title`,
            });
            break;
          }
        }
      }
      return out;
    },
    check(c, f) {
      if (!f.checkout) return skipped('no L3b checkout to check');
      const allowlist = allowlistOf(c);
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
          v.push({
            code: 'CONSTRAINT_CART_EMPTY',
            message: `${source}: empty cart does not satisfy line_items`,
          });
          continue;
        }
        v.push(...checkLines(allowlist, lines, source));
        if (mode === 'exact') v.push(...missingEntries(allowlist, lines, source));
      }
      if (f.checkout.lineLists.every((l) => l.lines === undefined)) {
        v.push({
          code: 'CONSTRAINT_CART_EMPTY',
          message: 'L3b has no line items and checkout_jwt no cart',
        });
      }
      return v.length ? failed(...v) : passed();
    },
  };
}
