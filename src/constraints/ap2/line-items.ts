/**
 * `checkout.line_items` (DIFF 5.2, docs/checkout_mandate.md:71-143): exact.
 * The cart's lines flow to the requirements whose *revealed*
 * `acceptable_items` list their item id; the maximum flow must equal both the
 * total quantity required and the total quantity in the cart. A requirement
 * with nothing revealed accepts nothing (the SDK treats it as a wildcard).
 */
import { type Ap2ConstraintType, constraintError } from './types.js';
import { isCount, isRecord, revealed } from './values.js';

/** Maximum flow source → cart lines → requirements → sink (Edmonds–Karp; sizes are bounded by the parse limits). */
function maxFlow(
  supply: number[],
  demand: number[],
  edge: (line: number, req: number) => boolean,
): number {
  const n = supply.length + demand.length + 2;
  const s = 0;
  const t = n - 1;
  const cap = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  supply.forEach((q, i) => {
    cap[s]![1 + i] = q;
    demand.forEach((_, j) => {
      if (edge(i, j)) cap[1 + i]![1 + supply.length + j] = Number.MAX_SAFE_INTEGER;
    });
  });
  demand.forEach((q, j) => {
    cap[1 + supply.length + j]![t] = q;
  });
  let flow = 0;
  for (;;) {
    const prev = new Array<number>(n).fill(-1);
    prev[s] = s;
    const queue = [s];
    while (queue.length > 0 && prev[t] === -1) {
      const u = queue.shift()!;
      for (let v = 0; v < n; v++)
        if (prev[v] === -1 && cap[u]![v]! > 0) {
          prev[v] = u;
          queue.push(v);
        }
    }
    if (prev[t] === -1) return flow;
    let push = Number.MAX_SAFE_INTEGER;
    for (let v = t; v !== s; v = prev[v]!) push = Math.min(push, cap[prev[v]!]![v]!);
    for (let v = t; v !== s; v = prev[v]!) {
      cap[prev[v]!]![v]! -= push;
      cap[v]![prev[v]!]! += push;
    }
    flow += push;
  }
}

export const lineItems: Ap2ConstraintType = {
  type: 'checkout.line_items',
  kind: 'checkout',
  evaluate(c, { checkout }) {
    const items = c.items;
    if (!Array.isArray(items) || items.length === 0)
      throw constraintError('AP2_MANDATE_SCHEMA', this.type, '`items` must be a non-empty array');
    const required: { ids: Set<string>; quantity: number }[] = [];
    for (const r of items) {
      if (
        !isRecord(r) ||
        !Array.isArray(r.acceptable_items) ||
        !isCount(r.quantity) ||
        r.quantity < 1
      )
        throw constraintError(
          'AP2_MANDATE_SCHEMA',
          this.type,
          'each item needs acceptable_items and a positive integer quantity',
        );
      const ids = new Set(
        revealed(r.acceptable_items).flatMap((a) => (typeof a.id === 'string' ? [a.id] : [])),
      );
      required.push({ ids, quantity: r.quantity });
    }
    const lines = checkout?.line_items;
    if (!Array.isArray(lines))
      throw constraintError('AP2_CONSTRAINT_VIOLATED', this.type, 'the checkout has no line_items');
    const cart: { id: string; quantity: number }[] = [];
    for (const l of lines) {
      const id = isRecord(l) && isRecord(l.item) ? l.item.id : undefined;
      if (typeof id !== 'string' || !isCount(l.quantity) || l.quantity < 1)
        throw constraintError(
          'AP2_CONSTRAINT_VIOLATED',
          this.type,
          'a checkout line has no item id or no positive quantity',
        );
      cart.push({ id, quantity: l.quantity });
    }
    const wanted = required.reduce((n, r) => n + r.quantity, 0);
    const bought = cart.reduce((n, l) => n + l.quantity, 0);
    const flow = maxFlow(
      cart.map((l) => l.quantity),
      required.map((r) => r.quantity),
      (i, j) => required[j]!.ids.has(cart[i]!.id),
    );
    if (flow !== wanted || flow !== bought)
      throw constraintError(
        'AP2_CONSTRAINT_VIOLATED',
        this.type,
        `the cart (${bought} items) does not fill the required items (${wanted}) exactly from the revealed acceptable items (${flow} matched)`,
        { expected: wanted, actual: { cart: bought, matched: flow } },
      );
  },
};
