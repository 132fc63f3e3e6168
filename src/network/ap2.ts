/**
 * The network's decision on an AP2 v0.2 payment chain (DIFF 6.2): verify
 * with the network's own trust and the usage its ledger holds, then let the
 * ledger decide atomically, in the same tables as VI mandates:
 * - the root mandate ({@link ap2RootId}) is the ledger's mandate: budgets are
 *   summed over it across merchants, uses counted, revocation recorded;
 * - a closed mandate is used once: its presentation id is the root and the
 *   checkout it pays (`transaction_id`), so a re-signed or re-disclosed copy
 *   of the same payment is a replay, answered as the first time;
 * - `payment.agent_recurrence` lets the root be reused (occurrences, one
 *   period apart); without it the root pays once;
 * - the final hop's nonce is consumed once per signing key.
 * The verifier's usage read is advisory; the ledger's transaction is the
 * authority, so concurrent presentations cannot overspend.
 */
import { majorToMinorUnits } from '../constraints/values.js';
import { VIError } from '../errors.js';
import { isRecord } from '../internal/guards.js';
import type {
  AgentReuseTerms,
  AuthorizationRequest,
  BudgetTerms,
  Ledger,
} from '../ledger/types.js';
import { AP2_V0_2, type Ap2ErrorCode, ap2ErrorOf } from '../profiles/ap2.js';
import { sha256b64u } from '../sdjwt/digest.js';
import { jwkThumbprint, type PublicJwk } from '../sdjwt/keys.js';
import type { ParsedJwtCache } from '../sdjwt/parse-cache.js';
import type { VerifiedSignatureCache } from '../sdjwt/signature-cache.js';
import { ap2RootId, verifyAp2Presentation } from '../verify/ap2/index.js';
import type { Ap2VerificationResult } from '../verify/ap2/types.js';
import type { KeyResolver } from '../verify/types.js';
import type { DecisionError } from './authorize.js';
import { DEFAULT_HOLD_SECONDS } from './capture.js';
import { type RevokeAnswer, recordRevocation } from './revoke.js';

/** Every AP2 payment root shares one ledger pair: its uses and spend are the root's. */
export const AP2_LEDGER_PAIR = 'ap2:payment';

/** The ledger's id for an AP2 root mandate (namespaced apart from VI L2 ids). */
export function ap2LedgerId(rootId: string): string {
  return `ap2:${rootId}`;
}

/** What the network decides AP2 payments with: its keys, its audience, its ledger. */
export interface Ap2NetworkTrust {
  ledger: Ledger;
  /** Agent providers and user-credential issuers the network trusts as roots. */
  issuerKeys: KeyResolver;
  /** The network's own audience: the final hop's `aud`. */
  aud: string;
  /**
   * The final hop's nonce: a value or a check. Absent, any non-empty nonce
   * passes the verifier and the ledger consumes it once per signing key.
   */
  nonce?: string | ((nonce: string) => boolean);
  holdSeconds?: number;
  signatureCache?: VerifiedSignatureCache;
  /** Remembers the parse of recurring roots (an open mandate's) across presentations. */
  parseCache?: ParsedJwtCache;
  /** Trust anchors for roots that name their key by `x5c` (base64 DER). */
  x5cRoots?: readonly string[];
}

/** What the network knows of this payment from outside the chain (the acquirer's message). */
export interface Ap2PaymentContext {
  /** The checkout hash the merchant asks to be paid: the closed mandate's `transaction_id` must equal it. */
  transaction_id: string;
  /** The open checkout mandate's digest, for `payment.reference`. */
  open_checkout_hash?: string;
}

/** The answer, with the AP2 error code beside vintent's. */
export interface Ap2AuthorizeAnswer {
  decision: 'approved' | 'declined';
  authorization_id?: string;
  replayed?: boolean;
  /** AP2's error code (docs/agent_authorization.md), null when approved. */
  ap2_error: Ap2ErrorCode | null;
  /** The root mandate's ledger id, once the chain parsed. */
  mandate_id?: string;
  errors: DecisionError[];
}

type Obj = Record<string, unknown>;

function declinedBy(result: Ap2VerificationResult): Ap2AuthorizeAnswer {
  return {
    decision: 'declined',
    ap2_error: result.ap2_error,
    errors: result.errors.map((e) => ({
      code: e.code,
      layer: e.layer ?? null,
      pair: e.pair ?? null,
      message: e.message,
    })),
  };
}

/** Budgets of every open mandate in the chain, in minor units. */
function budgetsOf(open: Obj[]): BudgetTerms[] {
  const out: BudgetTerms[] = [];
  for (const m of open)
    for (const c of (m.constraints as Obj[]) ?? [])
      if (c.type === 'payment.budget') {
        const max = majorToMinorUnits(c.max, c.currency);
        // The verifier rejected a budget it could not convert; never reached.
        if (max === undefined)
          throw new VIError({
            code: 'INTERNAL',
            message: 'budget passed verification unconverted',
          });
        out.push({ currency: c.currency as string, max });
      }
  return out;
}

