/**
 * Stage L2 (user → agent or verifier): credential-format §4.7.
 * Signed by the key in the verified L1 `cnf.jwk`, bound to the L1 string by `sd_hash`.
 */

import { PROFILE } from '../../profiles/profile.js';
import { sha256b64u } from '../../sdjwt/digest.js';
import { signingInputDigest } from '../../sdjwt/parse.js';
import {
  arrayRefDigest,
  type Resolved,
  resolveDisclosures,
  resolveSubset,
} from '../../sdjwt/resolve.js';
import { type Check, type CheckLog, reject, type Skip, skip } from '../context.js';
import type { ParsedChain, ParsedView, ResolvedView, VerifiedL1, VerifiedL2 } from '../stages.js';
import {
  requireAudience,
  requireEs256,
  requireExpectation,
  requireIssuerUri,
  requireNoCrit,
  requireSdAlgPresent,
  requireSignature,
  requireString,
  requireTimes,
  requireTyp,
} from './common.js';

interface L2Input {
  readonly chain: ParsedChain;
  /** Undefined when the L1 did not verify: then there is no key to check the L2 with. */
  readonly l1: VerifiedL1 | undefined;
}

interface L2Findings {
  headerOk: boolean;
  signed: boolean;
  resolved?: Resolved;
}

const l2Of = (chain: ParsedChain) => chain.views[0]!.parsed;

function l2Header({ chain }: L2Input, found: L2Findings): void {
  const jwt = l2Of(chain).jwt;
  requireEs256(jwt);
  // Which of the two is right depends on the mode, judged from the mandates later.
  requireTyp(jwt, [PROFILE.typ.l2Immediate, PROFILE.typ.l2Autonomous]);
  requireNoCrit(jwt);
  found.headerOk = true;
}

function l2Signature({ chain, l1 }: L2Input, found: L2Findings): void | Skip {
  if (!found.headerOk) return skip('L2 header rejected');
  if (!l1?.userKey) return skip('no verified L1 cnf.jwk to check the L2 signature with');
  requireSignature(
    l2Of(chain).jwt,
    l1.userKey,
    'L2_SIGNATURE_INVALID',
    chain.read.config.signatures,
    chain.read.config.options.signatureCache !== undefined,
  );
  found.signed = true;
}

function l2SdHash({ chain }: L2Input): void {
  const expected = sha256b64u(chain.l1.serialized);
  if (l2Of(chain).jwt.payload.sd_hash !== expected)
    reject('L2_SD_HASH_MISMATCH', 'L2 sd_hash is not the hash of the L1 as presented', 'sd_hash');
}

function l2Claims({ chain }: L2Input): void {
  const payload = l2Of(chain).jwt.payload;
  requireString(payload, 'nonce', 'L2_CLAIM_MISSING');
  requireAudience(payload, 'L2_CLAIM_MISSING');
  requireIssuerUri(payload, false, 'L2_CLAIM_MISSING');
  requireSdAlgPresent(payload, 'L2_CLAIM_MISSING');
  const dp = payload[PROFILE.claim.delegatePayload];
  if (!Array.isArray(dp) || dp.length === 0)
    reject('L2_CLAIM_MISSING', 'delegate_payload must be a non-empty array', 'delegate_payload');
  if (dp.some((e) => arrayRefDigest(e) === undefined))
    reject(
      'CLAIM_MALFORMED',
      'delegate_payload entries must be {"...": digest} references',
      'delegate_payload',
    );
  const maxPairs = chain.read.config.limits.maxPairs;
  if (dp.length > 2 * maxPairs)
    reject('LIMIT_EXCEEDED', `delegate_payload has ${dp.length} entries, limit ${2 * maxPairs}`);
}

function l2Time({ chain }: L2Input): void {
  requireTimes(l2Of(chain).jwt.payload, chain.read.at, chain.read.config.skew, 'L2_CLAIM_MISSING');
}

function l2Expect({ chain }: L2Input): void | Skip {
  const expected = chain.read.expect.l2;
  if (!expected.aud && !expected.nonce) return skip('no expected aud/nonce given for L2');
  requireExpectation(l2Of(chain).jwt.payload, expected);
}

function l2Disclosures({ chain }: L2Input, found: L2Findings): void {
  const l2 = l2Of(chain);
  found.resolved = resolveDisclosures(l2.jwt.payload, l2.disclosures, 'l2');
}

/** The L2 checks in order; nothing after the signature runs unless it verified under the L1 `cnf` key. */
const L2_CHECKS: readonly Check<L2Input, L2Findings>[] = [
  { name: 'l2.header', layer: 'l2', run: l2Header },
  { name: 'l2.signature', layer: 'l2', run: l2Signature, gate: true },
  { name: 'l2.sd_hash', layer: 'l2', run: l2SdHash },
  { name: 'l2.claims', layer: 'l2', run: l2Claims },
  { name: 'l2.time', layer: 'l2', run: l2Time },
  { name: 'l2.expect', layer: 'l2', run: l2Expect },
  { name: 'l2.disclosures', layer: 'l2', run: l2Disclosures },
];

interface ViewInput {
  readonly main: ParsedView;
  readonly mainResolved: Resolved | undefined;
}

interface ViewFindings {
  readonly view: ParsedView;
  resolved?: Resolved;
}

/** A per-L3 view must be the same signed L2 with its own (valid) disclosure subset. */
function l2View({ main, mainResolved }: ViewInput, found: ViewFindings): void {
  const view = found.view;
  if (view.parsed.jwt.compact !== main.parsed.jwt.compact)
    reject('L2_VIEW_MISMATCH', `${view.label} is not a presentation of the same L2`);
  const { payload } = view.parsed.jwt;
  // A view's disclosures are usually a subset of the main L2's: derive instead of resolving again.
  found.resolved =
    (mainResolved && resolveSubset(mainResolved, payload, view.parsed.disclosures, 'l2')) ??
    resolveDisclosures(payload, view.parsed.disclosures, 'l2');
}

/** Run once per per-L3 view, in order of first use. */
const VIEW_CHECK: Check<ViewInput, ViewFindings> = { name: 'l2.view', layer: 'l2', run: l2View };

/** A view with its resolution; members written out, not spread (spreads build slow objects). */
function resolvedView(v: ParsedView, resolved: Resolved | undefined): ResolvedView {
  return { index: v.index, label: v.label, parsed: v.parsed, resolved };
}

/** Stage: the verified L2 and each of its views resolved, or undefined when its signature did not verify. */
export function verifyL2(
  chain: ParsedChain,
  l1: VerifiedL1 | undefined,
  log: CheckLog,
): VerifiedL2 | undefined {
  const found: L2Findings = { headerOk: false, signed: false, resolved: undefined };
  log.runAll(L2_CHECKS, { chain, l1 }, found);
  if (!found.signed) return undefined;
  const main = chain.views[0]!;
  const views: ResolvedView[] = [resolvedView(main, found.resolved)];
  const input: ViewInput = { main, mainResolved: found.resolved };
  for (let i = 1; i < chain.views.length; i++) {
    const view: ViewFindings = { view: chain.views[i]! };
    log.run(VIEW_CHECK, input, view);
    views.push(resolvedView(view.view, view.resolved));
  }
  // Over the signed content, not the signature: ECDSA signatures are malleable.
  return { id: signingInputDigest(main.parsed.jwt), views };
}
