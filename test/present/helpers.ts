/** Everything a presenter test needs: a whole chain in both modes, and a leak detector. */
import { createCheckoutJwt } from '../../src/issue/checkout.js';
import { issueL2Immediate } from '../../src/issue/l2-immediate.js';
import type { L2Layout } from '../../src/issue/l2-types.js';
import { issueL3Pair } from '../../src/issue/l3.js';
import type { PresentOptions } from '../../src/present/views.js';
import {
  agentKey,
  babolat,
  checkoutFor,
  decathlon,
  head,
  instrument,
  issuerKey,
  makeL1,
  merchantKey,
  shoe,
  T0,
  tennis,
  twoPairAutonomousL2,
  userKey,
} from '../issue/fixtures.js';

export const AT = T0 + 200;

export const options: PresentOptions = {
  trust: {
    issuer_jwks: { keys: [issuerKey.publicJwk] },
    merchant_jwks: { keys: [merchantKey.publicJwk] },
  },
  at: AT,
};

export async function immediateChain(layout?: L2Layout) {
  const l1 = await makeL1();
  const coA = checkoutFor();
  const coB = checkoutFor(babolat, head, '249.99', 'co-b');
  const otherInstrument = {
    type: 'mastercard.srcDigitalCard',
    id: 'second-instrument-9f1e',
    description: 'Mastercard **** 9999',
  };
  const l2 = issueL2Immediate({
    userKey,
    l1,
    aud: 'https://agent.example.com',
    nonce: 'n-imm',
    iat: T0,
    ...(layout === undefined ? {} : { layout }),
    pairs: [
      { checkoutJwt: coA.jwt, paymentInstrument: instrument, payee: tennis },
      { checkoutJwt: coB.jwt, paymentInstrument: otherInstrument, payee: babolat },
    ],
  });
  return { l1, l2, coA, coB, otherInstrument };
}

export async function autonomousChain(layout?: L2Layout) {
  const l1 = await makeL1();
  const l2 = twoPairAutonomousL2(l1, 'n-auto', layout);
  const coA = checkoutFor();
  const coB = createCheckoutJwt({
    merchantKey,
    merchant: decathlon,
    checkoutId: 'co-d',
    currency: 'USD',
    items: [{ ...shoe, quantity: 1, unitPrice: '159.99' }],
    iat: T0 + 100,
  });
  const common = { agentKey, l2, networkAud: 'https://network.example.com/vi/authorize', iat: AT };
  const l3A = issueL3Pair({
    ...common,
    pairIndex: 0,
    checkoutJwt: coA.jwt,
    merchantAud: tennis.website,
    nonces: { payment: 'n-l3a-0', checkout: 'n-l3b-0' },
  });
  const l3B = issueL3Pair({
    ...common,
    pairIndex: 1,
    checkoutJwt: coB.jwt,
    merchantAud: decathlon.website,
    nonces: { payment: 'n-l3a-1', checkout: 'n-l3b-1' },
  });
  return { l1, l2, coA, coB, l3A, l3B };
}

/**
 * The bundle as bytes, plus every base64url segment of every credential in it
 * decoded: hidden claims must be absent from both, not merely from the JSON.
 */
export function exposedText(bundle: unknown): string {
  const json = JSON.stringify(bundle);
  const decoded: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const seg of v.split(/[~.]/))
        if (/^[A-Za-z0-9_-]+$/.test(seg))
          decoded.push(Buffer.from(seg, 'base64url').toString('latin1'));
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(bundle);
  // Nested JWTs (checkout_jwt inside a disclosure) are decoded one level further.
  const nested = decoded.flatMap((t) =>
    [...t.matchAll(/eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+/g)].flatMap((m) =>
      m[0].split('.').map((s) => Buffer.from(s, 'base64url').toString('latin1')),
    ),
  );
  return [json, ...decoded, ...nested].join('\n');
}

export { babolat, decathlon, instrument, tennis };
