/**
 * The merchant's `checkout_jwt` (credential-format §6.3): parsed once, its
 * signature checked when merchant keys are trusted, and its cart held against
 * the payment the user or agent signed.
 */
import { isMinorUnits, isRecord } from '../../constraints/values.js';
import { VIError } from '../../errors.js';
import { type ParsedJwt, parseJwt } from '../../sdjwt/parse.js';
import { type PairState, reject, skip, type VerifyContext } from '../context.js';
import { isTimestamp, type KeyLookup, keyFrom, requireEs256, requireNoCrit, requireSignature } from './common.js';

/** Parse a checkout_jwt once per verification. Throws VIError CHECKOUT_JWT_MALFORMED. */
export function checkoutJwtOf(ctx: VerifyContext, jwt: string): ParsedJwt {
  // A linear scan: there are at most two per pair, and a Map would hash every 1–2 KB key.
  for (const known of ctx.checkoutJwts) if (known.compact === jwt) return known;
  try {
    const parsed = parseJwt(jwt, 'checkout_jwt');
    ctx.checkoutJwts.push(parsed);
    return parsed;
  } catch (e) {
    // A repeated member name keeps its own code; anything else is an unreadable checkout_jwt.
    const code = e instanceof VIError && e.code === 'JSON_DUPLICATE_MEMBER' ? e.code : 'CHECKOUT_JWT_MALFORMED';
    throw new VIError({ code, layer: 'checkout_jwt', message: e instanceof Error ? e.message : 'unreadable checkout_jwt' });
  }
}

/** Synchronous: merchant keys were looked up by the key-resolution stage (steps/keys.ts). */
function verifyCheckoutSignature(ctx: VerifyContext, jwt: string, pair: number): void {
  let parsed: ParsedJwt;
  try {
    parsed = checkoutJwtOf(ctx, jwt);
  } catch (e) {
    ctx.check(
      'checkout_jwt.signature',
      'checkout_jwt',
      () => {
        throw e;
      },
      pair,
    );
    return;
  }
  const keys = ctx.merchantKeys;
  const kid = parsed.header.kid;
  const lookup = keys && typeof kid === 'string' ? ctx.merchantLookups.get(kid) : undefined;
  checkCheckoutSignature(ctx, parsed, pair, lookup ?? { jwk: undefined });
}

function checkCheckoutSignature(ctx: VerifyContext, parsed: ParsedJwt, pair: number, lookup: KeyLookup): void {
  const keys = ctx.merchantKeys;
  const kid = parsed.header.kid;
  ctx.check('checkout_jwt.claims', 'checkout_jwt', () => checkCheckoutClaims(ctx, parsed), pair);
  ctx.check(
    'checkout_jwt.signature',
    'checkout_jwt',
    () => {
      if (!keys) {
        if (ctx.strictness === 'STRICT') reject('CHECKOUT_JWT_KEY_UNKNOWN', 'STRICT mode requires merchant keys to check checkout_jwt');
        return skip('no merchant keys trusted; checkout_jwt signature not checked');
      }
      requireEs256(parsed);
      if (typeof kid !== 'string') reject('CHECKOUT_JWT_KEY_UNKNOWN', 'checkout_jwt header has no kid');
      const jwk = keyFrom(lookup, kid, 'CHECKOUT_JWT_KEY_UNKNOWN');
      if (!jwk) reject('CHECKOUT_JWT_KEY_UNKNOWN', `no trusted merchant key with kid '${kid}'`, 'kid');
      requireSignature(parsed, ctx.keyCache.import(jwk), 'CHECKOUT_JWT_SIGNATURE_INVALID', ctx.options.signatureCache);
    },
    pair,
  );
}

/**
 * What the merchant signed, whether or not its key is trusted here: no
 * unknown `crit`; not expired and not issued in the future (beyond skew);
 * merchant and cart item ids, when present, strings.
 */
