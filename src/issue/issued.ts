/**
 * What this process's issuers already know about the strings they returned.
 *
 * The next issuer in a chain is handed the previous one's output (an L2 issuer
 * the L1, an L3 issuer the checkout_jwt) and must check what it binds. For a
 * string made here, every fact it reads (the L1 `cnf.jwk` and `exp`, the
 * checkout's merchant and cart) was validated when the string was built, so it
 * is remembered then rather than parsed again. The key is the exact text: a
 * string that differs in one character is not found and is parsed and checked
 * in full. Entries hold only primitives or frozen copies, so nothing a caller
 * does to the objects an issuer returned can change them. Bounded: the oldest
 * entry goes first.
 */
import type { CartItem, CheckoutPayload } from './checkout.js';

/** The L1 facts an L2 issuer needs: the bound key's coordinates and the expiry. */
export interface L1Facts {
  cnfX: string;
  cnfY: string;
  exp: number | undefined;
}

/** The checkout facts an issuer needs: the payload (deep-frozen) and `checkout_hash`. */
export interface CheckoutFacts {
  payload: Readonly<CheckoutPayload>;
  checkoutHash: string;
}

const CAPACITY = 256;

/**
 * The 43 characters ending where the issuer JWT's signature ends: random in
 * every ES256 signature, so a cheap Map key (hashing a whole ~1 KB string
 * costs as much as a SHA-256 of it). The entry is confirmed by comparing the
 * whole text, so two strings sharing a key only ever cost a miss.
 */
function keyOf(serialized: string): string {
  const tilde = serialized.indexOf('~');
  const end = tilde < 0 ? serialized.length : tilde;
  return serialized.slice(Math.max(0, end - 43), end);
}

/** A small insertion-ordered memo of exact strings. */
class IssuedMemo<T> {
  private readonly entries = new Map<string, { serialized: string; facts: T }>();

  get(serialized: string): T | undefined {
    const e = this.entries.get(keyOf(serialized));
    return e !== undefined && e.serialized === serialized ? e.facts : undefined;
  }

  set(serialized: string, facts: T): void {
    const key = keyOf(serialized);
    this.entries.delete(key);
    this.entries.set(key, { serialized, facts });
    if (this.entries.size > CAPACITY) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

/** L1 strings issued by `issueL1` in this process. */
export const issuedL1s = new IssuedMemo<L1Facts>();

/** checkout_jwt strings signed by `createCheckoutJwt` in this process. */
export const issuedCheckouts = new IssuedMemo<CheckoutFacts>();

/** Forget everything remembered (tests use it to take the parse path). */
export function forgetIssued(): void {
  issuedL1s.clear();
  issuedCheckouts.clear();
}

/** A deep-frozen copy of a checkout payload, so the memo cannot be changed through the object the caller got. */
export function frozenCheckoutPayload(p: CheckoutPayload): Readonly<CheckoutPayload> {
  // Member by member: createCheckoutJwt built every one of these objects with exactly these members.
  // Pushed onto a literal, not mapped: see the note on arrays in l2-autonomous.ts.
  const items: CartItem[] = [];
  for (const i of p.cart.items)
    items.push(
      Object.freeze({ id: i.id, title: i.title, quantity: i.quantity, unit_price: i.unit_price }),
    );
  const cart = Object.freeze({
    items: Object.freeze(items) as CheckoutPayload['cart']['items'],
    currency: p.cart.currency,
    total: p.cart.total,
  });
  const m = p.merchant;
  const merchant = Object.freeze(
    m.id !== undefined
      ? { id: m.id, name: m.name, website: m.website }
      : { name: m.name, website: m.website },
  );
  return Object.freeze({ iss: p.iss, sub: p.sub, iat: p.iat, exp: p.exp, merchant, cart });
}
