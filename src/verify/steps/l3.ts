/**
 * L3a / L3b (agent → network / merchant): credential-format §5.7, README §3.2.
 * The signing key comes only from the L2 mandate `cnf` of the pair the L3's
 * `sd_hash` view discloses, matched by header `kid`; never from the L3 itself.
 */

import { riskDataInL3 } from '../../constraints/risk-data.js';
import type { Party } from '../../constraints/types.js';
import { isRecord } from '../../constraints/values.js';
import { sha256b64u } from '../../sdjwt/digest.js';
import type { PublicJwk } from '../../sdjwt/keys.js';
import { arrayRefDigest, disclosedElements, resolveDisclosures } from '../../sdjwt/resolve.js';
import { agentKidOf, classifyVct, finalVct, PROFILE, type WireProfile } from '../../spec/profile.js';
import { type L2View, type L3Record, type MandateRecord, type PairState, reject, skip, type VerifyContext } from '../context.js';
import { requireEs256, requireExpectation, requireLifetime, requireNoCrit, requireSignature, requireString, requireTimes, requireTyp } from './common.js';
import { requireFinalPaymentShape } from './mandates.js';

export function verifyL3s(ctx: VerifyContext): void {
  if (ctx.l3.length === 0) return;
  if (!ctx.l2Trusted || !ctx.mode) {
    ctx.skipped('l3', 'l3a', 'L2 not verified');
    return;
  }
  if (ctx.mode !== 'autonomous') {
    ctx.failed('l3.mode', 'l3a', [{ code: 'L3_NOT_AUTONOMOUS', message: 'L3 credentials exist only in Autonomous mode' }]);
    return;
  }
  for (const rec of ctx.l3) verifyOne(ctx, rec);
  crossReference(ctx);
}

/** The mandate of this L3's kind that its L2 view discloses: that is the pair it binds to. */
function boundMandate(ctx: VerifyContext, rec: L3Record): MandateRecord | undefined {
  const view = rec.view;
  // A view whose disclosures did not resolve (reported by l2.view) binds to nothing.
  if (!view?.resolved) reject('L3_PAIR_UNBOUND', `the L2 view under ${rec.layer} did not resolve`);
  const candidates: MandateRecord[] = [];
  for (const d of view.resolved.byDigest.keys()) {
    const m = ctx.mandates.get(d);
    if (m && m.kind === rec.kind) candidates.push(m);
  }
  if (candidates.length !== 1) {
    reject('L3_PAIR_UNBOUND', `the L2 view under ${rec.layer} must disclose exactly one ${rec.kind} mandate, found ${candidates.length}`);
  }
  const m = candidates[0]!;
  rec.bound = mandateInView(view, m.digest);
  return m;
}

/** The mandate `digest` as `view` resolves it (its own nested disclosures, not another view's). */
function mandateInView(view: L2View, digest: string): Record<string, unknown> {
  const raw = view.parsed.jwt.payload[PROFILE.claim.delegatePayload] as unknown[];
  const resolved = view.resolved!.claims[PROFILE.claim.delegatePayload] as unknown[];
  const i = raw.findIndex((ref) => arrayRefDigest(ref) === digest);
  const value = resolved[i];
  if (!isRecord(value)) reject('L3_PAIR_UNBOUND', 'the bound mandate does not resolve in its view');
  return value;
}

function pairOf(ctx: VerifyContext, pairId: string | undefined): PairState | undefined {
  return ctx.pairs.find((p) => p.pairId === pairId);
}

