/**
 * The dispute view: everything, for an arbiter who must see the whole chain.
 * The full L2 plus, per fulfilled pair, both L3s with the L2 views they bind to.
 */
import { VIError } from '../errors.js';
import { asIssuedL2 } from '../issue/l2-read.js';
import type { IssuedL2 } from '../issue/l2-types.js';
import type { IssuedL3Pair } from '../issue/l3.js';
import {
  type BundleL3Entry,
  bundleOf,
  checkL3Belongs,
  type PresentationBundle,
  type PresentOptions,
} from './views.js';

/** Input of {@link presentForDispute}: the full chain with every L3 pair issued so far. */
export interface DisputePresentationInput {
  l1: string;
  l2: IssuedL2 | string;
  /** Autonomous mode: the L3 pairs issued so far (pairs not yet fulfilled have none). */
  l3?: IssuedL3Pair[];
}

/** Build the dispute bundle: full L2 and every fulfilled pair, ordered by pair index.
 *
 * @example
 * const bundle = presentForDispute({ l1, l2, l3: [l3] }, { trust: { issuer_jwks: issuerJwks } });
 */
export function presentForDispute(
  input: DisputePresentationInput,
  options: PresentOptions,
): PresentationBundle {
  const l2 = asIssuedL2(input.l2);
  const l3s = input.l3 ?? [];
  if (l2.mode === 'immediate' && l3s.length > 0) {
    throw new VIError({
      code: 'L3_NOT_AUTONOMOUS',
      layer: 'issue',
      message: 'an Immediate L2 has no L3',
    });
  }
  const seen = new Set<number>();
  for (const l3 of l3s) {
    checkL3Belongs(l2, l3);
    if (!l2.pairs[l3.pairIndex])
      throw new VIError({
        code: 'L3_PAIR_UNBOUND',
        layer: 'issue',
        pair: l3.pairIndex,
        message: `L2 has no mandate pair ${l3.pairIndex}`,
      });
    if (seen.has(l3.pairIndex))
      throw new VIError({
        code: 'L3_PAIR_DUPLICATE',
        layer: 'issue',
        pair: l3.pairIndex,
        message: 'two L3 pairs close the same mandate pair',
      });
    seen.add(l3.pairIndex);
  }
  const entries: BundleL3Entry[] = [...l3s]
    .sort((a, b) => a.pairIndex - b.pairIndex)
    .map((l3) => ({
      payment: l3.payment,
      payment_l2: l3.paymentL2,
      checkout: l3.checkout,
      checkout_l2: l3.checkoutL2,
    }));
  return bundleOf(
    'dispute',
    input.l1,
    l2.serialized,
    l2.mode === 'autonomous' && entries.length > 0 ? entries : undefined,
    options,
  );
}
