/**
 * L1 (issuer → user): credential-format §3.5, README §10.4.
 * The issuer key is chosen by header `kid` from configured trust only.
 */
import type { PublicJwk } from '../../sdjwt/keys.js';
import { resolveDisclosures } from '../../sdjwt/resolve.js';
import { PROFILE } from '../../spec/profile.js';
import { reject, skip, type VerifyContext } from '../context.js';
import { type KeyLookup, keyFrom, requireEs256, requireLifetime, requireNoCrit, requireSignature, requireString, requireTimes, requireTyp } from './common.js';

/** RFC 3986 scheme followed by something: enough to call a vct "a well-formed URI". */
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/;

/** Synchronous: the issuer key was looked up by the key-resolution stage (steps/keys.ts). */
export function verifyL1(ctx: VerifyContext): void {
  const jwt = ctx.l1!.jwt;
  const headerOk =
    'passed' ===
    ctx.check('l1.header', 'l1', () => {
      requireEs256(jwt);
      requireTyp(jwt, [PROFILE.typ.l1]);
      requireNoCrit(jwt);
      if (typeof jwt.header.kid !== 'string' || jwt.header.kid === '') reject('KID_MISSING', 'L1 header needs kid to select the issuer key', 'kid');
    });
  verifyL1Signed(ctx, headerOk, (headerOk && ctx.issuerLookup) || { jwk: undefined });
}

/** The L1 signature with the key the lookup found, then everything that needs it verified. */
function verifyL1Signed(ctx: VerifyContext, headerOk: boolean, lookup: KeyLookup): void {
  const l1 = ctx.l1!;
  const jwt = l1.jwt;
  let issuerJwk: PublicJwk | undefined;
  const sigOk =
    'passed' ===
    ctx.check('l1.signature', 'l1', () => {
      if (!headerOk) return skip('L1 header rejected');
      issuerJwk = keyFrom(lookup, String(jwt.header.kid), 'L1_ISSUER_KEY_UNKNOWN');
      if (!issuerJwk) reject('L1_ISSUER_KEY_UNKNOWN', `no trusted issuer key with kid '${String(jwt.header.kid)}'`, 'kid');
      requireSignature(jwt, ctx.keyCache.import(issuerJwk), 'L1_SIGNATURE_INVALID', ctx.options.signatureCache);
    });
  if (!sigOk) return;
  ctx.l1Trusted = true;
  ctx.issuerThumbprint = ctx.keyCache.thumbprint(issuerJwk);
  const payload = jwt.payload;

  ctx.check('l1.disclosures', 'l1', () => {
    ctx.l1Resolved = resolveDisclosures(payload, l1.disclosures, 'l1');
  });

  ctx.check('l1.claims', 'l1', () => {
    requireString(payload, 'iss', 'L1_CLAIM_MISSING');
    requireString(payload, 'sub', 'L1_CLAIM_MISSING');
    const vct = payload.vct;
    if (typeof vct !== 'string' || !URI.test(vct)) reject('L1_VCT_INVALID', 'vct must be an always-visible well-formed URI', 'vct');
    if (PROFILE.claim.sdHash in payload) reject('L1_HAS_SD_HASH', 'L1 is the root credential and must not carry sd_hash', 'sd_hash');
    // Type policy: which credential types may root a delegation is the verifier's choice, not the presenter's.
    const accepted = ctx.options.acceptedL1Vcts ?? [PROFILE.vct.l1Card];
    if (!accepted.includes(vct)) reject('L1_VCT_NOT_ACCEPTED', `L1 vct ${JSON.stringify(vct)} is not an accepted credential type`, 'vct');
    if (vct === PROFILE.vct.l1Card) {
      requireString(payload, 'pan_last_four', 'L1_CLAIM_MISSING');
      requireString(payload, 'scheme', 'L1_CLAIM_MISSING');
    }
    if ('card_id' in payload) ctx.cardId = requireString(payload, 'card_id', 'L1_CLAIM_MISSING');
  });

  ctx.check('l1.cnf', 'l1', () => {
    const cnf = payload.cnf as Record<string, unknown> | undefined;
    const jwk = typeof cnf === 'object' && cnf !== null ? cnf.jwk : undefined;
    const problem = ctx.keyCache.problem(jwk);
    if (problem) reject('L1_CNF_INVALID', `cnf.jwk: ${problem}`, 'cnf');
    ctx.userKey = ctx.keyCache.import(jwk);
    ctx.userThumbprint = ctx.keyCache.thumbprint(jwk);
  });

  ctx.check('l1.time', 'l1', () => {
    requireLifetime(requireTimes(payload, ctx, 'L1_CLAIM_MISSING'), ctx.limits.maxL1LifetimeSeconds, 'L1_LIFETIME_EXCEEDED', 'L1');
  });
}