function verifyOne(ctx: VerifyContext, rec: L3Record): void {
  const layer = rec.layer;
  const jwt = rec.parsed.jwt;
  const payload = jwt.payload;

  const headerOk =
    'passed' ===
    ctx.check(`${layer}.header`, layer, () => {
      requireEs256(jwt);
      requireTyp(jwt, [PROFILE.typ.l3]);
      if (typeof jwt.header.kid !== 'string' || jwt.header.kid === '') reject('KID_MISSING', 'L3 header needs the kid of the L2 cnf key', 'kid');
      if ('jwk' in jwt.header) reject('L3_HEADER_JWK_FORBIDDEN', 'L3 headers must not carry jwk; the key comes from L2 cnf', 'jwk');
      requireNoCrit(jwt);
    });

  let mandate: MandateRecord | undefined;
  const bound =
    'passed' ===
    ctx.check(`${layer}.pair`, layer, () => {
      if (!rec.view) reject('L3_PAIR_UNBOUND', 'no readable L2 view for this L3');
      mandate = boundMandate(ctx, rec);
      rec.pairId = mandate!.pairId;
    });
  const pair = pairOf(ctx, rec.pairId);
  const index = pair?.result.index;
  if (pair) {
    const slot = rec.kind === 'payment' ? 'l3a' : 'l3b';
    if (pair[slot]) {
      ctx.failed(`${layer}.pair`, layer, [{ code: 'L3_PAIR_DUPLICATE', message: `a second ${layer} for the same mandate pair` }], index);
    } else {
      pair[slot] = rec;
    }
  }

  const sigOk =
    'passed' ===
    ctx.check(
      `${layer}.signature`,
      layer,
      () => {
        if (!headerOk || !bound || !mandate) return skip('no delegated key to check against');
        if (!mandate.wellFormed) return skip('the bound L2 mandate is malformed');
        const cnf = mandate.claims.cnf as { jwk: PublicJwk };
        const kid = agentKidOf(mandate.profile, cnf);
        if (jwt.header.kid !== kid)
          reject('L3_KID_MISMATCH', `header kid '${String(jwt.header.kid)}' is not the L2 ${mandate.profile.agentKid} '${String(kid)}'`, 'kid');
        requireSignature(jwt, ctx.keyCache.import(cnf.jwk), 'L3_SIGNATURE_INVALID', ctx.options.signatureCache);
        rec.signer = ctx.keyCache.thumbprint(cnf.jwk);
      },
      index,
    );
  if (!sigOk) {
    if (pair) pair.result[rec.kind === 'payment' ? 'l3a' : 'l3b'] = 'failed';
    return;
  }

  const checks = [
    ctx.check(
      `${layer}.cnf`,
      layer,
      () => {
        if ('cnf' in payload) reject('L3_CNF_FORBIDDEN', 'L3 payload must not carry cnf (terminal delegation)', 'cnf');
      },
      index,
    ),
    ctx.check(
      `${layer}.sd_hash`,
      layer,
      () => {
        if (payload.sd_hash !== sha256b64u(rec.view!.parsed.serialized)) {
          reject('L3_SD_HASH_MISMATCH', `${layer} sd_hash is not the hash of the L2 view presented with it`, 'sd_hash');
        }
      },
      index,
    ),
    ctx.check(
      `${layer}.claims`,
      layer,
      () => {
        const nonce = requireString(payload, 'nonce', 'L3_CLAIM_MISSING');
        // credential-format §5.3: distinct from the L2 nonce, so an L3 cannot pass for the L2's own session.
        if (nonce === ctx.l2!.parsed.jwt.payload.nonce) reject('L3_NONCE_REUSED', `${layer} nonce must differ from the L2 nonce`, 'nonce');
        if (payload.aud === undefined) reject('L3_CLAIM_MISSING', 'aud is required', 'aud');
        const dp = payload[PROFILE.claim.delegatePayload];
        if (!Array.isArray(dp) || dp.length === 0) reject('L3_CLAIM_MISSING', 'delegate_payload must be a non-empty array', 'delegate_payload');
        // credential-format §5.3: references only; an inline mandate would be signed but not selectively disclosed.
        if (dp.some((e) => arrayRefDigest(e) === undefined))
          reject('CLAIM_MALFORMED', 'delegate_payload entries must be {"...": digest} references', 'delegate_payload');
      },
      index,
    ),
    ctx.check(
      `${layer}.time`,
      layer,
      () => {
        requireLifetime(requireTimes(payload, ctx, 'L3_CLAIM_MISSING'), ctx.limits.maxL3LifetimeSeconds, 'L3_LIFETIME_EXCEEDED', layer);
      },
      index,
    ),
    ctx.check(
      `${layer}.expect`,
      layer,
      () => {
        const e = ctx.expect[layer];
        if (!e?.aud && !e?.nonce) return skip(`no expected aud/nonce given for ${layer}`);
        requireExpectation(payload, e);
      },
      index,
    ),
    ctx.check(
      `${layer}.mandate`,
      layer,
      () => {
        rec.resolved = resolveDisclosures(payload, rec.parsed.disclosures, layer);
        rec.mandate = finalMandate(rec, mandate!.profile);
        const risk = riskDataInL3(mandate!.profile, rec.mandate);
        if (risk) reject(risk.code, risk.message, 'risk_data');
        if ('cnf' in rec.mandate) reject('L3_CNF_FORBIDDEN', 'L3 final mandate must not carry cnf', 'cnf');
        if ('constraints' in rec.mandate) reject('MANDATE_CONSTRAINTS_FORBIDDEN', 'L3 final mandate carries values, not constraints', 'constraints');
        if (rec.kind === 'payment') {
          requireFinalPaymentShape(
            rec.mandate,
            rec.parsed.disclosures.some((d) => d.fractionalNumber),
          );
          if (rec.bound) requireSameInstrument(rec.mandate.payment_instrument, rec.bound.payment_instrument);
        } else {
          const m = rec.mandate;
          if (typeof m.checkout_jwt !== 'string') reject('MANDATE_MALFORMED', 'L3b checkout mandate needs checkout_jwt', 'checkout_jwt');
          if (m.checkout_hash !== sha256b64u(m.checkout_jwt))
            reject('CHECKOUT_HASH_MISMATCH', 'L3b checkout_hash is not B64U(SHA-256(checkout_jwt))', 'checkout_hash');
          requireTypedLines(m.line_items);
        }
      },
      index,
    ),
  ];
  rec.verified = checks.every((status) => status !== 'failed');
  // Findings about what the L3 says against its view; its own values stay verified, so constraints still judge them.
  if (rec.verified) {
    ctx.check(`${layer}.view`, layer, () => checkBoundView(ctx, rec), index);
    if (rec.kind === 'payment') {
      ctx.check('l3a.selected_merchant', layer, () => (rec.selectedMerchant ? requireSelectedMerchant(rec) : skip('no selected_merchant disclosed')), index);
    }
  }
  if (pair) pair.result[rec.kind === 'payment' ? 'l3a' : 'l3b'] = rec.verified ? 'verified' : 'failed';
}

