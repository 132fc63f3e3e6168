/**
 * L1 credential status (draft-ietf-oauth-status-list §6, §8): when the
 * verifier is given a status resolver and the verified L1 carries
 * `status.status_list {idx, uri}`, the entry must say VALID. Revoked
 * (INVALID) and SUSPENDED L1s get their own codes; a list that cannot be
 * fetched or verified fails closed (L1_STATUS_UNAVAILABLE) unless the caller
 * chose `statusUnavailable: 'accept'`.
 */
import { isRecord } from '../../constraints/values.js';
import type { ErrorCode } from '../../errors.js';
import { PROFILE } from '../../profiles/profile.js';
import {
  type StatusListReference,
  type StatusLookup,
  type StatusResolver,
  TOKEN_STATUS,
} from '../../sdjwt/status-list.js';
import { type CheckLog, reject, skip } from '../context.js';
import type { VerifiedL1 } from '../stages.js';

/** The reference the L1 carries: undefined when it has none, null when it is malformed. */
function referenceOf(
  claims: Record<string, unknown>,
): Omit<StatusListReference, 'issuer'> | null | undefined {
  if (!Object.hasOwn(claims, 'status')) return undefined;
  const list = isRecord(claims.status) ? claims.status.status_list : undefined;
  if (
    !isRecord(list) ||
    typeof list.uri !== 'string' ||
    !Number.isSafeInteger(list.idx) ||
    (list.idx as number) < 0
  )
    return null;
  return { idx: list.idx as number, uri: list.uri };
}

/** Whether the L1 as presented withholds a disclosure its payload commits to (any `_sd` digest not disclosed). */
function withholdsSomething(l1: VerifiedL1): boolean {
  const sd = l1.parsed.jwt.payload[PROFILE.claim.sd];
  if (!Array.isArray(sd)) return false;
  const shown = l1.resolved?.byDigest;
  return sd.some((d) => typeof d === 'string' && !shown?.has(d));
}

/** Why a status lookup does not let the L1 stand: null when it says VALID (the fetch failing is `L1_STATUS_UNAVAILABLE`). */
export function statusRefusal(lookup: StatusLookup): { code: ErrorCode; message: string } | null {
  if (!lookup.ok)
    return {
      code: 'L1_STATUS_UNAVAILABLE',
      message: `L1 status could not be checked: ${lookup.reason}`,
    };
  if (lookup.status === TOKEN_STATUS.valid) return null;
  if (lookup.status === TOKEN_STATUS.invalid)
    return { code: 'L1_STATUS_REVOKED', message: 'the issuer revoked this L1' };
  if (lookup.status === TOKEN_STATUS.suspended)
    return { code: 'L1_STATUS_SUSPENDED', message: 'the issuer suspended this L1' };
  return { code: 'L1_STATUS_INVALID', message: `L1 status ${lookup.status} is not VALID` };
}

/**
 * Ask a resolver and never throw: a resolver that throws or rejects is an
 * unavailable list. Synchronous when the resolver is.
 */
export function lookUpStatus(
  resolver: StatusResolver,
  reference: StatusListReference,
): StatusLookup | Promise<StatusLookup> {
  const unavailable = (error: unknown): StatusLookup => ({
    ok: false,
    reason: error instanceof Error ? error.message : 'status resolver failed',
  });
  try {
    const found = resolver(reference);
    return found instanceof Promise ? found.catch(unavailable) : found;
  } catch (error) {
    return unavailable(error);
  }
}

function judge(log: CheckLog, lookup: StatusLookup): void {
  log.check('l1.status', 'l1', () => {
    if (!lookup.ok && log.config.options.statusUnavailable === 'accept')
      return skip(`status list unavailable, accepted by configuration: ${lookup.reason}`);
    const refusal = statusRefusal(lookup);
    if (refusal) reject(refusal.code, refusal.message, 'status');
  });
}

/**
 * The verified L1's status reference with the issuer key its list must be
 * signed by: undefined when it carries none (as presented), null when it is
 * malformed. A network keeps it to ask again at capture.
 */
export function statusReferenceOf(l1: VerifiedL1): StatusListReference | null | undefined {
  // `status` may be selectively disclosable: read it as the disclosures resolve it.
  const claims = l1.resolved?.claims ?? l1.parsed.jwt.payload;
  const found = referenceOf(claims);
  if (!found) return found;
  const kid = l1.parsed.jwt.header.kid;
  return {
    ...found,
    issuer: {
      iss: typeof claims.iss === 'string' ? claims.iss : undefined,
      kid: typeof kid === 'string' ? kid : undefined,
      jwk: l1.issuerJwk,
    },
  };
}

/**
 * Stage: the verified L1's credential status, when a status resolver is
 * configured: the one lookup besides keys that may wait. Synchronous unless
 * the resolver is (it usually fetches): a promise only where something is awaited.
 */
export function verifyL1Status(l1: VerifiedL1, log: CheckLog): void | Promise<void> {
  const resolver = log.config.options.statusResolver;
  if (!resolver) return;
  const reference = statusReferenceOf(l1);
  if (reference === undefined) {
    // With a resolver configured, a status that may sit behind a withheld disclosure fails closed.
    if (withholdsSomething(l1))
      log.check('l1.status', 'l1', () =>
        reject(
          'L1_STATUS_WITHHELD',
          'a status resolver is configured and this L1 withholds a disclosure that may be its status',
          'status',
        ),
      );
    return;
  }
  if (reference === null) {
    log.check('l1.status', 'l1', () =>
      reject(
        'L1_STATUS_INVALID',
        'status.status_list needs a non-negative integer idx and a uri',
        'status',
      ),
    );
    return;
  }
  const found = lookUpStatus(resolver, reference);
  if (found instanceof Promise) return found.then((lookup) => judge(log, lookup));
  judge(log, found);
}
