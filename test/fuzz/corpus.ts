/**
 * Seeds for mutation fuzzing: the VALID upstream reference bundles plus chains
 * freshly issued here in every mode and for every role. Fresh seeds come with
 * their private keys so that mutations can be re-signed "legitimately" and
 * reach the claim checks behind the signatures.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCheckoutJwt } from '../../src/issue/checkout.js';
import { issueL1 } from '../../src/issue/l1.js';
import { issueL2Autonomous } from '../../src/issue/l2-autonomous.js';
import { issueL2Immediate } from '../../src/issue/l2-immediate.js';
import { issueL3Pair } from '../../src/issue/l3.js';
import { presentForDispute, presentToMerchant, presentToNetwork } from '../../src/present/index.js';
import { generateSigningKey, type SigningKey } from '../../src/sdjwt/keys.js';
import { REFERENCE_DIR } from '../support/environment.js';

export type JsonBundle = Record<string, unknown>;

export interface Seed {
  name: string;
  bundle: JsonBundle;
  /** Private keys by `kid`, for fresh chains only (reference vectors ship none). */
  keys?: ReadonlyMap<string, SigningKey>;
}

export { REFERENCE_DIR };

/** Every reference bundle whose verdict is valid. Empty when the directory is absent. */
export function referenceSeeds(): Seed[] {
  if (!existsSync(REFERENCE_DIR)) return [];
  return readdirSync(REFERENCE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      name: `ref:${f}`,
      bundle: JSON.parse(readFileSync(join(REFERENCE_DIR, f), 'utf8')) as JsonBundle,
    }))
    .filter((s) => (s.bundle.verdict as { valid?: boolean } | undefined)?.valid === true);
}

const T0 = 1_781_000_000;
const AT = T0 + 200;
const tennis = {
  id: 'm-tw-001',
  name: 'Tennis Warehouse',
  website: 'https://tennis-warehouse.example',
};
const decathlon = { id: 'm-dec-004', name: 'Decathlon', website: 'https://decathlon.example' };
const instrument = {
  type: 'mastercard.srcDigitalCard',
  id: 'f199c3dd-7106-478b-9b5f-7af9ca725170',
  description: 'Mastercard **** 4242',
};
const racket = { id: 'BAB86345', title: 'Babolat Pure Aero Tennis Racket' };
const shoe = { id: 'NIK90210', title: 'Nike Air Zoom Vapor Pro 2' };

/** Issue one Immediate and one Autonomous chain and cut a bundle for each role from them. */
export async function freshSeeds(): Promise<Seed[]> {
  const issuerKey = generateSigningKey('fuzz-issuer');
  const userKey = generateSigningKey('fuzz-user');
  const agentKey = generateSigningKey('fuzz-agent');
  const merchantKey = generateSigningKey('fuzz-merchant');
  const keys = new Map([issuerKey, userKey, agentKey, merchantKey].map((k) => [k.kid, k]));
  const trust = {
    issuer_jwks: { keys: [issuerKey.publicJwk] },
    merchant_jwks: { keys: [merchantKey.publicJwk] },
  };
  const opts = (name: string) => ({ trust, at: AT, name });

  const l1 = await issueL1({
    issuerKey,
    iss: 'https://issuer.fuzz.test',
    sub: 'user-1',
    userPublicJwk: userKey.publicJwk,
    panLastFour: '4242',
    scheme: 'mastercard',
    email: 'a@b.test',
    iat: T0 - 1000,
  });
  const checkout = (merchant: typeof tennis, item: typeof racket, price: string, id: string) =>
    createCheckoutJwt({
      merchantKey,
      merchant,
      checkoutId: id,
      currency: 'USD',
      items: [{ ...item, quantity: 1, unitPrice: price }],
      iat: T0 + 100,
    });
  const co0 = checkout(tennis, racket, '279.99', 'co-0');
  const co1 = checkout(decathlon, shoe, '120.00', 'co-1');

  const imm = issueL2Immediate({
    userKey,
    l1,
    aud: 'https://agent.fuzz.test',
    iat: T0 + 150,
    pairs: [
      { checkoutJwt: co0.jwt, paymentInstrument: instrument, payee: tennis },
      { checkoutJwt: co1.jwt, paymentInstrument: instrument, payee: decathlon },
    ],
  });
  const auto = issueL2Autonomous({
    userKey,
    l1,
    aud: 'https://agent.fuzz.test',
    iat: T0,
    pairs: [
      {
        agentKey: agentKey.publicJwk,
        merchants: [tennis, decathlon],
        lineItems: [{ id: 'line-1', acceptableItems: [racket, shoe], quantity: 1 }],
        paymentInstrument: instrument,
        amount: { currency: 'USD', min: '10.00', max: 40000 },
      },
      {
        agentKey: agentKey.publicJwk,
        merchants: [decathlon],
        lineItems: [{ id: 'line-2', acceptableItems: 'any', quantity: 2 }],
        paymentInstrument: instrument,
        amount: { currency: 'USD', max: '200' },
        budget: { currency: 'USD', max: '1000' },
      },
    ],
  });
  const l3 = (pairIndex: number, co: typeof co0) =>
    issueL3Pair({
      agentKey,
      l2: auto,
      pairIndex,
      checkoutJwt: co.jwt,
      networkAud: 'https://network.fuzz.test/authorize',
      merchantAud: 'https://merchant.fuzz.test',
      iat: AT,
    });
  const l3s = [l3(0, co0), l3(1, co1)];

  const bundles: [string, unknown][] = [
    ['fresh:immediate-dispute', presentForDispute({ l1, l2: imm }, opts('immediate dispute'))],
    [
      'fresh:immediate-merchant',
      presentToMerchant({ l1, l2: imm, pairIndex: 1 }, opts('immediate merchant')),
    ],
    [
      'fresh:immediate-network',
      presentToNetwork({ l1, l2: imm, pairIndex: 0 }, opts('immediate network')),
    ],
    [
      'fresh:autonomous-dispute',
      presentForDispute({ l1, l2: auto, l3: l3s }, opts('autonomous dispute')),
    ],
    [
      'fresh:autonomous-merchant',
      presentToMerchant({ l1, l2: auto, pairIndex: 0, l3: l3s[0] }, opts('autonomous merchant')),
    ],
    [
      'fresh:autonomous-network',
      presentToNetwork({ l1, l2: auto, pairIndex: 1, l3: l3s[1] }, opts('autonomous network')),
    ],
  ];
  return bundles.map(([name, b]) => ({
    name,
    bundle: JSON.parse(JSON.stringify(b)) as JsonBundle,
    keys,
  }));
}

/** Reference seeds plus fresh ones; the fresh ones are skipped (with a warning) if issuing fails. */
export async function allSeeds(): Promise<Seed[]> {
  const seeds = referenceSeeds();
  try {
    seeds.push(...(await freshSeeds()));
  } catch (e) {
    console.warn(`[fuzz] fresh chains unavailable: ${e instanceof Error ? e.message : String(e)}`);
  }
  return seeds;
}