/** The one final mandate of the L3's kind among its disclosed delegate_payload entries. */
function finalMandate(rec: L3Record, profile: WireProfile): Record<string, unknown> {
  const raw = rec.parsed.jwt.payload[PROFILE.claim.delegatePayload] as unknown[];
  const resolved = rec.resolved!.claims[PROFILE.claim.delegatePayload] as unknown[];
  if (!Array.isArray(raw) || !Array.isArray(resolved)) reject('L3_CLAIM_MISSING', `${rec.layer} delegate_payload must be an array`, 'delegate_payload');
  // The L3 speaks the vocabulary of the L2 mandate it fulfils.
  const wanted = finalVct(profile, rec.kind);
  const found: Record<string, unknown>[] = [];
  resolved.forEach((v, i) => {
    if (arrayRefDigest(raw[i]) === undefined || !isRecord(v)) return;
    if (v.vct === undefined) {
      // The selected merchant beside an L3a payment mandate (credential-format §5.6); nothing else.
      if (rec.kind !== 'payment' || rec.selectedMerchant)
        reject('L3_MANDATE_MISSING', `${rec.layer} discloses an entry that is neither its mandate nor a selected merchant`);
      rec.selectedMerchant = v;
      return;
    }
    const kind = classifyVct(v.vct);
    if (!kind || kind.open) reject('MANDATE_VCT_UNKNOWN', `unexpected vct ${JSON.stringify(v.vct)} in ${rec.layer}`, 'vct');
    if (v.vct === wanted) found.push(v);
    else if (kind.profile !== profile) reject('PROFILE_MIXED', `${rec.layer} carries a ${kind.profile.name} mandate for a ${profile.name} L2`, 'vct');
    else reject('MANDATE_VCT_UNKNOWN', `${rec.layer} must carry a ${wanted} mandate, found ${String(v.vct)}`, 'vct');
  });
  if (found.length !== 1) reject('L3_MANDATE_MISSING', `${rec.layer} must disclose exactly one ${wanted} mandate, found ${found.length}`);
  return found[0]!;
}

