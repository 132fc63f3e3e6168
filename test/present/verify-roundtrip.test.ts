/**
 * End to end: every bundle the presenters cut must verify with the project's
 * verifier, and the reference vectors' exact shapes must be what we emit.
 */
import { describe, expect, it } from 'vitest';
import { L2_LAYOUTS } from '../../src/issue/l2-types.js';
import { presentForDispute, presentToMerchant, presentToNetwork } from '../../src/present/index.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';
import { autonomousChain, immediateChain, options } from './helpers.js';

async function expectValid(bundle: unknown): Promise<void> {
  const r = await verifyPresentation(bundle);
  expect(r.errors).toEqual([]);
  expect(r.valid).toBe(true);
}

describe.each(L2_LAYOUTS)('presented bundles verify (%s layout)', (layout) => {
  it('Immediate: merchant, network, dispute', async () => {
    const { l1, l2 } = await immediateChain(layout);
    for (const pairIndex of [0, 1]) {
      await expectValid(presentToMerchant({ l1, l2, pairIndex }, options));
      await expectValid(presentToNetwork({ l1, l2, pairIndex }, options));
    }
    await expectValid(presentForDispute({ l1, l2 }, options));
  });

  it('Autonomous: merchant, network, dispute, per pair', async () => {
    const { l1, l2, l3A, l3B } = await autonomousChain(layout);
    for (const [pairIndex, l3] of [
      [0, l3A],
      [1, l3B],
    ] as const) {
      await expectValid(presentToMerchant({ l1, l2, pairIndex, l3 }, options));
      await expectValid(presentToNetwork({ l1, l2: l2.serialized, pairIndex, l3 }, options));
    }
    await expectValid(presentForDispute({ l1, l2, l3: [l3A, l3B] }, options));
    await expectValid(presentForDispute({ l1, l2, l3: [l3B] }, options));
  });
});
