/**
 * The merchant-signed `checkout_jwt` (credential-format §6.3, shape per the
 * interop conventions in shared/interop/BUNDLE.md). VI leaves its content to
 * implementations, but verifiers read `merchant` and `cart` from it to enforce
 * allowed-merchant and line-items constraints.
 */
import { invalidInput, VIError } from '../errors.js';
import { isIsoCurrency, PROFILE } from '../profiles/profile.js';
import { encodeEs256Header } from '../sdjwt/build.js';
import { sha256b64u } from '../sdjwt/digest.js';
import { parseJwt } from '../sdjwt/parse.js';
import {
  runSealing,
  runSealingAsync,
  type Sealing,
  type Signer,
  type SyncSigner,
  seal,
} from '../sdjwt/signer.js';
import { isRecord, issuedAt, lifetime, type PartyInput, party, requireString } from './common.js';
import { frozenCheckoutPayload, issuedCheckouts } from './issued.js';
import { currencyExponent, toMinorUnits } from './money.js';

/** One line of the cart the merchant signs: item, quantity and unit price as a decimal string. */
export interface CheckoutItemInput {
  id: string;
  title: string;
  quantity: number;
  /** Decimal string in major units, or an integer already in minor units (see {@link toMinorUnits}). */
  unitPrice: string | number;
}

/** Input of {@link createCheckoutJwt}: the merchant's key and identity, the cart and its currency. */
export interface CreateCheckoutInput<S extends Signer = SyncSigner> {
  /** The merchant's signer (a local key for the synchronous call). */
  merchantKey: S;
  merchant: PartyInput;
  checkoutId: string;
  currency: string;
  items: CheckoutItemInput[];
  /** Defaults to the merchant website. */
  iss?: string;
  iat?: number;
  /** Defaults to 3600. */
  lifetimeSeconds?: number;
}

/** A cart line as it appears in the signed checkout JWT (prices in minor units). */
export interface CartItem {
  id: string;
  title: string;
  quantity: number;
  unit_price: number;
}

/** The payload of a merchant-signed checkout JWT. */
export interface CheckoutPayload {
  iss: string;
  sub: string;
  iat: number;
  exp: number;
  merchant: PartyInput;
  cart: { items: CartItem[]; currency: string; total: number };
}

/** A signed checkout: the compact JWT, its payload and its hash (what L3b's `checkout_hash` and L3a's `transaction_id` carry). */
export interface CreatedCheckout {
  jwt: string;
  /** B64U(SHA-256(jwt)): the checkout_hash / transaction_id binding. */
  checkoutHash: string;
  payload: CheckoutPayload;
}

const DEFAULT_CHECKOUT_LIFETIME = 3600;

function positiveInteger(v: unknown, claim: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
    throw invalidInput(`${claim} must be a positive integer`, claim);
  return v;
}

/**
 * Sign a checkout as the merchant: ES256 JWS `{alg, typ: JWT, kid}` with the
 * cart in integer minor units and its total computed exactly.
 *
 * @example
 * const { jwt, checkoutHash } = createCheckoutJwt({
 *   merchantKey, merchant: shop, checkoutId: 'order-1', currency: 'USD', items: [{ id: 'SKU-1', title: 'Racket', quantity: 1, unitPrice: '279.99' }],
 * });
 */
export function createCheckoutJwt(input: CreateCheckoutInput): CreatedCheckout {
  return runSealing(createCheckoutJwtSealing(input), input.merchantKey);
}

/**
 * {@link createCheckoutJwt} with any {@link Signer}: a WebCrypto key, an HSM, a KMS.
 * Resolves once every signature arrived.
 */
export function createCheckoutJwtAsync(
  input: CreateCheckoutInput<Signer>,
): Promise<CreatedCheckout> {
  return runSealingAsync(createCheckoutJwtSealing(input), input.merchantKey);
}