/**
 * L3a `payment_instrument` is the one the user delegated (credential-format
 * §5.6, §4.4.2): same `type` and `id`, and nothing beyond `description`.
 */
function requireSameInstrument(final: unknown, delegated: unknown): void {
  if (!isRecord(final) || !isRecord(delegated)) reject('PAYMENT_INSTRUMENT_MISMATCH', 'payment_instrument must be the delegated one');
  if (final.type !== delegated.type || final.id !== delegated.id)
    reject('PAYMENT_INSTRUMENT_MISMATCH', 'L3a payment_instrument is not the one in the L2 payment mandate', 'payment_instrument');
  for (const k in final) {
    if (k !== 'type' && k !== 'id' && k !== 'description')
      reject('PAYMENT_INSTRUMENT_MISMATCH', `L3a payment_instrument carries ${k}, beyond type, id and description`, 'payment_instrument');
  }
}

/** Item identifiers an L3b lists are strings: never a number or object matched some other way. */
function requireTypedLines(lines: unknown): void {
  if (lines === undefined) return;
  if (!Array.isArray(lines)) reject('MANDATE_MALFORMED', 'line_items must be an array', 'line_items');
  for (const l of lines) {
    const item = isRecord(l) && isRecord(l.item) ? l.item : undefined;
    const id = item ? item.id : isRecord(l) ? (l.sku ?? l.id) : undefined;
    if (typeof id !== 'string') reject('MANDATE_MALFORMED', 'each line item needs a string id', 'line_items');
  }
}

/** Parties the user signed into an allowlist and this view discloses: L2 disclosures shaped as a merchant. */
function partiesInView(view: L2View): Party[] {
  const out: Party[] = [];
  for (const d of view.resolved!.byDigest.values()) {
    const v = d.name === undefined ? d.value : undefined;
    if (isRecord(v) && v.vct === undefined && typeof v.name === 'string' && typeof v.website === 'string') out.push(v as Party);
  }
  return out;
}

/**
 * credential-format §5.6: `selected_merchant` is disclosed from the L2
 * allowed merchants, so it is one of the merchants the L3a's own view
 * discloses (by id) and it is whom the L3a pays.
 */
function requireSelectedMerchant(rec: L3Record): void {
  const sel = rec.selectedMerchant!;
  if (typeof sel.id !== 'string') reject('MANDATE_MALFORMED', 'selected_merchant needs a string id', 'selected_merchant.id');
  const allowed = partiesInView(rec.view!);
  if (allowed.length === 0) reject('L3_VIEW_INCOMPLETE', 'the L3a view discloses no allowed merchant to hold selected_merchant against', 'selected_merchant');
  if (!allowed.some((a) => a.id === sel.id))
    reject('SELECTED_MERCHANT_NOT_ALLOWED', `selected_merchant ${sel.id} is not an allowed merchant`, 'selected_merchant');
  const payee = rec.mandate!.payee as Party;
  if (payee.id !== sel.id) reject('SELECTED_MERCHANT_PAYEE_MISMATCH', `selected_merchant ${sel.id} is not the payee ${String(payee.id)}`, 'selected_merchant');
}

