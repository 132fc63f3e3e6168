/** Checks an L2 issuer makes on the L1 it binds to. */
import { VIError } from '../errors.js';
import { jwkThumbprint, type PublicJwk, publicJwkProblem, type SigningKey } from '../sdjwt/keys.js';
import { parseSdJwt } from '../sdjwt/parse.js';
import { isRecord } from './common.js';

export interface BoundL1 {
  serialized: string;
  exp: number | undefined;
}

/**
 * Parse L1 as received and refuse to sign with a key its `cnf.jwk` does not
 * bind: such an L2 could never verify. Returns the L1 untouched (no re-serialization).
 */
export function readBoundL1(l1: unknown, userKey: SigningKey): BoundL1 {
  let payload: Record<string, unknown>;
  try {
    payload = parseSdJwt(l1, 'issue').jwt.payload;
  } catch (e) {
    const message = e instanceof Error ? e.message : 'unparseable';
    throw new VIError({ code: 'ISSUE_INVALID_INPUT', layer: 'issue', message: `l1 is not an SD-JWT: ${message}`, claim: 'l1' });
  }
  const cnf = payload.cnf;
  const jwk = isRecord(cnf) ? cnf.jwk : undefined;
  if (publicJwkProblem(jwk) !== undefined) {
    throw new VIError({ code: 'L1_CNF_INVALID', layer: 'issue', message: 'l1 cnf.jwk is not a P-256 public key', claim: 'cnf.jwk' });
  }
  if (jwkThumbprint(jwk as PublicJwk) !== jwkThumbprint(userKey.publicJwk)) {
    throw new VIError({ code: 'KEY_INVALID', layer: 'issue', message: 'userKey is not the key L1 cnf.jwk binds', claim: 'cnf.jwk' });
  }
  const exp = typeof payload.exp === 'number' ? payload.exp : undefined;
  return { serialized: l1 as string, exp };
}

/** {@link readBoundL1}, returning just the string. */
export function boundL1(l1: unknown, userKey: SigningKey): string {
  return readBoundL1(l1, userKey).serialized;
}
