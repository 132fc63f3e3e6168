/**
 * Layer 2, Immediate mode (credential-format §4.4): the user confirms final
 * values. One checkout + payment mandate pair per checkout, both array-element
 * disclosures referenced from `delegate_payload` and listed in `_sd`.
 */
import { VIError } from '../errors.js';
import { COMMON, profileOf, type WireProfile } from '../profiles/profile.js';
import type { SaltSource } from '../sdjwt/build.js';
import { makeArrayDisclosure, serializeSdJwt } from '../sdjwt/build.js';
import { sha256b64u } from '../sdjwt/digest.js';
import {
  runSealing,
  runSealingAsync,
  type Sealing,
  type Signer,
  type SyncSigner,
  seal,
} from '../sdjwt/signer.js';
import { type CheckoutFacts, checkoutFacts } from './checkout.js';
import {
  arrayRef,
  issuedAt,
  l2Basics,
  l2Header,
  lifetime,
  type PartyInput,
  type PaymentInstrument,
  party,
  paymentInstrument,
  requireString,
} from './common.js';
import { boundL1 } from './l1-binding.js';
import {
  type IssuedImmediatePair,
  type IssuedL2Immediate,
  type IssueL2Common,
  layoutOf,
} from './l2-types.js';
import { amountMatchingCart, toMinorUnits } from './money.js';

/** One Immediate mandate pair: the merchant's checkout JWT, the payment instrument and the payee. */
export interface ImmediatePairInput {
  /** The merchant-signed checkout JWT, exactly as received. */
  checkoutJwt: string;
  paymentInstrument: PaymentInstrument;
  payee: PartyInput;
  /**
   * Defaults to the cart total; when given it must equal it. Decimal string or
   * integer minor units. Required, with `currency`, when the checkout_jwt does
   * not follow the interop cart shape (its content is implementation-defined, CF §6.3).
   */
  amount?: string | number;
  /** Defaults to the cart currency; when given it must equal it. */
  currency?: string;
}

/** Input of {@link issueL2Immediate}: the user's key, the L1 it binds to, and the final mandate pairs. */
export interface IssueL2ImmediateInput<S extends Signer = SyncSigner> extends IssueL2Common<S> {
  /** Defaults to 900 (15 minutes). */
  lifetimeSeconds?: number;
  pairs: ImmediatePairInput[];
}

/** Amount and currency: the cart's, or the caller's when the checkout is not in the interop shape. */
function finalAmount(
  input: ImmediatePairInput,
  facts: CheckoutFacts,
  index: number,
): { amount: number; currency: string } {
  const cart = facts.conventional?.cart;
  if (!cart) {
    if (input.amount === undefined || input.currency === undefined) {
      throw new VIError({
        code: 'CHECKOUT_JWT_MALFORMED',
        layer: 'issue',
        pair: index,
        message: 'checkout_jwt has no interop cart: pass amount and currency',
        claim: 'checkout_jwt',
      });
    }
    return {
      amount: toMinorUnits(input.amount, requireString(input.currency, 'currency')),
      currency: input.currency,
    };
  }
  return amountMatchingCart(input, cart, index);
}

function buildPair(
  input: ImmediatePairInput,
  index: number,
  profile: WireProfile,
  salt: SaltSource | undefined,
): IssuedImmediatePair {
  const checkoutJwt = requireString(input?.checkoutJwt, `pairs[${index}].checkoutJwt`);
  const facts = checkoutFacts(checkoutJwt);
  const { amount, currency } = finalAmount(input, facts, index);
  const checkoutHash = facts.checkoutHash;
  const checkout = makeArrayDisclosure(
    { vct: profile.vct.checkout, checkout_jwt: checkoutJwt, checkout_hash: checkoutHash },
    salt,
  );
  const payment = makeArrayDisclosure(
    {
      vct: profile.vct.payment,
      payment_instrument: paymentInstrument(input.paymentInstrument),
      payee: party(input.payee, 'payee'),
      // payment_amount object, not top-level amount/currency: the reference rejects the latter.
      payment_amount: { currency, amount },
      transaction_id: checkoutHash,
    },
    salt,
  );
  return { checkout, payment, checkoutJwt, checkoutHash };
}

/**
 * Issue an Immediate-mode L2 (`typ: kb-sd-jwt`) signed by the user key.
 * Refuses: no pairs, an amount or currency other than the cart's, the same
 * checkout twice, malformed payee or instrument, a key L1 does not bind.
 *
 * @example
 * const l2 = issueL2Immediate({ userKey: user, l1, aud: 'https://network.example', pairs: [{ checkoutJwt, paymentInstrument: card, payee: shop }] });
 */
export function issueL2Immediate(input: IssueL2ImmediateInput): IssuedL2Immediate {
  return runSealing(issueL2ImmediateSealing(input), input.userKey);
}

/** {@link issueL2Immediate} with any {@link Signer} (WebCrypto, HSM, KMS); resolves once every signature arrived. */
export function issueL2ImmediateAsync(
  input: IssueL2ImmediateInput<Signer>,
): Promise<IssuedL2Immediate> {
  return runSealingAsync(issueL2ImmediateSealing(input), input.userKey);
}

/** The body of {@link issueL2Immediate}: yields each JWT to sign. */
function* issueL2ImmediateSealing(
  input: IssueL2ImmediateInput<Signer>,
): Sealing<IssuedL2Immediate> {
  const l1 = boundL1(input.l1, input.userKey);
  const { aud, nonce } = l2Basics(input);
  const profile = profileOf(input.profile);
  const pairs: IssuedImmediatePair[] = [];
  for (let i = 0; i < input.pairs.length; i++)
    pairs.push(buildPair(input.pairs[i]!, i, profile, input.salt));
  const seen = new Set<string>();
  pairs.forEach((p, i) => {
    if (seen.has(p.checkoutHash)) {
      throw new VIError({
        code: 'MANDATE_DUPLICATE_PAIR',
        layer: 'issue',
        pair: i,
        message: 'the same checkout appears in two mandate pairs',
        claim: 'checkout_hash',
      });
    }
    seen.add(p.checkoutHash);
  });
  const iat = issuedAt(input.iat);
  const exp = iat + lifetime(input.lifetimeSeconds ?? COMMON.l2ImmediateDefaultLifetimeSeconds);

  const digests: string[] = [];
  const encoded: string[] = [];
  for (const p of pairs) {
    digests.push(p.checkout.digest, p.payment.digest);
    encoded.push(p.checkout.encoded, p.payment.encoded);
  }
  const payload: Record<string, unknown> = {
    nonce,
    aud,
    iat,
    sd_hash: sha256b64u(l1),
    delegate_payload: digests.map((d) => arrayRef(d)),
    _sd_alg: COMMON.sdAlg,
  };
  if (input.iss !== undefined) payload.iss = input.iss;
  payload.exp = exp;
  // The unique layout references each mandate from delegate_payload alone.
  if (layoutOf(input.layout, profile) === 'reference') payload._sd = digests;
  const jwt = yield* seal(l2Header(profile, COMMON.typ.l2Immediate, input.userKey.kid), payload);
  const serialized = serializeSdJwt(jwt, encoded);
  return { mode: 'immediate', profile, serialized, jwt, payload, pairs };
}
