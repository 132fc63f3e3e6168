/**
 * Stage: the merchant's `checkout_jwt` (credential-format §6.3), parsed once
 * per verification, its signature checked when merchant keys are trusted,
 * and its cart held against the payment the user or agent signed.
 */
import type { Party } from '../../constraints/types.js';
import {
  describeParty,
  isMinorUnits,
  isRecord,
  majorToMinorUnits,
  moneyText,
  sameParty,
} from '../../constraints/values.js';
import { VIError } from '../../errors.js';
import { type ParsedJwt, parseJwt } from '../../sdjwt/parse.js';
import { type Check, type CheckLog, reject, type Skip, skip, toInfo } from '../context.js';
import type {
  BoundL3s,
  CheckoutJwts,
  MandateSet,
  Pair,
  PairL3s,
  Pairs,
  ReadBundle,
  ResolvedKeys,
} from '../stages.js';
import {
  isTimestamp,
  keyFrom,
  requireEs256,
  requireNoCrit,
  requireNotBefore,
  requireSignature,
} from './common.js';

/** Parse one checkout_jwt. Throws VIError CHECKOUT_JWT_MALFORMED (a repeated member name keeps JSON_DUPLICATE_MEMBER). */
function parseCheckoutJwt(jwt: string): ParsedJwt {
  try {
    return parseJwt(jwt, 'checkout_jwt');
  } catch (e) {
    const code =
      e instanceof VIError && e.code === 'JSON_DUPLICATE_MEMBER'
        ? e.code
        : 'CHECKOUT_JWT_MALFORMED';
    throw new VIError({
      code,
      layer: 'checkout_jwt',
      message: e instanceof Error ? e.message : 'unreadable checkout_jwt',
    });
  }
}

/** A fresh {@link CheckoutJwts} memo for one verification. */
export function checkoutJwtMemo(): CheckoutJwts {
  // A linear scan: there are at most two per pair, and a Map would hash every 1–2 KB key.
  const parsed: ParsedJwt[] = [];
  return {
    of(jwt: string): ParsedJwt {
      for (const known of parsed) if (known.compact === jwt) return known;
      const p = parseCheckoutJwt(jwt);
      parsed.push(p);
      return p;
    },
    anyPrivateJwkMember: () => parsed.some((j) => j.privateJwkMember),
  };
}

/** One pair's checkout: what its checks read. */
interface CheckoutInput {
  readonly read: ReadBundle;
  readonly keys: ResolvedKeys;
  readonly checkoutJwts: CheckoutJwts;
  readonly pair: Pair;
  readonly l3s: PairL3s | undefined;
  /** The checkout_jwt judged: the Immediate checkout mandate's, or a verified L3b's final checkout's. */
  readonly jwt: unknown;
}

/** The checkout_jwt, parsed (checkout_jwt checks run only once it is). */
interface CheckoutFindings {
  readonly parsed: ParsedJwt;
}

function checkoutJwtClaims({ read }: CheckoutInput, { parsed }: CheckoutFindings): void {
  checkCheckoutClaims(parsed, read.at, read.config.skew, read.config.limits.maxCartLines);
}

/** The signature, under the merchant key the key stage found for its kid (synchronous). */
function checkoutJwtSignature(
  { read, keys }: CheckoutInput,
  { parsed }: CheckoutFindings,
): void | Skip {
  const merchantKeys = read.merchantKeys;
  if (!merchantKeys) {
    if (read.config.strictness === 'STRICT')
      reject(
        'CHECKOUT_JWT_KEY_UNKNOWN',
        'STRICT mode requires merchant keys to check checkout_jwt',
      );
    return skip('no merchant keys trusted; checkout_jwt signature not checked');
  }
  requireEs256(parsed);
  const kid = parsed.header.kid;
  if (typeof kid !== 'string') reject('CHECKOUT_JWT_KEY_UNKNOWN', 'checkout_jwt header has no kid');
  const jwk = keyFrom(
    keys.merchants.get(kid) ?? { jwk: undefined },
    kid,
    'CHECKOUT_JWT_KEY_UNKNOWN',
  );
  if (!jwk) reject('CHECKOUT_JWT_KEY_UNKNOWN', `no trusted merchant key with kid '${kid}'`, 'kid');
  requireSignature(
    parsed,
    read.config.keyCache.import(jwk),
    'CHECKOUT_JWT_SIGNATURE_INVALID',
    read.config.signatures,
    read.config.options.signatureCache !== undefined,
  );
}

