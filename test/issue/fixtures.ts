/** Shared keys, parties and decoders for the issue/present tests. */
import { expect } from 'vitest';
import { type ErrorCode, VIError } from '../../src/errors.js';
import { createCheckoutJwt } from '../../src/issue/checkout.js';
import { issueL1 } from '../../src/issue/l1.js';
import { type AutonomousPairInput, issueL2Autonomous } from '../../src/issue/l2-autonomous.js';
import type { IssuedL2Autonomous, L2Layout } from '../../src/issue/l2-types.js';
import { sha256b64u } from '../../src/sdjwt/digest.js';
import { generateSigningKey } from '../../src/sdjwt/keys.js';

export const issuerKey = generateSigningKey('issuer-es256-test');
export const userKey = generateSigningKey('user-device-key-1');
export const agentKey = generateSigningKey('agent-key-1');
export const merchantKey = generateSigningKey('merchant-key-1');

export const tennis = {
  id: 'm-tw-001',
  name: 'Tennis Warehouse',
  website: 'https://tennis-warehouse.example',
};
export const babolat = {
  id: 'm-bab-002',
  name: 'Babolat Store',
  website: 'https://babolat.example',
};
export const decathlon = {
  id: 'm-dec-004',
  name: 'Decathlon',
  website: 'https://decathlon.example',
};
export const instrument = {
  type: 'mastercard.srcDigitalCard',
  id: 'f199c3dd-7106-478b-9b5f-7af9ca725170',
  description: 'Mastercard **** 4242',
};
export const racket = { id: 'BAB86345', title: 'Babolat Pure Aero Tennis Racket' };
export const head = { id: 'HEA23102', title: 'Head Graphene 360 Speed' };
export const shoe = { id: 'NIK90210', title: 'Nike Air Zoom Vapor Pro 2' };

export const T0 = 1781000000;

export function makeL1(iat = T0 - 1000): Promise<string> {
  return issueL1({
    issuerKey,
    iss: 'https://issuer.example-bank.test',
    sub: 'user-7f3a21',
    userPublicJwk: userKey.publicJwk,
    panLastFour: '4242',
    scheme: 'mastercard',
    email: 'alice@example.com',
    iat,
  });
}

export function checkoutFor(
  merchant = tennis,
  item = racket,
  unitPrice = '279.99',
  checkoutId = 'checkout-1',
) {
  return createCheckoutJwt({
    merchantKey,
    merchant,
    checkoutId,
    currency: 'USD',
    items: [{ ...item, quantity: 1, unitPrice }],
    iat: T0 + 100,
  });
}

function b64json(s: string): unknown {
  return JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
}

export interface Decoded {
  header: Record<string, any>;
  payload: Record<string, any>;
  disclosures: { encoded: string; digest: string; array: any[] }[];
}

/** Decode `<jwt>~<d>~...~` independently of the code under test. */
export function decode(serialized: string): Decoded {
  const parts = serialized.split('~');
  expect(parts[parts.length - 1]).toBe('');
  const [h, p] = (parts[0] as string).split('.') as [string, string];
  return {
    header: b64json(h) as Record<string, any>,
    payload: b64json(p) as Record<string, any>,
    disclosures: parts.slice(1, -1).map((encoded) => ({
      encoded,
      digest: sha256b64u(encoded),
      array: b64json(encoded) as any[],
    })),
  };
}

/** Run `fn` and return the VIError code it throws (fails the test when it does not). */
export async function codeOf(fn: () => unknown): Promise<ErrorCode> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(VIError);
    return (e as VIError).code;
  }
  throw new Error('expected a VIError');
}

/** A 128-bit salt is 16 bytes: 22 base64url characters. */
export function expect128BitSalt(salt: unknown): void {
  expect(typeof salt).toBe('string');
  expect(salt as string).toMatch(/^[A-Za-z0-9_-]{22}$/);
  expect(Buffer.from(salt as string, 'base64url')).toHaveLength(16);
}

/** The reference vectors' pair 0: two merchants, two rackets, USD 100–400, annual recurrence. */
export function autonomousPair(
  over: Partial<AutonomousPairInput> = {},
  profile: 'vi-2026-02' | 'vi-2026-04' = 'vi-2026-04',
): AutonomousPairInput {
  // The annual frequency in each profile's vocabulary (April: ISO 20022).
  const annual = profile === 'vi-2026-02' ? 'ANNUALLY' : 'YEAR';
  return {
    agentKey: agentKey.publicJwk,
    merchants: [tennis, babolat],
    lineItems: [{ id: 'line-1', acceptableItems: [racket, head], quantity: 1 }],
    paymentInstrument: instrument,
    amount: { currency: 'USD', min: '100.00', max: 40000 },
    recurrence: { frequency: annual, start_date: '2026-06-01', end_date: '2028-06-01', number: 2 },
    promptSummary: 'a racket under $400',
    riskData: { device_id: 'device-4242' },
    ...over,
  };
}

/**
 * The two-pair Autonomous L2 the issuer and presenter tests share: the
 * default pair (Tennis Warehouse, a racket) and a Decathlon pair for one shoe
 * up to 200 USD without recurrence.
 */
export function twoPairAutonomousL2(
  l1: string,
  nonce?: string,
  layout?: L2Layout,
): IssuedL2Autonomous {
  return issueL2Autonomous({
    userKey,
    l1,
    ...(layout === undefined ? {} : { layout }),
    aud: 'https://agent.example.com',
    ...(nonce === undefined ? {} : { nonce }),
    iat: T0,
    pairs: [
      autonomousPair(),
      autonomousPair({
        merchants: [decathlon],
        lineItems: [{ id: 'line-2', acceptableItems: [shoe], quantity: 1 }],
        amount: { currency: 'USD', max: '200' },
        recurrence: undefined,
      }),
    ],
  });
}
