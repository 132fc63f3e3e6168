/**
 * L3a / L3b (agent → network / merchant): credential-format §5.7, README §3.2.
 * The signing key comes only from the L2 mandate `cnf` of the pair the L3's
 * `sd_hash` view discloses, matched by header `kid`; never from the L3 itself.
 */
import { isRecord } from '../../constraints/values.js';
import { sha256b64u } from '../../sdjwt/digest.js';
import type { PublicJwk } from '../../sdjwt/keys.js';
import { arrayRefDigest, resolveDisclosures } from '../../sdjwt/resolve.js';
import { riskDataInL3 } from '../../constraints/risk-data.js';
import { agentKidOf, classifyVct, finalVct, PROFILE, type WireProfile } from '../../spec/profile.js';
import { reject, skip, type L3Record, type MandateRecord, type PairState, type VerifyContext } from '../context.js';
import { requireFinalPaymentShape } from './mandates.js';
import { requireEs256, requireExpectation, requireSignature, requireString, requireTimes, requireTyp } from './common.js';

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
  return candidates[0];
}

function pairOf(ctx: VerifyContext, pairId: string | undefined): PairState | undefined {
  return ctx.pairs.find((p) => p.pairId === pairId);
}

function verifyOne(ctx: VerifyContext, rec: L3Record): void {
  const layer = rec.layer;
  const jwt = rec.parsed.jwt;
  const payload = jwt.payload;

  const headerOk = 'passed' === ctx.check(`${layer}.header`, layer, () => {
    requireEs256(jwt);
    requireTyp(jwt, [PROFILE.typ.l3]);
    if (typeof jwt.header.kid !== 'string' || jwt.header.kid === '') reject('KID_MISSING', 'L3 header needs the kid of the L2 cnf key', 'kid');
    if ('jwk' in jwt.header) reject('L3_HEADER_JWK_FORBIDDEN', 'L3 headers must not carry jwk; the key comes from L2 cnf', 'jwk');
  });

  let mandate: MandateRecord | undefined;
  const bound = 'passed' === ctx.check(`${layer}.pair`, layer, () => {
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

  const sigOk = 'passed' === ctx.check(`${layer}.signature`, layer, () => {
    if (!headerOk || !bound || !mandate) return skip('no delegated key to check against');
    if (!mandate.wellFormed) return skip('the bound L2 mandate is malformed');
    const cnf = mandate.claims.cnf as { jwk: PublicJwk };
    const kid = agentKidOf(mandate.profile, cnf);
    if (jwt.header.kid !== kid) reject('L3_KID_MISMATCH', `header kid '${String(jwt.header.kid)}' is not the L2 ${mandate.profile.agentKid} '${String(kid)}'`, 'kid');
    requireSignature(jwt, ctx.keyCache.import(cnf.jwk), 'L3_SIGNATURE_INVALID', ctx.options.signatureCache);
    rec.signer = ctx.keyCache.thumbprint(cnf.jwk);
  }, index);
  if (!sigOk) {
    if (pair) pair.result[rec.kind === 'payment' ? 'l3a' : 'l3b'] = 'failed';
    return;
  }

  const checks = [
    ctx.check(`${layer}.cnf`, layer, () => {
      if ('cnf' in payload) reject('L3_CNF_FORBIDDEN', 'L3 payload must not carry cnf (terminal delegation)', 'cnf');
    }, index),
    ctx.check(`${layer}.sd_hash`, layer, () => {
      if (payload.sd_hash !== sha256b64u(rec.view!.parsed.serialized)) {
        reject('L3_SD_HASH_MISMATCH', `${layer} sd_hash is not the hash of the L2 view presented with it`, 'sd_hash');
      }
    }, index),
    ctx.check(`${layer}.claims`, layer, () => {
      requireString(payload, 'nonce', 'L3_CLAIM_MISSING');
      if (payload.aud === undefined) reject('L3_CLAIM_MISSING', 'aud is required', 'aud');
      const dp = payload[PROFILE.claim.delegatePayload];
      if (!Array.isArray(dp) || dp.length === 0) reject('L3_CLAIM_MISSING', 'delegate_payload must be a non-empty array', 'delegate_payload');
    }, index),
    ctx.check(`${layer}.time`, layer, () => {
      const { iat, exp } = requireTimes(payload, ctx, 'L3_CLAIM_MISSING');
      if (exp - iat > PROFILE.l3MaxLifetimeSeconds) reject('LIFETIME_EXCEEDED', `${layer} exp must be within ${PROFILE.l3MaxLifetimeSeconds}s of iat`, 'exp');
    }, index),
    ctx.check(`${layer}.expect`, layer, () => {
      const e = ctx.expect[layer];
      if (!e?.aud && !e?.nonce) return skip(`no expected aud/nonce given for ${layer}`);
      requireExpectation(payload, e);
    }, index),
    ctx.check(`${layer}.mandate`, layer, () => {
      rec.resolved = resolveDisclosures(payload, rec.parsed.disclosures, layer);
      rec.mandate = finalMandate(rec, mandate!.profile);
      const risk = riskDataInL3(mandate!.profile, rec.mandate);
      if (risk) reject(risk.code, risk.message, 'risk_data');
      if ('cnf' in rec.mandate) reject('L3_CNF_FORBIDDEN', 'L3 final mandate must not carry cnf', 'cnf');
      if ('constraints' in rec.mandate) reject('MANDATE_CONSTRAINTS_FORBIDDEN', 'L3 final mandate carries values, not constraints', 'constraints');
      if (rec.kind === 'payment') {
        requireFinalPaymentShape(rec.mandate);
      } else {
        const m = rec.mandate;
        if (typeof m.checkout_jwt !== 'string') reject('MANDATE_MALFORMED', 'L3b checkout mandate needs checkout_jwt', 'checkout_jwt');
        if (m.checkout_hash !== sha256b64u(m.checkout_jwt)) reject('CHECKOUT_HASH_MISMATCH', 'L3b checkout_hash is not B64U(SHA-256(checkout_jwt))', 'checkout_hash');
      }
    }, index),
  ];
  rec.verified = checks.every((status) => status !== 'failed');
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
    if (v.vct === undefined) return; // e.g. the selected merchant beside an L3a payment mandate
    const kind = classifyVct(v.vct);
    if (!kind || kind.open) reject('MANDATE_VCT_UNKNOWN', `unexpected vct ${JSON.stringify(v.vct)} in ${rec.layer}`, 'vct');
    if (v.vct === wanted) found.push(v);
    else if (kind.profile !== profile) reject('PROFILE_MIXED', `${rec.layer} carries a ${kind.profile.name} mandate for a ${profile.name} L2`, 'vct');
    else reject('MANDATE_VCT_UNKNOWN', `${rec.layer} must carry a ${wanted} mandate, found ${String(v.vct)}`, 'vct');
  });
  if (found.length !== 1) reject('L3_MANDATE_MISSING', `${rec.layer} must disclose exactly one ${wanted} mandate, found ${found.length}`);
  return found[0]!;
}

/** L3a.transaction_id == L3b.checkout_hash wherever both halves of a pair are at hand (§8.3). */
function crossReference(ctx: VerifyContext): void {
  for (const p of ctx.pairs) {
    if (!p.l3a && !p.l3b) continue;
    ctx.check('l3.cross_reference', 'l3a', () => {
      if (!p.l3a?.verified || !p.l3b?.verified) return skip('needs both L3a and L3b of the pair verified');
      if (p.l3a.mandate!.transaction_id !== p.l3b.mandate!.checkout_hash) {
        reject('L3_CROSS_REFERENCE_MISMATCH', `L3a transaction_id ${String(p.l3a.mandate!.transaction_id)} != L3b checkout_hash ${String(p.l3b.mandate!.checkout_hash)}`, 'transaction_id');
      }
    }, p.result.index);
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