/** Per pair whose checkout_jwt is at hand; an unreadable one fails checkout_jwt.signature alone. */
const CHECKOUT_JWT_CHECKS: readonly Check<CheckoutInput, CheckoutFindings>[] = [
  { name: 'checkout_jwt.claims', layer: 'checkout_jwt', run: checkoutJwtClaims },
  { name: 'checkout_jwt.signature', layer: 'checkout_jwt', run: checkoutJwtSignature },
];

/**
 * What the merchant signed, whether or not its key is trusted here: no
 * unknown `crit`; not expired and not issued in the future (beyond skew);
 * merchant and cart item ids, when present, strings.
 */
function checkCheckoutClaims(parsed: ParsedJwt, at: number, skew: number, maxLines: number): void {
  requireNoCrit(parsed);
  const p = parsed.payload;
  for (const name of ['iat', 'exp'] as const) {
    if (p[name] !== undefined && !isTimestamp(p[name]))
      reject('TIME_CLAIM_INVALID', `checkout_jwt ${name} must be integer Unix seconds`, name);
  }
  if (typeof p.exp === 'number' && p.exp + skew < at)
    reject('EXPIRED', `checkout_jwt expired at ${p.exp}`, 'exp');
  if (typeof p.iat === 'number' && p.iat - skew > at)
    reject('IAT_IN_FUTURE', `checkout_jwt iat ${p.iat} is in the future`, 'iat');
  requireNotBefore(p.nbf, at, skew, 'checkout_jwt ');
  if (isRecord(p.merchant) && 'id' in p.merchant && typeof p.merchant.id !== 'string')
    reject('CHECKOUT_JWT_MALFORMED', 'checkout_jwt merchant.id must be a string', 'merchant.id');
  const items = isRecord(p.cart) ? p.cart.items : undefined;
  if (Array.isArray(items)) {
    if (items.length > maxLines)
      reject(
        'LIMIT_EXCEEDED',
        `checkout_jwt cart has ${items.length} lines, limit ${maxLines}`,
        'cart.items',
      );
    for (const it of items) {
      const id = isRecord(it) ? (isRecord(it.item) ? it.item.id : (it.sku ?? it.id)) : undefined;
      if (id !== undefined && typeof id !== 'string')
        reject(
          'CHECKOUT_JWT_MALFORMED',
          'checkout_jwt cart item ids must be strings',
          'cart.items',
        );
    }
  }
}

/** A cart total in minor units, with its currency when the cart names one. */
interface CartTotal {
  amount: number;
  currency: string | undefined;
}

/**
 * The total of a merchant-signed cart, from each checkout shape we accept:
 * VI's `cart.total` (integer minor units, `cart.currency`), and the upstream
 * April shape `cart.subTotal {amount, currencyCode}` in major units, read
 * through decimal.js and the currency's ISO 4217 exponent. Undefined when
 * neither is there or readable.
 */
export function cartTotalOf(payload: Record<string, unknown>): CartTotal | undefined {
  const cart = payload.cart;
  if (!isRecord(cart)) return undefined;
  if (cart.total !== undefined) {
    if (
      !isMinorUnits(cart.total) ||
      (cart.currency !== undefined && typeof cart.currency !== 'string')
    )
      return undefined;
    return { amount: cart.total, currency: cart.currency as string | undefined };
  }
  const sub = cart.subTotal;
  if (!isRecord(sub)) return undefined;
  const amount = majorToMinorUnits(sub.amount, sub.currencyCode);
  return amount === undefined ? undefined : { amount, currency: sub.currencyCode as string };
}

function requireAmountIsCart(paymentAmount: unknown, cart: CartTotal): void {
  const pa = isRecord(paymentAmount) ? paymentAmount : {};
  if (pa.amount !== cart.amount || (cart.currency !== undefined && pa.currency !== cart.currency)) {
    reject(
      'PAYMENT_CART_MISMATCH',
      `payment ${moneyText(pa.amount, pa.currency)} differs from the signed cart total ${moneyText(cart.amount, cart.currency)}`,
      'payment_amount',
    );
  }
}