function checkCheckoutClaims(ctx: VerifyContext, parsed: ParsedJwt): void {
  requireNoCrit(parsed);
  const p = parsed.payload;
  for (const name of ['iat', 'exp'] as const) {
    if (p[name] !== undefined && !isTimestamp(p[name])) reject('TIME_CLAIM_INVALID', `checkout_jwt ${name} must be integer Unix seconds`, name);
  }
  if (typeof p.exp === 'number' && p.exp + ctx.skew < ctx.at) reject('EXPIRED', `checkout_jwt expired at ${p.exp}`, 'exp');
  if (typeof p.iat === 'number' && p.iat - ctx.skew > ctx.at) reject('IAT_IN_FUTURE', `checkout_jwt iat ${p.iat} is in the future`, 'iat');
  if (isRecord(p.merchant) && 'id' in p.merchant && typeof p.merchant.id !== 'string')
    reject('CHECKOUT_JWT_MALFORMED', 'checkout_jwt merchant.id must be a string', 'merchant.id');
  const items = isRecord(p.cart) ? p.cart.items : undefined;
  if (Array.isArray(items)) {
    for (const it of items) {
      const id = isRecord(it) ? (isRecord(it.item) ? it.item.id : (it.sku ?? it.id)) : undefined;
      if (id !== undefined && typeof id !== 'string') reject('CHECKOUT_JWT_MALFORMED', 'checkout_jwt cart item ids must be strings', 'cart.items');
    }
  }
}

/**
 * Each pair's checkout_jwt signature, then (Immediate) its cart against the
 * payment. Synchronous unless a merchant key lookup is asynchronous; then
 * the remaining pairs follow once it settles, in the same order.
 */
export function verifyCheckoutBindings(ctx: VerifyContext): void {
  for (const p of ctx.pairs) {
    // Immediate: the checkout mandate in L2; Autonomous: the final checkout in L3b.
    const checkout = ctx.mode === 'immediate' ? p.checkout?.claims : p.l3b?.verified ? p.l3b.mandate : undefined;
    const jwt = checkout?.checkout_jwt;
    if (typeof jwt === 'string') verifyCheckoutSignature(ctx, jwt, p.result.index);
    checkCart(ctx, p, jwt);
  }
}

function checkCart(ctx: VerifyContext, p: PairState, jwt: unknown): void {
  if (ctx.mode !== 'immediate') {
    checkAutonomousCart(ctx, p, jwt);
    return;
  }
  ctx.check(
    'bindings.amount_matches_cart',
    'l2',
    () => {
      if (!p.checkout || !p.payment || typeof jwt !== 'string') return skip('needs both mandates of the pair disclosed');
      const cart = checkoutJwtOf(ctx, jwt).payload.cart;
      if (!isRecord(cart) || !isMinorUnits(cart.total)) return skip('checkout_jwt carries no cart total');
      requireAmountIsCart(p.payment.claims.payment_amount, cart);
    },
    p.result.index,
  );
}

function requireAmountIsCart(paymentAmount: unknown, cart: Record<string, unknown>): void {
  const pa = isRecord(paymentAmount) ? paymentAmount : {};
  if (pa.amount !== cart.total || (cart.currency !== undefined && pa.currency !== cart.currency)) {
    reject(
      'PAYMENT_CART_MISMATCH',
      `payment ${String(pa.amount)} ${String(pa.currency)} differs from the signed cart total ${String(cart.total)} ${String(cart.currency)}`,
      'payment_amount',
    );
  }
}

/**
 * security-model §4.4 in Autonomous mode: with both L3s of a pair verified,
 * the L3a pays the merchant-signed cart total, in its currency, to the
 * merchant that signed it (by id where both name one).
 */
function checkAutonomousCart(ctx: VerifyContext, p: PairState, jwt: unknown): void {
  if (!p.l3a && !p.l3b) return;
  ctx.check(
    'bindings.amount_matches_cart',
    'l3a',
    () => {
      if (!p.l3a?.verified || !p.l3b?.verified || typeof jwt !== 'string') return skip('needs both L3a and L3b of the pair verified');
      const payload = checkoutJwtOf(ctx, jwt).payload;
      const cart = payload.cart;
      if (!isRecord(cart) || !isMinorUnits(cart.total)) return skip('checkout_jwt carries no cart total');
      const m = p.l3a.mandate!;
      requireAmountIsCart(m.payment_amount, cart);
      const payee = m.payee;
      const merchant = payload.merchant;
      if (isRecord(payee) && isRecord(merchant) && typeof payee.id === 'string' && typeof merchant.id === 'string' && payee.id !== merchant.id) {
        reject('PAYEE_MERCHANT_MISMATCH', `L3a pays ${payee.id}, but the checkout was signed for merchant ${merchant.id}`, 'payee');
      }
    },
    p.result.index,
  );
}
