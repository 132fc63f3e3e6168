/**
 * The merchant's `checkout_jwt` (credential-format §6.3): parsed once, its
 * signature checked when merchant keys are trusted, and its cart held against
 * the payment the user or agent signed.
 */
import { isMinorUnits, isRecord } from '../../constraints/values.js';
import { VIError } from '../../errors.js';
import { parseJwt, type ParsedJwt } from '../../sdjwt/parse.js';
import { reject, skip, type PairState, type VerifyContext } from '../context.js';
import { keyFrom, lookupKey, requireEs256, requireSignature, type KeyLookup } from './common.js';

/** Parse a checkout_jwt once per verification. Throws VIError CHECKOUT_JWT_MALFORMED. */
export function checkoutJwtOf(ctx: VerifyContext, jwt: string): ParsedJwt {
  // A linear scan: there are at most two per pair, and a Map would hash every 1–2 KB key.
  for (const known of ctx.checkoutJwts) if (known.compact === jwt) return known;
  try {
    const parsed = parseJwt(jwt, 'checkout_jwt');
    ctx.checkoutJwts.push(parsed);
    return parsed;
  } catch (e) {
    throw new VIError({ code: 'CHECKOUT_JWT_MALFORMED', layer: 'checkout_jwt', message: e instanceof Error ? e.message : 'unreadable checkout_jwt' });
  }
}

/** Synchronous unless the merchant key resolver is asynchronous. */
function verifyCheckoutSignature(ctx: VerifyContext, jwt: string, pair: number): void | Promise<void> {
  let parsed: ParsedJwt;
  try {
    parsed = checkoutJwtOf(ctx, jwt);
  } catch (e) {
    ctx.check('checkout_jwt.signature', 'checkout_jwt', () => {
      throw e;
    }, pair);
    return;
  }
  const keys = ctx.merchantKeys;
  const kid = parsed.header.kid;
  if (!keys || typeof kid !== 'string') return checkCheckoutSignature(ctx, parsed, pair, { jwk: undefined });
  const found = lookupKey(keys, kid, ctx.keyCache);
  return found instanceof Promise ? found.then((lookup) => checkCheckoutSignature(ctx, parsed, pair, lookup)) : checkCheckoutSignature(ctx, parsed, pair, found);
}

function checkCheckoutSignature(ctx: VerifyContext, parsed: ParsedJwt, pair: number, lookup: KeyLookup): void {
  const keys = ctx.merchantKeys;
  const kid = parsed.header.kid;
  ctx.check('checkout_jwt.signature', 'checkout_jwt', () => {
    if (!keys) {
      if (ctx.strictness === 'STRICT') reject('CHECKOUT_JWT_KEY_UNKNOWN', 'STRICT mode requires merchant keys to check checkout_jwt');
      return skip('no merchant keys trusted; checkout_jwt signature not checked');
    }
    requireEs256(parsed);
    if (typeof kid !== 'string') reject('CHECKOUT_JWT_KEY_UNKNOWN', 'checkout_jwt header has no kid');
    const jwk = keyFrom(lookup, kid, 'CHECKOUT_JWT_KEY_UNKNOWN');
    if (!jwk) reject('CHECKOUT_JWT_KEY_UNKNOWN', `no trusted merchant key with kid '${kid}'`, 'kid');
    requireSignature(parsed, ctx.keyCache.import(jwk), 'CHECKOUT_JWT_SIGNATURE_INVALID', ctx.options.signatureCache);
  }, pair);
}

/**
 * Each pair's checkout_jwt signature, then (Immediate) its cart against the
 * payment. Synchronous unless a merchant key lookup is asynchronous; then
 * the remaining pairs follow once it settles, in the same order.
 */
export function verifyCheckoutBindings(ctx: VerifyContext): void | Promise<void> {
  return bindPairsFrom(ctx, 0);
}

function bindPairsFrom(ctx: VerifyContext, from: number): void | Promise<void> {
  for (let k = from; k < ctx.pairs.length; k++) {
    const p = ctx.pairs[k]!;
    // Immediate: the checkout mandate in L2; Autonomous: the final checkout in L3b.
    const checkout = ctx.mode === 'immediate' ? p.checkout?.claims : p.l3b?.verified ? p.l3b.mandate : undefined;
    const jwt = checkout?.checkout_jwt;
    const pending = typeof jwt === 'string' ? verifyCheckoutSignature(ctx, jwt, p.result.index) : undefined;
    if (pending) {
      return pending.then(() => {
        checkCart(ctx, p, jwt);
        return bindPairsFrom(ctx, k + 1);
      });
    }
    checkCart(ctx, p, jwt);
  }
}

function checkCart(ctx: VerifyContext, p: PairState, jwt: unknown): void {
  if (ctx.mode !== 'immediate') return;
  ctx.check('bindings.amount_matches_cart', 'l2', () => {
    if (!p.checkout || !p.payment || typeof jwt !== 'string') return skip('needs both mandates of the pair disclosed');
    const cart = checkoutJwtOf(ctx, jwt).payload.cart;
    if (!isRecord(cart) || !isMinorUnits(cart.total)) return skip('checkout_jwt carries no cart total');
    const pa = p.payment.claims.payment_amount;
    const amount = isRecord(pa) ? pa.amount : p.payment.claims.amount;
    const currency = isRecord(pa) ? pa.currency : p.payment.claims.currency;
    if (amount !== cart.total || (cart.currency !== undefined && currency !== cart.currency)) {
      reject('PAYMENT_CART_MISMATCH', `payment ${String(amount)} ${String(currency)} differs from the signed cart total ${cart.total} ${String(cart.currency)}`, 'payment_amount');
    }
  }, p.result.index);
}
