/**
 * L2 (user → agent or verifier): credential-format §4.7.
 * Signed by the key in the verified L1 `cnf.jwk`, bound to the L1 string by `sd_hash`.
 */
import { sha256b64u } from '../../sdjwt/digest.js';
import { arrayRefDigest, resolveDisclosures, resolveSubset } from '../../sdjwt/resolve.js';
import { PROFILE } from '../../spec/profile.js';
import { type L2View, reject, skip, type VerifyContext } from '../context.js';
import { requireEs256, requireExpectation, requireNoCrit, requireSignature, requireString, requireTimes, requireTyp } from './common.js';

export function verifyL2(ctx: VerifyContext): void {
  const l2 = ctx.l2!;
  const jwt = l2.parsed.jwt;
  const payload = jwt.payload;

  const headerOk =
    'passed' ===
    ctx.check('l2.header', 'l2', () => {
      requireEs256(jwt);
      // Which of the two is right depends on the mode, judged from the mandates later.
      requireTyp(jwt, [PROFILE.typ.l2Immediate, PROFILE.typ.l2Autonomous]);
      requireNoCrit(jwt);
    });

  const sigOk =
    'passed' ===
    ctx.check('l2.signature', 'l2', () => {
      if (!headerOk) return skip('L2 header rejected');
      if (!ctx.userKey) return skip('no verified L1 cnf.jwk to check the L2 signature with');
      requireSignature(jwt, ctx.userKey, 'L2_SIGNATURE_INVALID', ctx.options.signatureCache);
    });
  if (!sigOk) return;
  ctx.l2Trusted = true;
  // Over the signed content, not the signature: ECDSA signatures are malleable.
  ctx.l2Id = sha256b64u(jwt.signingInput);

  ctx.check('l2.sd_hash', 'l2', () => {
    const expected = sha256b64u(ctx.l1!.serialized);
    if (payload.sd_hash !== expected) reject('L2_SD_HASH_MISMATCH', 'L2 sd_hash is not the hash of the L1 as presented', 'sd_hash');
  });

  ctx.check('l2.claims', 'l2', () => {
    requireString(payload, 'nonce', 'L2_CLAIM_MISSING');
    if (payload.aud === undefined) reject('L2_CLAIM_MISSING', 'aud is required', 'aud');
    const dp = payload[PROFILE.claim.delegatePayload];
    if (!Array.isArray(dp) || dp.length === 0) reject('L2_CLAIM_MISSING', 'delegate_payload must be a non-empty array', 'delegate_payload');
    if (dp.some((e) => arrayRefDigest(e) === undefined))
      reject('CLAIM_MALFORMED', 'delegate_payload entries must be {"...": digest} references', 'delegate_payload');
    if (dp.length > 2 * ctx.limits.maxPairs) reject('LIMIT_EXCEEDED', `delegate_payload has ${dp.length} entries, limit ${2 * ctx.limits.maxPairs}`);
  });

  ctx.check('l2.time', 'l2', () => {
    requireTimes(payload, ctx, 'L2_CLAIM_MISSING');
  });

  ctx.check('l2.expect', 'l2', () => {
    if (!ctx.expect.l2?.aud && !ctx.expect.l2?.nonce) return skip('no expected aud/nonce given for L2');
    requireExpectation(payload, ctx.expect.l2);
  });

  ctx.check('l2.disclosures', 'l2', () => {
    l2.resolved = resolveDisclosures(payload, l2.parsed.disclosures, 'l2');
  });

  for (const view of ctx.l2Views) checkView(ctx, view);
}

/** A per-L3 view must be the same signed L2 with its own (valid) disclosure subset. */
function checkView(ctx: VerifyContext, view: L2View): void {
  ctx.check('l2.view', 'l2', () => {
    if (view.parsed.jwt.compact !== ctx.l2!.parsed.jwt.compact) {
      reject('L2_VIEW_MISMATCH', `${view.label} is not a presentation of the same L2`);
    }
    const { payload } = view.parsed.jwt;
    const main = ctx.l2!.resolved;
    // A view's disclosures are usually a subset of the main L2's: derive instead of resolving again.
    view.resolved = (main && resolveSubset(main, payload, view.parsed.disclosures, 'l2')) ?? resolveDisclosures(payload, view.parsed.disclosures, 'l2');
  });
}
