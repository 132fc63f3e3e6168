/**
 * `checkout.line_items` (DIFF 5.2, docs/checkout_mandate.md:71-143): exact.
 * The cart's lines flow to the requirements whose *revealed*
 * `acceptable_items` list their item id; the maximum flow must equal both the
 * total quantity required and the total quantity in the cart. A requirement
 * with nothing revealed accepts nothing (the SDK treats it as a wildcard).
 */
import { type Ap2ConstraintType, constraintError } from './types.js';
import { isCount, isRecord, revealed } from './values.js';

/**
 * Maximum flow source → cart item ids → requirements → sink, by Dinic's
 * algorithm on adjacency lists: the limits bound the graph (distinct ids ×
 * requirements), and level graphs keep hostile quantities from costing more
 * augmentations than the graph has paths.
 */
function maxFlow(
  supply: number[],
  demand: number[],
  edge: (line: number, req: number) => boolean,
): number {
  const n = supply.length + demand.length + 2;
  const s = 0;
  const t = n - 1;
  const to: number[] = [];
  const cap: number[] = [];
  const adj: number[][] = Array.from({ length: n }, () => []);
  const add = (u: number, v: number, c: number) => {
    adj[u]!.push(to.length);
    to.push(v);
    cap.push(c);
    adj[v]!.push(to.length);
    to.push(u);
    cap.push(0);
  };
  supply.forEach((q, i) => {
    add(s, 1 + i, q);
    demand.forEach((_, j) => {
      if (edge(i, j)) add(1 + i, 1 + supply.length + j, Number.MAX_SAFE_INTEGER);
    });
  });
  demand.forEach((q, j) => {
    add(1 + supply.length + j, t, q);
  });
  const level = new Int32Array(n);
  const next = new Int32Array(n);
  const bfs = (): boolean => {
    level.fill(-1);
    level[s] = 0;
    const queue = [s];
    for (let h = 0; h < queue.length; h++) {
      const u = queue[h]!;
      for (const e of adj[u]!)
        if (cap[e]! > 0 && level[to[e]!] === -1) {
          level[to[e]!] = level[u]! + 1;
          queue.push(to[e]!);
        }
    }
    return level[t] !== -1;
  };
  // Recursion depth is a level, at most the node count (bounded by the limits).
  const dfs = (u: number, pushed: number): number => {
    if (u === t) return pushed;
    const edges = adj[u]!;
    for (; next[u]! < edges.length; next[u]!++) {
      const e = edges[next[u]!]!;
      const v = to[e]!;
      if (cap[e]! <= 0 || level[v] !== level[u]! + 1) continue;
      const got = dfs(v, Math.min(pushed, cap[e]!));
      if (got > 0) {
        cap[e]! -= got;
        cap[e ^ 1]! += got;
        return got;
      }
    }
    return 0;
  };
  let flow = 0;
  while (bfs()) {
    next.fill(0);
    for (let f = dfs(s, Number.MAX_SAFE_INTEGER); f > 0; f = dfs(s, Number.MAX_SAFE_INTEGER))
      flow += f;
  }
  return flow;
}

export const lineItems: Ap2ConstraintType = {
  type: 'checkout.line_items',
  kind: 'checkout',
  evaluate(c, { checkout, limits }) {
    const items = c.items;
    if (!Array.isArray(items) || items.length === 0)
      throw constraintError('AP2_MANDATE_SCHEMA', this.type, '`items` must be a non-empty array');
    if (items.length > limits.maxLineItemEntries)
      throw constraintError(
        'LIMIT_EXCEEDED',
        this.type,
        `${items.length} items, limit ${limits.maxLineItemEntries}`,
      );
    let acceptable = 0;
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
      acceptable += r.acceptable_items.length;
      if (acceptable > limits.maxAcceptableItems)
        throw constraintError(
          'LIMIT_EXCEEDED',
          this.type,
          `more than ${limits.maxAcceptableItems} acceptable items`,
        );
      const ids = new Set(
        revealed(r.acceptable_items).flatMap((a) => (typeof a.id === 'string' ? [a.id] : [])),
      );
      required.push({ ids, quantity: r.quantity });
    }
    const lines = checkout?.line_items;
    if (!Array.isArray(lines))
      throw constraintError('AP2_CONSTRAINT_VIOLATED', this.type, 'the checkout has no line_items');
    if (lines.length > limits.maxCartLines)
      throw constraintError(
        'LIMIT_EXCEEDED',
        this.type,
        `${lines.length} checkout lines, limit ${limits.maxCartLines}`,
      );
    // Lines of one item id are one supply node: the graph is bounded by distinct ids × requirements.
    const byId = new Map<string, number>();
    for (const l of lines) {
      const id = isRecord(l) && isRecord(l.item) ? l.item.id : undefined;
      if (typeof id !== 'string' || !isCount(l.quantity) || l.quantity < 1)
        throw constraintError(
          'AP2_CONSTRAINT_VIOLATED',
          this.type,
          'a checkout line has no item id or no positive quantity',
        );
      byId.set(id, (byId.get(id) ?? 0) + l.quantity);
    }
    const cart = [...byId].map(([id, quantity]) => ({ id, quantity }));
    const wanted = required.reduce((n, r) => n + r.quantity, 0);
    const bought = cart.reduce((n, l) => n + l.quantity, 0);
    // Beyond 2^53 sums round, and an exact match could be faked.
    if (!Number.isSafeInteger(wanted) || !Number.isSafeInteger(bought))
      throw constraintError(
        'AP2_CONSTRAINT_VIOLATED',
        this.type,
        'quantities too large to add exactly',
      );
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
