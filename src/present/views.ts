/**
 * Shared pieces of the presenters: the bundle shape (shared/interop/BUNDLE.md)
 * and the selective L2 views each recipient gets. A view is the L2 issuer JWT
 * followed by a subset of the issued disclosures, byte for byte: nothing is
 * re-encoded, so digests and `sd_hash` values stay valid.
 */
import { invalidInput, VIError } from '../errors.js';
import { asIssuedL2 } from '../issue/l2-read.js';
import type { IssuedL2 } from '../issue/l2-types.js';
import type { IssuedL3Pair } from '../issue/l3.js';
import type { Expectation, JwkSet, Role } from '../profiles/bundle.js';
import { serializeSdJwt } from '../sdjwt/build.js';

export interface BundleTrust {
  issuer_jwks: JwkSet;
  merchant_jwks?: JwkSet;
}

export interface BundleL3Entry {
  payment?: string;
  payment_l2?: string;
  checkout?: string;
  checkout_l2?: string;
}

/** A version-1 presentation bundle as the presenters emit it. */
export interface PresentationBundle {
  vi_bundle: 1;
  name?: string;
  role: Role;
  at?: number;
  trust: BundleTrust;
  l1: string;
  l2: string;
  l3?: BundleL3Entry[];
  expect?: { l2?: Expectation; l3a?: Expectation; l3b?: Expectation };
}

/** What every presenter takes besides the credentials. */
export interface PresentOptions {
  trust: BundleTrust;
  name?: string;
  /** Verification time, Unix seconds. */
  at?: number;
  expect?: PresentationBundle['expect'];
}

/** The credentials one recipient's bundle is cut from. */
export interface PairPresentationInput {
  /** L1 exactly as the L2 bound it. */
  l1: string;
  /** The full L2, issued or serialized. */
  l2: IssuedL2 | string;
  pairIndex: number;
  /** Autonomous mode: the L3 pair the agent issued for `pairIndex`. */
  l3?: IssuedL3Pair;
}

export function bundleOf(
  role: Role,
  l1: string,
  l2: string,
  l3: BundleL3Entry[] | undefined,
  o: PresentOptions,
): PresentationBundle {
  if (
    typeof o?.trust !== 'object' ||
    o.trust === null ||
    !Array.isArray(o.trust.issuer_jwks?.keys)
  ) {
    throw invalidInput('trust.issuer_jwks must be a JWK Set', 'trust');
  }
  if (typeof l1 !== 'string' || l1.length === 0)
    throw invalidInput('l1 must be the serialized L1', 'l1');
  // Built in BUNDLE.md field order, leaving out what was not asked for.
  const ordered: PresentationBundle = {
    vi_bundle: 1,
    ...(o.name !== undefined && { name: o.name }),
    role,
    ...(o.at !== undefined && { at: o.at }),
    trust: o.trust,
    l1,
    l2,
  };
  if (l3 !== undefined) ordered.l3 = l3;
  if (o.expect !== undefined) ordered.expect = o.expect;
  return ordered;
}

/** Resolve the L2 and the pair a presentation is about. */
export function selectPair(input: PairPresentationInput): { l2: IssuedL2; index: number } {
  const l2 = asIssuedL2(input.l2);
  const index = input.pairIndex;
  if (!Number.isSafeInteger(index) || index < 0 || index >= l2.pairs.length)
    throw invalidInput(`L2 has no mandate pair ${index}`, 'pairIndex');
  if (l2.mode === 'immediate' && input.l3 !== undefined) {
    throw new VIError({
      code: 'L3_NOT_AUTONOMOUS',
      layer: 'issue',
      pair: index,
      message: 'an Immediate L2 has no L3',
    });
  }
  return { l2, index };
}

/** Immediate mode: the L2 JWT with one mandate of one pair. */
export function immediateView(l2: IssuedL2, index: number, kind: 'checkout' | 'payment'): string {
  const pair = l2.pairs[index];
  if (!pair) throw invalidInput(`L2 has no mandate pair ${index}`, 'pairIndex');
  return serializeSdJwt(l2.jwt, [pair[kind].encoded]);
}

/** Autonomous mode: the L3 pair for `index`, checked to belong to this L2 and pair. */
export function l3For(l2: IssuedL2, index: number, l3: IssuedL3Pair | undefined): IssuedL3Pair {
  if (l2.mode !== 'autonomous') {
    throw new VIError({
      code: 'L3_NOT_AUTONOMOUS',
      layer: 'issue',
      message: 'an Immediate L2 has no L3',
    });
  }
  if (!l3)
    throw new VIError({
      code: 'L3_MANDATE_MISSING',
      layer: 'issue',
      pair: index,
      message: 'an Autonomous presentation needs the L3 pair',
    });
  checkL3Belongs(l2, l3);
  if (l3.pairIndex !== index) {
    throw new VIError({
      code: 'L3_PAIR_UNBOUND',
      layer: 'issue',
      pair: index,
      message: `the L3 closes pair ${l3.pairIndex}, not pair ${index}`,
    });
  }
  return l3;
}

/** The L3's L2 views must be cut from this very L2 (same issuer JWT). */
export function checkL3Belongs(l2: IssuedL2, l3: IssuedL3Pair): void {
  const prefix = `${l2.jwt}~`;
  if (!l3.paymentL2.startsWith(prefix) || !l3.checkoutL2.startsWith(prefix)) {
    throw new VIError({
      code: 'L3_PAIR_UNBOUND',
      layer: 'issue',
      pair: l3.pairIndex,
      message: 'the L3 pair was issued against another L2',
    });
  }
}
