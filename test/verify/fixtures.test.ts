/** The untampered fixtures are valid in every role: the baseline each tamper test departs from. */
import { describe, it } from 'vitest';
import { expectValid } from '../fixtures/expect.js';
import { autonomousBundle, immediateBundle } from '../fixtures/raw-chain.js';
import { verifyPresentation } from '../fixtures/vector-verify.js';

describe('baseline fixtures', () => {
  for (const role of ['merchant', 'network', 'dispute'] as const) {
    it(`immediate ${role} view is valid`, async () =>
      expectValid(await verifyPresentation(immediateBundle({}, role))));
    it(`autonomous ${role} view is valid`, async () =>
      expectValid(await verifyPresentation(autonomousBundle({}, role))));
  }
});