/** The signed total, or a refusal: with the payment to hold against it, an unreadable total is never skipped. */
function requireCartTotal(payload: Record<string, unknown>): CartTotal {
  const total = cartTotalOf(payload);
  if (!total)
    reject(
      'CART_TOTAL_UNREADABLE',
      'checkout_jwt states no cart total this verifier can read (cart.total or cart.subTotal)',
      'cart',
    );
  return total;
}

/** Immediate: the payment mandate pays the signed cart total. */
function immediateCart({ checkoutJwts, pair, jwt }: CheckoutInput): void | Skip {
  if (!pair.checkout || !pair.payment || typeof jwt !== 'string')
    return skip('needs both mandates of the pair disclosed');
  requireAmountIsCart(
    pair.payment.claims.payment_amount,
    requireCartTotal(checkoutJwts.of(jwt).payload),
  );
}

/**
 * security-model §4.4 in Autonomous mode: with both L3s of a pair verified,
 * the L3a pays the merchant-signed cart total, in its currency, to the
 * merchant that signed it, matched as allowlists match parties (constraints
 * §4.1: id when both carry one, else name and website).
 */
function autonomousCart({ checkoutJwts, l3s, jwt }: CheckoutInput): void | Skip {
  if (!l3s?.l3a?.verified || !l3s.l3b?.verified || typeof jwt !== 'string')
    return skip('needs both L3a and L3b of the pair verified');
  const payload = checkoutJwts.of(jwt).payload;
  const m = l3s.l3a.final!;
  requireAmountIsCart(m.payment_amount, requireCartTotal(payload));
  const payee = m.payee;
  const merchant = payload.merchant;
  if (isRecord(payee) && isRecord(merchant) && !sameParty(payee as Party, merchant as Party)) {
    reject(
      'PAYEE_MERCHANT_MISMATCH',
      `L3a pays ${describeParty(payee)}, but the checkout was signed for merchant ${describeParty(merchant)}`,
      'payee',
    );
  }
}

const NO_FINDINGS = {} as const;

const IMMEDIATE_CART_CHECK: Check<CheckoutInput, typeof NO_FINDINGS> = {
  name: 'bindings.amount_matches_cart',
  layer: 'l2',
  run: immediateCart,
};
/** Run where the pair has an L3. */
const AUTONOMOUS_CART_CHECK: Check<CheckoutInput, typeof NO_FINDINGS> = {
  name: 'bindings.amount_matches_cart',
  layer: 'l3a',
  run: autonomousCart,
};

/**
 * Stage: each pair's checkout_jwt (Immediate: the checkout mandate's in L2;
 * Autonomous: the final checkout's in a verified L3b), then its cart against
 * the payment. Synchronous: merchant keys were looked up by the key stage.
 */
export function verifyCheckouts(
  read: ReadBundle,
  keys: ResolvedKeys,
  checkoutJwts: CheckoutJwts,
  set: MandateSet | undefined,
  pairs: Pairs | undefined,
  l3s: BoundL3s,
  log: CheckLog,
): void {
  if (!pairs) return;
  const immediate = set?.mode === 'immediate';
  for (const pair of pairs.list) {
    const bound = l3s.byPair[pair.index];
    const checkout = immediate
      ? pair.checkout?.claims
      : bound?.l3b?.verified
        ? bound.l3b.final
        : undefined;
    const jwt = checkout?.checkout_jwt;
    const input: CheckoutInput = { read, keys, checkoutJwts, pair, l3s: bound, jwt };
    if (typeof jwt === 'string') {
      let parsed: ParsedJwt | undefined;
      try {
        parsed = checkoutJwts.of(jwt);
      } catch (e) {
        log.failed(
          'checkout_jwt.signature',
          'checkout_jwt',
          [toInfo(e, 'checkout_jwt')],
          pair.index,
        );
      }
      if (parsed) log.runAll(CHECKOUT_JWT_CHECKS, input, { parsed }, pair.index);
    }
    if (immediate) log.run(IMMEDIATE_CART_CHECK, input, NO_FINDINGS, pair.index);
    else if (bound?.l3a || bound?.l3b)
      log.run(AUTONOMOUS_CART_CHECK, input, NO_FINDINGS, pair.index);
  }
}
