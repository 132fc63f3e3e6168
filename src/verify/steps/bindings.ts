/**
 * The merchant's `checkout_jwt` (credential-format §6.3): parsed once, its
 * signature checked when merchant keys are trusted, and its cart held against
 * the payment the user or agent signed.
 */
import { isMinorUnits, isRecord } from '../../constraints/values.js';
import { VIError } from '../../errors.js';
import { parseJwt, type ParsedJwt } from '../../sdjwt/parse.js';
import { reject, skip, type VerifyContext } from '../context.js';
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

async function verifyCheckoutSignature(ctx: VerifyContext, jwt: string, pair: number): Promise<void> {
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
  let lookup: KeyLookup = { jwk: undefined };
  if (keys && typeof kid === 'string') {
    const found = lookupKey(keys, kid, ctx.keyCache);
    lookup = found instanceof Promise ? await found : found;
  }
  ctx.check('checkout_jwt.signature', 'checkout_jwt', () => {
    if (!keys) {
      if (ctx.strictness === 'STRICT') reject('CHECKOUT_JWT_KEY_UNKNOWN', 'STRICT mode requires merchant keys to check checkout_jwt');
      return skip('no merchant keys trusted; checkout_jwt signature not checked');
    }
    requireEs256(parsed);
    if (typeof kid !== 'string') reject('CHECKOUT_JWT_KEY_UNKNOWN', 'checkout_jwt header has no kid');
    const jwk = keyFrom(lookup);
    if (!jwk) reject('CHECKOUT_JWT_KEY_UNKNOWN', `no trusted merchant key with kid '${kid}'`, 'kid');
    requireSignature(parsed, ctx.keyCache.import(jwk), 'CHECKOUT_JWT_SIGNATURE_INVALID');
  }, pair);
}

export async function verifyCheckoutBindings(ctx: VerifyContext): Promise<void> {
  for (const p of ctx.pairs) {
    const i = p.result.index;
    // Immediate: the checkout mandate in L2; Autonomous: the final checkout in L3b.
    const checkout = ctx.mode === 'immediate' ? p.checkout?.claims : p.l3b?.verified ? p.l3b.mandate : undefined;
    const jwt = checkout?.checkout_jwt;
    if (typeof jwt === 'string') await verifyCheckoutSignature(ctx, jwt, i);

    if (ctx.mode === 'immediate') {
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
      }, i);
    }
  }
}