/** The constraint of `type` in a mandate's constraints, if any. */
function constraintOf(mandate: Record<string, unknown>, type: string): Record<string, unknown> | undefined {
  const list = mandate.constraints;
  return Array.isArray(list) ? (list.find((k) => isRecord(k) && k.type === type) as Record<string, unknown> | undefined) : undefined;
}

/**
 * credential-format §5.4: what an L3 is judged by must be in the view it binds.
 * An L3a's view discloses its payment mandate (l3a.pair) and the merchant
 * (payee) entry; an L3b's view its checkout mandate and item entries. A view
 * that withholds every entry of such an allowlist is incomplete (and the
 * constraint CONSTRAINT_UNVERIFIABLE). The disclosures the bundle's `l2` and
 * the view share must be the very same strings.
 */
function checkBoundView(ctx: VerifyContext, rec: L3Record): void | ReturnType<typeof skip> {
  const view = rec.view;
  const bound = rec.bound;
  if (!view?.resolved || !bound || !rec.mandate) return skip(`${rec.layer} not bound to a resolved mandate`);
  const main = ctx.l2!.resolved;
  if (main && view !== ctx.l2) {
    for (const [digest, d] of view.resolved.byDigest) {
      const other = main.byDigest.get(digest);
      if (other && other.encoded !== d.encoded) reject('L2_VIEW_INCONSISTENT', `${view.label} and l2 disclose ${digest} differently`);
    }
  }
  if (rec.kind === 'payment') {
    const payees = constraintOf(bound, PROFILE.constraint.allowedPayee)?.allowed_payees;
    if (Array.isArray(payees) && payees.length > 0 && disclosedElements(payees).length === 0) {
      reject('L3_VIEW_INCOMPLETE', 'the L3a view withholds every allowed payee: none to match its payee against', 'allowed_payees');
    }
    return;
  }
  const items = constraintOf(bound, PROFILE.constraint.lineItems)?.items;
  const lines = rec.mandate.line_items;
  if (!Array.isArray(items) || !Array.isArray(lines) || lines.length === 0) return;
  const entries = items.filter((e): e is Record<string, unknown> => isRecord(e) && Array.isArray(e.acceptable_items));
  const wildcard = entries.some((e) => (e.acceptable_items as unknown[]).length === 0);
  const shown = entries.some((e) => disclosedElements(e.acceptable_items as unknown[]).length > 0);
  if (!wildcard && !shown) reject('L3_VIEW_INCOMPLETE', 'the L3b view withholds every acceptable item: none to match its selection against', 'line_items');
}

/** L3a.transaction_id == L3b.checkout_hash wherever both halves of a pair are at hand (§8.3). */
function crossReference(ctx: VerifyContext): void {
  for (const p of ctx.pairs) {
    if (!p.l3a && !p.l3b) continue;
    ctx.check(
      'l3.cross_reference',
      'l3a',
      () => {
        if (!p.l3a?.verified || !p.l3b?.verified) return skip('needs both L3a and L3b of the pair verified');
        if (p.l3a.mandate!.transaction_id !== p.l3b.mandate!.checkout_hash) {
          reject(
            'L3_CROSS_REFERENCE_MISMATCH',
            `L3a transaction_id ${String(p.l3a.mandate!.transaction_id)} != L3b checkout_hash ${String(p.l3b.mandate!.checkout_hash)}`,
            'transaction_id',
          );
        }
      },
      p.result.index,
    );
  }
  // One bundle entry is one fulfilment: its two halves must bind to the same pair.
  const byEntry = new Map<number, L3Record[]>();
  for (const r of ctx.l3) byEntry.set(r.entry, [...(byEntry.get(r.entry) ?? []), r]);
  for (const [entry, recs] of byEntry) {
    const [a, b] = recs;
    if (a && b && a.pairId !== undefined && b.pairId !== undefined && a.pairId !== b.pairId) {
      ctx.failed('l3.entry', 'l3a', [{ code: 'L3_PAIR_UNBOUND', message: `l3[${entry}] payment and checkout bind to different mandate pairs` }]);
    }
  }
}
