/**
 * A user's revocation of an Autonomous L2 (a mandate cancelled before it
 * expires): a compact JWS signed by the key that signed the L2 (the L1 `cnf`
 * key), naming the L2 by its content id. The network records it and declines
 * every later authorization under that L2 (src/ledger/revocation.ts).
 */

import { invalidInput } from '../errors.js';
import { encodeJwtHeader } from '../sdjwt/build.js';
import { sha256b64u } from '../sdjwt/digest.js';
import { signedContentOf } from '../sdjwt/parse.js';
import {
  runSealing,
  runSealingAsync,
  type Sealing,
  type Signer,
  type SyncSigner,
  seal,
} from '../sdjwt/signer.js';
import { issuedAt } from './common.js';

/** `typ` of a revocation JWS. */
export const REVOCATION_TYP = 'vi-revocation+jwt';

/** Input of {@link issueRevocation}: the user's key, the L2 to revoke, when and why. */
export interface IssueRevocationInput<S extends Signer = SyncSigner> {
  /** The user's signer: the L1 `cnf` key that signed the L2. */
  userKey: S;
  /** The L2 to revoke, as issued or any view of it (only its signed content counts). */
  l2: string;
  /** Unix seconds; default now. */
  iat?: number;
  /** Free text for the audit trail. */
  reason?: string;
}

/** Content id of an L2 (B64U(SHA-256(header.payload))), the id the ledger keys it by. */
export function l2ContentId(l2: string): string {
  return sha256b64u(signedContentOf(l2));
}

/**
 * Build the revocation JWS: header `{alg: ES256, typ: vi-revocation+jwt, kid}`,
 * payload `{l2_id, iat, reason?}`.
 *
 * @example
 * const revocation = issueRevocation({ userKey, l2: issued.serialized });
 * await fetch(`${network}/v1/network/revoke`, { method: 'POST', body: JSON.stringify({ revocation, l1, l2 }) });
 */
export function issueRevocation(input: IssueRevocationInput): string {
  return runSealing(issueRevocationSealing(input), input.userKey);
}

/** {@link issueRevocation} with any {@link Signer} (WebCrypto, HSM, KMS); resolves once every signature arrived. */
export function issueRevocationAsync(input: IssueRevocationInput<Signer>): Promise<string> {
  return runSealingAsync(issueRevocationSealing(input), input.userKey);
}

/** The body of {@link issueRevocation}: yields each JWT to sign. */
function* issueRevocationSealing(input: IssueRevocationInput<Signer>): Sealing<string> {
  if (typeof input.l2 !== 'string' || input.l2.split('.').length < 3)
    throw invalidInput('l2 must be a serialized L2', 'l2');
  const payload: Record<string, unknown> = {
    l2_id: l2ContentId(input.l2),
    iat: issuedAt(input.iat),
  };
  if (input.reason !== undefined) {
    if (typeof input.reason !== 'string') throw invalidInput('reason must be a string', 'reason');
    payload.reason = input.reason;
  }
  return yield* seal(
    encodeJwtHeader({ alg: 'ES256', typ: REVOCATION_TYP, kid: input.userKey.kid }),
    payload,
  );
}