/** The strictest reuse terms of the chain's agent_recurrence constraints; undefined: single use. */
function reuseOf(open: Obj[]): AgentReuseTerms | undefined {
  let terms: AgentReuseTerms | undefined;
  for (const m of open)
    for (const c of (m.constraints as Obj[]) ?? []) {
      if (c.type !== 'payment.agent_recurrence') continue;
      const spacing = AP2_V0_2.frequencies[c.frequency as string] ?? 0;
      const max = typeof c.max_occurrences === 'number' ? c.max_occurrences : undefined;
      terms = {
        minSpacingSeconds: Math.max(terms?.minSpacingSeconds ?? 0, spacing),
        maxOccurrences:
          max === undefined
            ? terms?.maxOccurrences
            : Math.min(terms?.maxOccurrences ?? Number.MAX_SAFE_INTEGER, max),
      };
      if (terms.maxOccurrences === undefined) delete terms.maxOccurrences;
    }
  return terms;
}

/**
 * Decide one AP2 payment presentation at the network.
 *
 * @example
 * const answer = await authorizeAp2Presentation(bundle, { ledger, issuerKeys, aud: 'https://network.example/ap2' }, { transaction_id }, now);
 * if (answer.decision === 'declined') reply({ error: answer.ap2_error });
 */
export async function authorizeAp2Presentation(
  bundle: unknown,
  trust: Ap2NetworkTrust,
  payment: Ap2PaymentContext,
  at: number,
): Promise<Ap2AuthorizeAnswer> {
  const chain =
    isRecord(bundle) && typeof bundle.payment_chain === 'string' ? bundle.payment_chain : undefined;
  const rootId = chain === undefined ? undefined : ap2RootId(chain);
  const mandateId = rootId === undefined ? undefined : ap2LedgerId(rootId);
  // The state this payment is judged against leaves out its own earlier decision: the same payment
  // presented again verifies as it did the first time, and the ledger then answers with that decision.
  const presentationId =
    rootId === undefined ? undefined : sha256b64u(`ap2|${rootId}|${payment.transaction_id}`);
  const usage =
    mandateId === undefined
      ? undefined
      : await trust.ledger.usage(mandateId, AP2_LEDGER_PAIR, at, presentationId);
  const presented = isRecord(bundle) ? { ...bundle, trust: undefined, role: 'network' } : bundle;
  const result = await verifyAp2Presentation(presented, {
    issuerKeys: trust.issuerKeys,
    role: 'network',
    now: at,
    expect: {
      payment: {
        aud: trust.aud,
        nonce: trust.nonce ?? ((n: string) => n.length > 0),
        transaction_id: payment.transaction_id,
        ...(payment.open_checkout_hash === undefined
          ? {}
          : { open_checkout_hash: payment.open_checkout_hash }),
      },
    },
    ...(usage
      ? {
          mandateContext: {
            total_amount: 0,
            spent_by_currency: usage.spentByCurrency,
            total_uses: usage.uses,
            ...(usage.lastApprovedAt === null ? {} : { last_used_date: usage.lastApprovedAt }),
          },
        }
      : {}),
    ...(trust.signatureCache ? { signatureCache: trust.signatureCache } : {}),
    ...(trust.parseCache ? { parseCache: trust.parseCache } : {}),
    ...(trust.x5cRoots ? { x5cRoots: trust.x5cRoots } : {}),
  });
  if (!result.valid)
    return { ...declinedBy(result), ...(mandateId ? { mandate_id: mandateId } : {}) };
  const p = result.chains.payment!;
  const closed = p.closed!;
  const amount = closed.payment_amount as { amount: number; currency: string };
  // The closing hop's key; a lone closed root (human present) has none but the root's.
  const delegated = (p.open[p.open.length - 1]?.cnf as { jwk?: PublicJwk } | undefined)?.jwk;
  const signerThumbprint = delegated ? jwkThumbprint(delegated) : `root:${String(p.root_kid)}`;
  // A lone root (human present, no hop) has no nonce: its single use is the presentation id's.
  const nonce = p.final_hop?.nonce ?? `root:${rootId}`;
  const request: AuthorizationRequest = {
    l2Id: mandateId!,
    pairId: AP2_LEDGER_PAIR,
    // One closed mandate per checkout under this root: any copy of it is the same presentation.
    // The verifier held transaction_id to the acquirer's, so the id computed before verifying holds.
    presentationId: presentationId!,
    signerThumbprint,
    nonce,
    amount: amount.amount,
    currency: amount.currency,
    transactionId: String(closed.transaction_id),
    mode: 'autonomous',
    at,
    holdUntil: at + (trust.holdSeconds ?? DEFAULT_HOLD_SECONDS),
  };
  const budget = budgetsOf(p.open);
  if (budget.length > 0) request.budget = budget;
  const reuse = reuseOf(p.open);
  if (reuse) request.reuse = reuse;
  const decision = await trust.ledger.authorize(request);
  if (decision.decision === 'approved')
    return {
      decision: 'approved',
      authorization_id: decision.authorizationId,
      replayed: decision.replayed,
      ap2_error: null,
      mandate_id: mandateId!,
      errors: [],
    };
  return {
    decision: 'declined',
    replayed: decision.replayed,
    ap2_error: ap2ErrorOf(decision.code),
    mandate_id: mandateId!,
    errors: [{ code: decision.code, layer: 'ledger', pair: null, message: decision.message }],
  };
}