/** The body of {@link createCheckoutJwt}: yields each JWT to sign. */
function* createCheckoutJwtSealing(input: CreateCheckoutInput<Signer>): Sealing<CreatedCheckout> {
  const merchant = party(input.merchant, 'merchant');
  const sub = requireString(input.checkoutId, 'checkoutId');
  currencyExponent(input.currency);
  if (!Array.isArray(input.items) || input.items.length === 0)
    throw invalidInput('a checkout needs at least one item', 'cart.items');
  let total = 0n; // BigInt so an overflow is detected, not rounded
  const items: CartItem[] = [];
  for (let i = 0; i < input.items.length; i++) {
    const it = input.items[i];
    const quantity = it?.quantity;
    // Claim names are built only for an error.
    if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity < 1)
      positiveInteger(quantity, `cart.items[${i}].quantity`);
    const unitPrice = toMinorUnits(it!.unitPrice, input.currency);
    total += BigInt(unitPrice) * BigInt(quantity as number);
    const { id, title } = it!;
    if (typeof id !== 'string' || id === '') requireString(id, `cart.items[${i}].id`);
    if (typeof title !== 'string' || title === '') requireString(title, `cart.items[${i}].title`);
    items.push({ id, title, quantity: quantity as number, unit_price: unitPrice });
  }
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new VIError({
      code: 'MONEY_INVALID',
      layer: 'issue',
      message: 'cart total exceeds the safe integer range',
      claim: 'cart.total',
    });
  }
  const iat = issuedAt(input.iat);
  const exp = iat + lifetime(input.lifetimeSeconds ?? DEFAULT_CHECKOUT_LIFETIME);
  const payload: CheckoutPayload = {
    iss: input.iss ?? merchant.website,
    sub,
    iat,
    exp,
    merchant,
    cart: { items, currency: input.currency, total: Number(total) },
  };
  const jwt = yield* seal(
    encodeEs256Header(PROFILE.typ.checkoutJwt, input.merchantKey.kid),
    payload as unknown as Record<string, unknown>,
  );
  const checkoutHash = sha256b64u(jwt);
  issuedCheckouts.set(jwt, { payload: frozenCheckoutPayload(payload), checkoutHash });
  return { jwt, checkoutHash, payload };
}

/**
 * Read a checkout_jwt payload without verifying its signature: issuers use it
 * to default amounts and find the merchant. Refuses anything but the
 * interop shape (merchant object, cart with integer total and currency).
 */
export function readCheckoutJwt(jwt: string): CheckoutPayload {
  let payload: Record<string, unknown>;
  try {
    payload = parseJwt(requireString(jwt, 'checkout_jwt'), 'checkout_jwt').payload;
  } catch (e) {
    if (e instanceof VIError && e.code === 'ISSUE_INVALID_INPUT') throw e;
    throw new VIError({
      code: 'CHECKOUT_JWT_MALFORMED',
      layer: 'issue',
      message: 'checkout_jwt is not a compact JWS with a JSON payload',
      claim: 'checkout_jwt',
    });
  }
  const cart = payload.cart;
  const malformed = (what: string) =>
    new VIError({
      code: 'CHECKOUT_JWT_MALFORMED',
      layer: 'issue',
      message: `checkout_jwt ${what}`,
      claim: 'checkout_jwt',
    });
  if (!isRecord(payload.merchant)) throw malformed('names no merchant');
  if (!isRecord(cart) || !Array.isArray(cart.items)) throw malformed('has no cart items');
  if (!isIsoCurrency(cart.currency)) throw malformed('cart has no ISO 4217 currency');
  if (typeof cart.total !== 'number' || !Number.isSafeInteger(cart.total) || cart.total < 0)
    throw malformed('cart total is not integer minor units');
  for (const item of cart.items) {
    if (
      !isRecord(item) ||
      typeof item.id !== 'string' ||
      typeof item.quantity !== 'number' ||
      !Number.isSafeInteger(item.quantity)
    ) {
      throw malformed('cart item needs a string id and an integer quantity');
    }
  }
  return payload as unknown as CheckoutPayload;
}

/**
 * The checkout_jwt payload when it follows the interop shape, else undefined
 * (CF §6.3 leaves the content implementation-defined: the upstream April
 * vectors carry `sku`/`unitPrice` carts without a merchant object). Throws
 * only when the string is not a JWS with a JSON payload at all.
 */
export function readCheckoutJwtIfConventional(jwt: string): CheckoutPayload | undefined {
  try {
    return readCheckoutJwt(jwt);
  } catch (e) {
    if (
      e instanceof VIError &&
      e.code === 'CHECKOUT_JWT_MALFORMED' &&
      e.message.startsWith('checkout_jwt is not')
    )
      throw e;
    if (e instanceof VIError && e.code === 'CHECKOUT_JWT_MALFORMED') return undefined;
    throw e;
  }
}

/** What an issuer binding a checkout_jwt reads from it: the interop payload (undefined when opaque) and `checkout_hash`. */
export interface CheckoutFacts {
  conventional: Readonly<CheckoutPayload> | undefined;
  checkoutHash: string;
}

/**
 * {@link readCheckoutJwtIfConventional} and the checkout's hash, for issuers.
 * A checkout signed by {@link createCheckoutJwt} in this process was built in
 * the interop shape from checked input, so its facts are remembered by exact
 * text (src/issue/issued.ts); any other string is parsed and checked here.
 */
export function checkoutFacts(jwt: string): CheckoutFacts {
  const known = issuedCheckouts.get(jwt);
  if (known) return { conventional: known.payload, checkoutHash: known.checkoutHash };
  return { conventional: readCheckoutJwtIfConventional(jwt), checkoutHash: sha256b64u(jwt) };
}

/** The checkout_jwt payload, unverified, as a plain object (for reading `iss` of an opaque checkout). */
export function checkoutJwtPayload(jwt: string): Record<string, unknown> {
  return parseJwt(requireString(jwt, 'checkout_jwt'), 'checkout_jwt').payload;
}
