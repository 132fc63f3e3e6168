/** Shared request builders for the ledger tests. */
import { randomBytes } from 'node:crypto';
import type { AuthorizationRequest } from '../../src/ledger/types.js';

export function uniqueId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

/** 2026-03-15T12:00:00Z */
export const MID_MARCH_2026 = Date.UTC(2026, 2, 15, 12) / 1000;

/** A fresh base-model request: new presentation, nonce and pair on the given (or a new) L2. */
export function request(overrides: Partial<AuthorizationRequest> = {}): AuthorizationRequest {
  return {
    l2Id: uniqueId('l2'),
    pairId: uniqueId('pair'),
    presentationId: uniqueId('pres'),
    signerThumbprint: 'agent-key-thumbprint',
    nonce: uniqueId('nonce'),
    amount: 1000,
    currency: 'USD',
    transactionId: uniqueId('tx'),
    mode: 'autonomous',
    at: MID_MARCH_2026,
    ...overrides,
  };
}

/** Terms of the spec's §4.7 example: March 2026, up to 10 purchases, $500 budget. */
export const MARCH_RECURRENCE = {
  agentRecurrence: {
    frequency: 'ON_DEMAND',
    startDate: '2026-03-01',
    endDate: '2026-03-31',
    maxOccurrences: 10,
  },
  budget: [{ currency: 'USD', max: 50_000 }],
} satisfies Partial<AuthorizationRequest>;
