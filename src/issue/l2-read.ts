/**
 * Rebuild an {@link IssuedL2} from a serialized L2, for holders (an agent, a
 * presenter) that only kept the string. Only the full L2 (every disclosure) is
 * accepted: selective views are derived from it, never the other way round.
 */
import { VIError } from '../errors.js';
import { agentKidOf, classifyVct, COMMON as PROFILE } from '../profiles/profile.js';
import type { BuiltDisclosure } from '../sdjwt/build.js';
import type { PublicJwk } from '../sdjwt/keys.js';
import { issuerJwtOf, type ParsedDisclosure, parseSdJwt } from '../sdjwt/parse.js';
import { arrayRefDigest } from '../sdjwt/resolve.js';
import { isRecord, type Json } from './common.js';
import type {
  IssuedAutonomousPair,
  IssuedImmediatePair,
  IssuedL2,
  IssuedL2Autonomous,
} from './l2-types.js';

function malformed(message: string, claim?: string): VIError {
  return new VIError({ code: 'MANDATE_MALFORMED', layer: 'l2', message, claim });
}

const built = (d: ParsedDisclosure): BuiltDisclosure => ({
  encoded: d.encoded,
  digest: d.digest,
  value: d.value,
});

/** Disclosures referenced, in order, by a list of `{"...": digest}` entries. */
function referenced(
  list: unknown,
  byDigest: Map<string, ParsedDisclosure>,
  claim: string,
): BuiltDisclosure[] {
  if (!Array.isArray(list)) return [];
  return list.map((e) => {
    const digest = arrayRefDigest(e);
    const d = digest === undefined ? undefined : byDigest.get(digest);
    if (!d) throw malformed(`${claim} references a disclosure the L2 does not carry`, claim);
    return built(d);
  });
}

function bareOf(jwk: Json): PublicJwk {
  const { kid: _kid, ...rest } = jwk;
  return rest as unknown as PublicJwk;
}

function constraintOf(mandate: Json, type: string): Json | undefined {
  const list = mandate.constraints;
  return Array.isArray(list)
    ? (list.find((c) => isRecord(c) && c.type === type) as Json | undefined)
    : undefined;
}

/**
 * Parse a full L2 and group its disclosures by mandate pair. Pair `i` is the
 * `i`-th checkout mandate in `delegate_payload`; its payment mandate is found by
 * binding (`transaction_id` = `checkout_hash` in Immediate mode,
 * `payment.reference` = checkout digest in Autonomous mode), not by position.
 *
 * @throws VIError when the string is not a full, well-formed L2.
 *
 * @example
 * const l2 = readL2(serializedL2FromTheUser);
 * const l3 = issueL3Pair({ agentKey, l2, pairIndex: 0, checkoutJwt, networkAud, merchantAud });
 */
export function readL2(serialized: string): IssuedL2 {
  const parsed = parseSdJwt(serialized, 'l2');
  const byDigest = new Map(parsed.disclosures.map((d) => [d.digest, d]));
  const delegate = parsed.jwt.payload[PROFILE.claim.delegatePayload];
  if (!Array.isArray(delegate) || delegate.length === 0)
    throw malformed('L2 has no delegate_payload', PROFILE.claim.delegatePayload);
  const mandates = referenced(delegate, byDigest, PROFILE.claim.delegatePayload);
  const kinds = mandates.map((m) => (isRecord(m.value) ? classifyVct(m.value.vct) : undefined));
  if (kinds.some((k) => k === undefined))
    throw malformed('delegate_payload references a non-mandate', 'vct');
  const open = kinds[0]?.open ?? false;
  if (kinds.some((k) => k?.open !== open))
    throw malformed('L2 mixes open and final mandates', 'vct');
  const profile = kinds[0]!.profile;
  if (kinds.some((k) => k?.profile !== profile))
    throw new VIError({
      code: 'PROFILE_MIXED',
      layer: 'l2',
      message: 'L2 mixes mandate VCTs of two profiles',
      claim: 'vct',
    });
  const C = profile.constraint;
  const checkouts = mandates.filter((_, i) => kinds[i]?.kind === 'checkout');
  const payments = mandates.filter((_, i) => kinds[i]?.kind === 'payment');
  const jwt = issuerJwtOf(serialized);
  const payload = parsed.jwt.payload;

  if (!open) {
    const pairs: IssuedImmediatePair[] = checkouts.map((checkout) => {
      const v = checkout.value as Json;
      const payment = payments.find((p) => (p.value as Json).transaction_id === v.checkout_hash);
      if (!payment || typeof v.checkout_jwt !== 'string' || typeof v.checkout_hash !== 'string') {
        throw malformed('checkout mandate without a matching payment mandate', 'transaction_id');
      }
      return { checkout, payment, checkoutJwt: v.checkout_jwt, checkoutHash: v.checkout_hash };
    });
    return { mode: 'immediate', profile, serialized, jwt, payload, pairs };
  }

  const pairs: IssuedAutonomousPair[] = checkouts.map((checkout) => {
    const c = checkout.value as Json;
    const payment = payments.find(
      (p) =>
        constraintOf(p.value as Json, C.reference)?.conditional_transaction_id === checkout.digest,
    );
    if (!payment)
      throw malformed('checkout mandate without a payment mandate referencing it', C.reference);
    const cnf = c.cnf;
    const kid = agentKidOf(profile, cnf);
    if (!isRecord(cnf) || typeof kid !== 'string' || !isRecord(cnf.jwk))
      throw malformed(`open mandate without cnf.jwk and ${profile.agentKid}`, 'cnf');
    const merchantField = profile.allowlistField.allowedMerchant;
    const payeeField = profile.allowlistField.allowedPayee;
    const merchants = referenced(
      constraintOf(c, C.allowedMerchant)?.[merchantField],
      byDigest,
      merchantField,
    );
    const payeeList = referenced(
      constraintOf(payment.value as Json, C.allowedPayee)?.[payeeField],
      byDigest,
      payeeField,
    );
    // Keep the "payees reuse merchants" identity so views and serialization order match issuance.
    const sameAsMerchants =
      payeeList.length === merchants.length &&
      payeeList.every((p, i) => p.digest === merchants[i]?.digest);
    const lines = constraintOf(c, C.lineItems)?.items;
    const items = Array.isArray(lines)
      ? lines.flatMap((l) =>
          isRecord(l) ? referenced(l.acceptable_items, byDigest, 'acceptable_items') : [],
        )
      : [];
    return {
      checkout,
      payment,
      merchants,
      payees: sameAsMerchants ? merchants : payeeList,
      items,
      agentKid: kid,
      // The bare key: in April the kid sits inside cnf.jwk, but the thumbprint and import take the key alone.
      agentJwk: bareOf(cnf.jwk),
    };
  });
  const result: IssuedL2Autonomous = {
    mode: 'autonomous',
    profile,
    serialized,
    jwt,
    payload,
    pairs,
  };
  return result;
}

/** Accept either form: an issued object as is, or a string to parse. */
export function asIssuedL2(l2: IssuedL2 | string): IssuedL2 {
  return typeof l2 === 'string' ? readL2(l2) : l2;
}
