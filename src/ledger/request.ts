/**
 * From a verified network view to the ledger's {@link AuthorizationRequest}.
 *
 * The verifier proves the chain; the ledger enforces what needs state (one L3
 * pair per mandate pair, cumulative budget, occurrences, nonce reuse). This
 * module is the one place that decides which verified values the ledger sees,
 * so the HTTP endpoint and the offline CLI cannot drift apart.
 */

import { isRecord } from '../constraints/values.js';
import { VIError } from '../errors.js';
import { classifyVct, DEFAULT_PROFILE, profileOf } from '../profiles/profile.js';
import { sha256b64u } from '../sdjwt/digest.js';
import { signedContentOf } from '../sdjwt/parse.js';
import type { PairResult, VerificationResult } from '../verify/types.js';
import type {
  AgentRecurrenceTerms,
  AuthorizationRequest,
  BudgetTerms,
  RecurrenceTerms,
} from './types.js';

type Json = Record<string, unknown>;

function refuse(
  code: VIError['code'],
  message: string,
  layer: VIError['layer'] = 'ledger',
  pair?: number,
): VIError {
  return new VIError({ code, layer, message, pair });
}

/** The one pair this presentation pays for; a network authorization covers exactly one payment. */
function payingPair(result: VerificationResult): PairResult | VIError {
  const paying = result.pairs.filter((p) => p.payment_values !== undefined);
  if (paying.length === 0)
    return refuse(
      'MANDATE_NONE_DISCLOSED',
      'no verified payment in this presentation: send the network view (L3a, or an Immediate payment mandate)',
    );
  if (paying.length > 1)
    return refuse(
      'LIMIT_EXCEEDED',
      `one authorization covers one payment; this presentation carries ${paying.length}`,
    );
  return paying[0]!;
}

/** The L3 entry whose verified L3a discloses the pair's payment (matched by transaction_id). */
function l3EntryOf(result: VerificationResult, pair: PairResult): number | VIError {
  const txId = pair.payment_values!.transaction_id;
  const candidates: number[] = [];
  result.claims.l3.forEach((entry, i) => {
    const payload = entry.payment?.claims.delegate_payload;
    if (!Array.isArray(payload) || result.signers.l3[i]?.payment === undefined) return;
    // A final payment mandate in whichever profile the chain speaks.
    const discloses = payload.some(
      (m) => isRecord(m) && isFinalPayment(m.vct) && m.transaction_id === txId,
    );
    if (discloses) candidates.push(i);
  });
  if (candidates.length !== 1) {
    return refuse(
      'L3_MANDATE_MISSING',
      `expected one verified L3a paying transaction ${txId}, found ${candidates.length}`,
      'l3a',
      pair.index,
    );
  }
  return candidates[0]!;
}

function isFinalPayment(vct: unknown): boolean {
  const c = classifyVct(vct);
  return c !== undefined && c.kind === 'payment' && !c.open;
}

function constraintsOf(pair: PairResult): Json[] {
  const list = pair.payment?.claims.constraints;
  return Array.isArray(list) ? list.filter(isRecord) : [];
}

/** Ledger terms from the disclosed L2 payment mandate's constraints (constraints.md §4.5–§4.7). */
function ledgerTerms(
  pair: PairResult,
): Pick<AuthorizationRequest, 'budget' | 'recurrence' | 'agentRecurrence'> {
  // Ledger terms are read with the names of the profile the payment mandate speaks.
  const C = (classifyVct(pair.payment?.vct)?.profile ?? profileOf(DEFAULT_PROFILE)).constraint;
  const out: Pick<AuthorizationRequest, 'budget' | 'recurrence' | 'agentRecurrence'> = {};
  const budget: BudgetTerms[] = [];
  for (const c of constraintsOf(pair)) {
    if (c.type === C.budget) {
      budget.push({ currency: c.currency as string, max: c.max as number });
    } else if (c.type === C.recurrence) {
      const r: RecurrenceTerms = {
        frequency: c.frequency as string,
        startDate: c.start_date as string,
      };
      if (c.end_date !== undefined) r.endDate = c.end_date as string;
      if (c.number !== undefined) r.number = c.number as number;
      out.recurrence = r;
    } else if (c.type === C.agentRecurrence) {
      const r: AgentRecurrenceTerms = {
        frequency: c.frequency as string,
        startDate: c.start_date as string,
        endDate: c.end_date as string,
      };
      if (c.max_occurrences !== undefined) r.maxOccurrences = c.max_occurrences as number;
      out.agentRecurrence = r;
    }
  }
  if (budget.length) out.budget = budget;
  return out;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/**
 * Map a VALID verification of a network view to the ledger request.
 *
 * `bundle` must be the very object that was verified: the presentation id is
 * a hash of the credential strings in it. Returns a {@link VIError} (never
 * throws) when the presentation is not something a network can authorize:
 * not valid, no payment or several, or an identifier missing.
 *
 * Identifiers hash signed content only (`header.payload`; ECDSA signatures are
 * malleable): Autonomous `presentationId` = B64U(SHA-256(L3a header.payload)),
 * signer = agent key, nonce = L3a nonce; Immediate `presentationId` =
 * B64U(SHA-256(L2 header.payload + "." + pairId)), signer = user key, nonce = L2 nonce.
 */
export function authorizationRequestFrom(
  bundle: unknown,
  result: VerificationResult,
  at: number,
): AuthorizationRequest | VIError {
  if (!result.valid)
    return refuse(
      'ARGUMENT_INVALID',
      'only a valid verification can become an authorization request',
    );
  const pair = payingPair(result);
  if (pair instanceof VIError) return pair;
  const values = pair.payment_values!;
  const l2Id = result.l2_id;
  if (!l2Id) return refuse('ARGUMENT_INVALID', 'verification result lacks l2_id');
  const b = isRecord(bundle) ? bundle : {};

  let presentationId: string | undefined;
  let signerThumbprint: string | undefined;
  let nonce: string | undefined;
  if (result.mode === 'autonomous') {
    const entry = l3EntryOf(result, pair);
    if (entry instanceof VIError) return entry;
    const l3 = Array.isArray(b.l3) && isRecord(b.l3[entry]) ? str(b.l3[entry].payment) : undefined;
    presentationId = l3 === undefined ? undefined : sha256b64u(signedContentOf(l3));
    signerThumbprint = result.signers.l3[entry]?.payment;
    nonce = str(result.claims.l3[entry]?.payment?.claims.nonce);
  } else if (result.mode === 'immediate') {
    const l2 = str(b.l2);
    presentationId =
      l2 === undefined ? undefined : sha256b64u(`${signedContentOf(l2)}.${pair.pairId}`);
    signerThumbprint = result.signers.l2;
    nonce = str(result.claims.l2?.claims.nonce);
  }
  if (presentationId === undefined || signerThumbprint === undefined || nonce === undefined) {
    return refuse(
      'ARGUMENT_INVALID',
      'verified presentation lacks a presentation id, signer or nonce',
      'ledger',
      pair.index,
    );
  }
  return {
    l2Id,
    pairId: pair.pairId,
    presentationId,
    signerThumbprint,
    nonce,
    amount: values.amount,
    currency: values.currency,
    transactionId: values.transaction_id,
    mode: result.mode!,
    ...ledgerTerms(pair),
    at,
    // Kept so that capture can ask the L1's status list again.
    ...(result.l1_status ? { l1Status: result.l1_status } : {}),
  };
}