/** What a merchant verifies AP2 checkouts with: its keys, the roots it trusts, its audience, its replay memory. */
export interface Ap2MerchantTrust {
  ledger: Ledger;
  issuerKeys: KeyResolver;
  /** The merchant's own keys: its `checkout_jwt` signatures. */
  merchantKeys: KeyResolver;
  aud: string;
  /** Clock skew tolerated; bounds how long a presentation is remembered. */
  skewSeconds: number;
  signatureCache?: VerifiedSignatureCache;
  parseCache?: ParsedJwtCache;
  x5cRoots?: readonly string[];
}

/** A merchant's verdict on an AP2 checkout chain: the verification, and whether it was shown before. */
export interface Ap2CheckoutAnswer {
  result: Ap2VerificationResult;
  /** Set when the closed checkout hop was presented before: the presentation is refused. */
  replay?: DecisionError;
}

/**
 * Verify an AP2 checkout chain at the merchant and remember its closing hop:
 * the same hop (by content) or its nonce from the same key again is
 * AP2_REPLAY, until the hop could no longer verify.
 */
export async function acceptAp2Checkout(
  bundle: unknown,
  trust: Ap2MerchantTrust,
  at: number,
): Promise<Ap2CheckoutAnswer> {
  const presented = isRecord(bundle) ? { ...bundle, trust: undefined, role: 'merchant' } : bundle;
  const result = await verifyAp2Presentation(presented, {
    issuerKeys: trust.issuerKeys,
    merchantKeys: trust.merchantKeys,
    role: 'merchant',
    now: at,
    skewSeconds: trust.skewSeconds,
    expect: { checkout: { aud: trust.aud, nonce: (n: string) => n.length > 0 } },
    ...(trust.signatureCache ? { signatureCache: trust.signatureCache } : {}),
    ...(trust.parseCache ? { parseCache: trust.parseCache } : {}),
    ...(trust.x5cRoots ? { x5cRoots: trust.x5cRoots } : {}),
  });
  const c = result.chains.checkout;
  if (!result.valid || !c?.final_hop || !c.closed_hop_id) return { result };
  const signer = (c.open[c.open.length - 1]?.cnf as { jwk: PublicJwk } | undefined)?.jwk;
  if (!signer) return { result };
  const exp = typeof c.closed?.exp === 'number' ? c.closed.exp : c.final_hop.iat + 3600;
  const seen = await trust.ledger.rememberMerchantPresentation({
    contentId: c.closed_hop_id,
    signerThumbprint: jwkThumbprint(signer),
    nonce: c.final_hop.nonce,
    at,
    forgetAfter: Math.max(exp, at) + trust.skewSeconds,
  });
  if (seen.firstSeen) return { result };
  return {
    result,
    replay: {
      code: 'AP2_REPLAY',
      layer: 'checkout_chain',
      pair: null,
      message: `${seen.matched === 'content' ? 'this closed checkout' : 'its nonce'} was presented before (first at ${seen.firstSeenAt})`,
    },
  };
}

/** What an operator's AP2 revocation needs: the ledger and the network's clock. */
export interface Ap2RevokeOptions {
  ledger: Ledger;
  /** Unix seconds: the network's clock. */
  now: number;
}

/**
 * Revoke an AP2 open mandate at the network, by its root (an operator action,
 * e.g. on the user's request through their bank): every later payment under
 * it is `LEDGER_MANDATE_REVOKED`; earlier authorizations stay, and the answer
 * counts them. The mandate is named by any chain that starts at its root, or
 * the root segment alone; only the root's signed content counts, so any
 * presentation of it revokes the same mandate. Idempotent.
 *
 * @example
 * const r = await revokeAp2Mandate(paymentChain, { ledger, now: Math.floor(Date.now() / 1000) });
 * if (!(r instanceof VIError)) console.log(r.l2_id, r.newly_revoked);
 */
export async function revokeAp2Mandate(
  chain: unknown,
  options: Ap2RevokeOptions,
): Promise<RevokeAnswer | VIError> {
  const rootId = typeof chain === 'string' && chain.length > 0 ? ap2RootId(chain) : undefined;
  if (rootId === undefined)
    return new VIError({
      code: 'BUNDLE_MALFORMED',
      layer: 'payment_chain',
      message: 'an AP2 revocation names its mandate by a chain or root segment (<jwt>~…)',
      claim: 'ap2_chain',
    });
  return recordRevocation(options.ledger, {
    l2Id: ap2LedgerId(rootId),
    // No user signature: the operator's authority, recorded as such in the audit trail.
    signerThumbprint: 'operator',
    issuedAt: options.now,
    revocationId: sha256b64u(`ap2-operator-revocation|${rootId}|${options.now}`),
    at: options.now,
  });
}
