/**
 * Time claims (security-model.md §4.6, credential-format §7): integer Unix
 * seconds only, at every layer; skew tolerance is configurable.
 */
import { describe, expect, it } from 'vitest';
import { AT, autonomousBundle, chainKeys, immediateBundle, T0 } from '../fixtures/raw-chain.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';
import { es256Raw, expectRefused, headerOf, resignSdJwt } from './helpers.js';

/** Values that are not integer Unix seconds, as JSON text (1e309 cannot be made with JSON.stringify). */
const NOT_SECONDS: [string, string][] = [
  ['a numeric string', `"${T0 + 3600}"`],
  ['a float', `${T0 + 3600}.5`],
  ['1e309 (Infinity)', '1e309'],
  ['2^53 + 1', '9007199254740993'],
  ['negative', '-1'],
  ['null', 'null'],
  ['true', 'true'],
  ['an array', `[${T0 + 3600}]`],
  ['an ISO date', '"2027-01-15T08:00:00Z"'],
];

/** Payload text with `claim` set to raw JSON. */
const withRaw = (claim: string, raw: string) => (p: Record<string, unknown>) => {
  const marker = '"__raw_time__"';
  return JSON.stringify({ ...p, [claim]: '__raw_time__' }).replace(marker, raw);
};

const keys = chainKeys();

describe('timestamps that are not integer seconds → TIME_CLAIM_INVALID', () => {
  for (const [what, raw] of NOT_SECONDS) {
    for (const claim of ['exp', 'iat']) {
      it(`L1 ${claim} as ${what}`, async () => {
        const b = immediateBundle({
          l1Serialized: (s) =>
            resignSdJwt(s, headerOf(s), es256Raw(keys.issuer.privateKey), withRaw(claim, raw)),
        });
        expectRefused(await verifyPresentation(b), 'TIME_CLAIM_INVALID', 'l1');
      });
    }
    it(`Immediate L2 exp as ${what}`, async () => {
      const b = immediateBundle({}, 'network');
      b.l2 = resignSdJwt(b.l2, headerOf(b.l2), es256Raw(keys.user.privateKey), withRaw('exp', raw));
      expectRefused(await verifyPresentation(b), 'TIME_CLAIM_INVALID', 'l2');
    });
    it(`L3a iat as ${what}`, async () => {
      const b = autonomousBundle({}, 'network');
      const l3a = b.l3![0]!.payment!;
      b.l3![0]!.payment = resignSdJwt(
        l3a,
        headerOf(l3a),
        es256Raw(keys.agent.privateKey),
        withRaw('iat', raw),
      );
      expectRefused(await verifyPresentation(b), 'TIME_CLAIM_INVALID', 'l3a');
    });
  }
  it('L3b exp before iat → TIME_CLAIM_INVALID', async () => {
    const b = autonomousBundle({ l3bPayload: (p) => void (p.exp = T0) }, 'merchant');
    expectRefused(await verifyPresentation(b), 'TIME_CLAIM_INVALID', 'l3b');
  });
});

describe('verification time from the bundle', () => {
  for (const at of [`"${AT}"`, `${AT}.5`, '-1', '1e309', 'null']) {
    it(`bundle at = ${at} → BUNDLE_MALFORMED`, async () => {
      const text = JSON.stringify({ ...immediateBundle(), at: '__at__' }).replace('"__at__"', at);
      expectRefused(await verifyPresentation(JSON.parse(text)), 'BUNDLE_MALFORMED', 'bundle');
    });
  }
});

describe('clock skew (security-model.md §4.6)', () => {
  // The fixture L3s expire at T0 + 360; 200 s later is inside the default 300 s tolerance.
  const late = T0 + 360 + 200;
  it('an L3 expired 200 s ago passes the default 300 s skew', async () => {
    expect((await verifyPresentation(autonomousBundle({}, 'network'), { now: late })).valid).toBe(
      true,
    );
  });
  it('the same L3 is EXPIRED under a tighter skewSeconds: 60', async () => {
    expectRefused(
      await verifyPresentation(autonomousBundle({}, 'network'), { now: late, skewSeconds: 60 }),
      'EXPIRED',
      'l3a',
    );
  });
  it("options.now wins over the presenter's bundle.at", async () => {
    const b = autonomousBundle({}, 'network');
    b.at = AT; // the presenter claims a time at which everything is fresh
    expectRefused(await verifyPresentation(b, { now: T0 + 86400 * 2 }), 'EXPIRED');
  });
});
