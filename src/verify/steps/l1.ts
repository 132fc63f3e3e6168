/**
 * Stage L1 (issuer → user): credential-format §3.5, README §10.4.
 * The issuer key is chosen by header `kid` from configured trust only
 * (looked up by the key-resolution stage, steps/keys.ts).
 */
import { PROFILE } from '../../profiles/profile.js';
import type { PublicJwk, PublicKeyHandle } from '../../sdjwt/keys.js';
import { type Resolved, resolveDisclosures } from '../../sdjwt/resolve.js';
import { type Check, type CheckLog, reject, type Skip, skip } from '../context.js';
import type { ParsedChain, ResolvedKeys, VerifiedL1 } from '../stages.js';
import {
  keyFrom,
  requireAudience,
  requireEs256,
  requireIssuerUri,
  requireLifetime,
  requireNoCrit,
  requireSignature,
  requireString,
  requireTimes,
  requireTyp,
  URI,
} from './common.js';

/** RFC 3986 scheme followed by something: enough to call a vct "a well-formed URI". */

interface L1Input {
  readonly chain: ParsedChain;
  readonly keys: ResolvedKeys;
}

/** What the L1 checks establish, in table order. */
interface L1Findings {
  headerOk: boolean;
  /** Set once the signature verified under it. */
  issuerJwk?: PublicJwk;
  resolved?: Resolved;
  cardId?: string;
  userKey?: PublicKeyHandle;
  userThumbprint?: string;
}

function l1Header({ chain }: L1Input, found: L1Findings): void {
  const jwt = chain.l1.jwt;
  requireEs256(jwt);
  requireTyp(jwt, [PROFILE.typ.l1]);
  requireNoCrit(jwt);
  if (typeof jwt.header.kid !== 'string' || jwt.header.kid === '')
    reject('KID_MISSING', 'L1 header needs kid to select the issuer key', 'kid');
  found.headerOk = true;
}

function l1Signature({ chain, keys }: L1Input, found: L1Findings): void | Skip {
  if (!found.headerOk) return skip('L1 header rejected');
  const jwt = chain.l1.jwt;
  const kid = String(jwt.header.kid);
  const jwk = keyFrom(keys.issuer ?? { jwk: undefined }, kid, 'L1_ISSUER_KEY_UNKNOWN');
  if (!jwk) reject('L1_ISSUER_KEY_UNKNOWN', `no trusted issuer key with kid '${kid}'`, 'kid');
  const { keyCache, options, signatures } = chain.read.config;
  requireSignature(
    jwt,
    keyCache.import(jwk),
    'L1_SIGNATURE_INVALID',
    signatures,
    options.signatureCache !== undefined,
  );
  found.issuerJwk = jwk;
}

function l1Disclosures({ chain }: L1Input, found: L1Findings): void {
  found.resolved = resolveDisclosures(chain.l1.jwt.payload, chain.l1.disclosures, 'l1');
}

function l1Claims({ chain }: L1Input, found: L1Findings): void {
  const payload = chain.l1.jwt.payload;
  requireIssuerUri(payload, true, 'L1_CLAIM_MISSING');
  requireAudience(payload, 'L1_CLAIM_MISSING', false);
  requireString(payload, 'sub', 'L1_CLAIM_MISSING');
  const vct = payload.vct;
  if (typeof vct !== 'string' || !URI.test(vct))
    reject('L1_VCT_INVALID', 'vct must be an always-visible well-formed URI', 'vct');
  if (PROFILE.claim.sdHash in payload)
    reject('L1_HAS_SD_HASH', 'L1 is the root credential and must not carry sd_hash', 'sd_hash');
  // Type policy: which credential types may root a delegation is the verifier's choice, not the presenter's.
  const accepted = chain.read.config.options.acceptedL1Vcts ?? [PROFILE.vct.l1Card];
  if (!accepted.includes(vct))
    reject(
      'L1_VCT_NOT_ACCEPTED',
      `L1 vct ${JSON.stringify(vct)} is not an accepted credential type`,
      'vct',
    );
  if (vct === PROFILE.vct.l1Card) {
    requireString(payload, 'pan_last_four', 'L1_CLAIM_MISSING');
    requireString(payload, 'scheme', 'L1_CLAIM_MISSING');
  }
  if ('card_id' in payload) found.cardId = requireString(payload, 'card_id', 'L1_CLAIM_MISSING');
}

function l1Cnf({ chain }: L1Input, found: L1Findings): void {
  const cnf = chain.l1.jwt.payload.cnf as Record<string, unknown> | undefined;
  const jwk = typeof cnf === 'object' && cnf !== null ? cnf.jwk : undefined;
  const keyCache = chain.read.config.keyCache;
  const problem = keyCache.problem(jwk);
  if (problem) reject('L1_CNF_INVALID', `cnf.jwk: ${problem}`, 'cnf');
  found.userKey = keyCache.import(jwk);
  found.userThumbprint = keyCache.thumbprint(jwk);
}

function l1Time({ chain }: L1Input): void {
  const { config, at } = chain.read;
  const times = requireTimes(chain.l1.jwt.payload, at, config.skew, 'L1_CLAIM_MISSING');
  requireLifetime(times, config.limits.maxL1LifetimeSeconds, 'L1_LIFETIME_EXCEEDED', 'L1');
}

/** The L1 checks in order; nothing after the signature runs unless it verified. */
const L1_CHECKS: readonly Check<L1Input, L1Findings>[] = [
  { name: 'l1.header', layer: 'l1', run: l1Header },
  { name: 'l1.signature', layer: 'l1', run: l1Signature, gate: true },
  { name: 'l1.disclosures', layer: 'l1', run: l1Disclosures },
  { name: 'l1.claims', layer: 'l1', run: l1Claims },
  { name: 'l1.cnf', layer: 'l1', run: l1Cnf },
  { name: 'l1.time', layer: 'l1', run: l1Time },
];

/** Stage: the verified L1, or undefined when its signature did not verify under a trusted key. */
export function verifyL1(
  chain: ParsedChain,
  keys: ResolvedKeys,
  log: CheckLog,
): VerifiedL1 | undefined {
  const found: L1Findings = {
    headerOk: false,
    issuerJwk: undefined,
    resolved: undefined,
    cardId: undefined,
    userKey: undefined,
    userThumbprint: undefined,
  };
  log.runAll(L1_CHECKS, { chain, keys }, found);
  if (!found.issuerJwk) return undefined;
  return {
    parsed: chain.l1,
    issuerJwk: found.issuerJwk,
    issuerThumbprint: chain.read.config.keyCache.thumbprint(found.issuerJwk),
    resolved: found.resolved,
    userKey: found.userKey,
    userThumbprint: found.userThumbprint,
    cardId: found.cardId,
  };
}
