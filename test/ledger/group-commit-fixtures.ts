/** Requests the group-commit crash test and its child process both derive from (prefix, round, index). */
import type { AuthorizationRequest } from '../../src/ledger/types.js';
import { MID_MARCH_2026 } from './fixtures.js';

/** Authorizations per round: all submitted at once, so one round is one batch. */
export const BATCH = 32;

export function roundL2(prefix: string, round: number): string {
  return `${prefix}-l2-${round}`;
}

export function batchRequest(prefix: string, round: number, i: number): AuthorizationRequest {
  const id = `${prefix}-${round}-${i}`;
  return {
    l2Id: roundL2(prefix, round),
    pairId: `pair-${id}`,
    presentationId: `pres-${id}`,
    signerThumbprint: 'agent-key-thumbprint',
    nonce: `nonce-${id}`,
    amount: 100 + i,
    currency: 'USD',
    transactionId: `tx-${id}`,
    mode: 'autonomous',
    at: MID_MARCH_2026,
  };
}
