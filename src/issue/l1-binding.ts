/** Checks an L2 issuer makes on the L1 it binds to. */
import { VIError } from '../errors.js';
import { type PublicJwk, publicJwkProblem } from '../sdjwt/keys.js';
import { parseSdJwt } from '../sdjwt/parse.js';
import { isRecord } from './common.js';
import { issuedL1s, type L1Facts } from './issued.js';

export interface BoundL1 {
  serialized: string;
  exp: number | undefined;
}

/**
 * The L1 facts, parsed from the string (every part of it: a verifier refuses
 * an L1 any part of which is malformed), or remembered when this process
 * issued exactly this string.
 */
function l1Facts(l1: unknown): L1Facts {
  const known = typeof l1 === 'string' ? issuedL1s.get(l1) : undefined;
  if (known) return known;
  let payload: Record<string, unknown>;
  try {
    payload = parseSdJwt(l1, 'issue').jwt.payload;
  } catch (e) {
    const message = e instanceof Error ? e.message : 'unparseable';
    throw new VIError({
      code: 'ISSUE_INVALID_INPUT',
      layer: 'issue',
      message: `l1 is not an SD-JWT: ${message}`,
      claim: 'l1',
    });
  }
  const cnf = payload.cnf;
  const jwk = isRecord(cnf) ? cnf.jwk : undefined;
  if (publicJwkProblem(jwk) !== undefined) {
    throw new VIError({
      code: 'L1_CNF_INVALID',
      layer: 'issue',
      message: 'l1 cnf.jwk is not a P-256 public key',
      claim: 'cnf.jwk',
    });
  }
  const { x, y } = jwk as PublicJwk;
  return { cnfX: x, cnfY: y, exp: typeof payload.exp === 'number' ? payload.exp : undefined };
}

/**
 * Read L1 as received and refuse to sign with a key its `cnf.jwk` does not
 * bind: such an L2 could never verify. Returns the L1 untouched (no re-serialization).
 */
export function readBoundL1(l1: unknown, userKey: { readonly publicJwk: PublicJwk }): BoundL1 {
  const facts = l1Facts(l1);
  // The same key as RFC 7638 thumbprint equality decides (kty, crv, x, y), compared without hashing.
  const user = userKey?.publicJwk;
  if (
    user?.kty !== 'EC' ||
    user.crv !== 'P-256' ||
    user.x !== facts.cnfX ||
    user.y !== facts.cnfY
  ) {
    throw new VIError({
      code: 'KEY_INVALID',
      layer: 'issue',
      message: 'userKey is not the key L1 cnf.jwk binds',
      claim: 'cnf.jwk',
    });
  }
  return { serialized: l1 as string, exp: facts.exp };
}

/** {@link readBoundL1}, returning just the string. */
export function boundL1(l1: unknown, userKey: { readonly publicJwk: PublicJwk }): string {
  return readBoundL1(l1, userKey).serialized;
}
