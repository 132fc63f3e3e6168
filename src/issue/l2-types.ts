/**
 * What an issued L2 keeps for later: every disclosure with its digest, grouped
 * by mandate pair, so that agents and presenters can build selective views
 * without re-deriving anything. {@link readL2} rebuilds the same from a string.
 */

import { invalidInput } from '../errors.js';
import type { WireProfile } from '../profiles/profile.js';
import type { BuiltDisclosure, SaltSource } from '../sdjwt/build.js';
import type { PublicJwk } from '../sdjwt/keys.js';
import type { Signer, SyncSigner } from '../sdjwt/signer.js';

export type { BuiltDisclosure };

/** What every L2 issuer takes, whatever the mode. */
export interface IssueL2Common<S extends Signer = SyncSigner> {
  /** The user's signer: the key L1 `cnf.jwk` binds (a local key for the synchronous issuers). */
  userKey: S;
  /** L1 serialized exactly as received: `sd_hash` covers these bytes. */
  l1: string;
  aud: string;
  /** Defaults to a random 128-bit value. */
  nonce?: string;
  iss?: string;
  iat?: number;
  /** Wire vocabulary: a profile name or table (default `vi-2026-04`). */
  profile?: string | WireProfile;
  /** Disclosure salts, consumed in serialization order; random 128-bit by default (fixed only to reproduce vectors). */
  salt?: SaltSource;
  /**
   * Where digests sit (spec/wire-format.md, "Two L2 layouts"). `'unique'`
   * (the `vi-2026-04` default) references each digest exactly once (RFC 9901
   * §7.1), as generic SD-JWT verifiers require: no top-level `_sd`, and each
   * allowlist entry a disclosure of its own. `'reference'` (the `vi-2026-02`
   * default) is the upstream reference output: every disclosure digest also
   * listed in the top-level `_sd`, and a merchant that is also a payee one
   * disclosure referenced from both allowlists.
   */
  layout?: L2Layout;
}

/** The L2 digest layouts vintent issues; it verifies both. */
export const L2_LAYOUTS = ['reference', 'unique'] as const;
/** One of {@link L2_LAYOUTS}. */
export type L2Layout = (typeof L2_LAYOUTS)[number];

/** The layout asked for, the profile's default when none; anything else is a typed input error. */
export function layoutOf(layout: unknown, profile: WireProfile): L2Layout {
  // A profile table from before the field (a caller's own) issues the reference layout.
  if (layout === undefined) return profile.defaultL2Layout ?? 'reference';
  if (!(L2_LAYOUTS as readonly unknown[]).includes(layout))
    throw invalidInput(`layout must be one of ${L2_LAYOUTS.join(', ')}`, 'layout');
  return layout as L2Layout;
}

/** An issued Immediate pair: its checkout and payment mandate disclosures. */
export interface IssuedImmediatePair {
  /** `mandate.checkout` array-element disclosure. */
  checkout: BuiltDisclosure;
  /** `mandate.payment` array-element disclosure. */
  payment: BuiltDisclosure;
  checkoutJwt: string;
  /** = transaction_id = B64U(SHA-256(checkout_jwt)). */
  checkoutHash: string;
}

/** An issued Immediate L2 with its disclosures, ready to be cut into views. */
export interface IssuedL2Immediate {
  mode: 'immediate';
  /** The wire profile it speaks. */
  profile: WireProfile;
  /** `<jwt>~<c0>~<p0>~...~`: the full L2. */
  serialized: string;
  /** The user-signed JWT alone. */
  jwt: string;
  payload: Record<string, unknown>;
  pairs: IssuedImmediatePair[];
}

/** An issued Autonomous pair: its mandate disclosures and the agent key it delegates to. */
export interface IssuedAutonomousPair {
  /** `mandate.checkout.open` disclosure. Its digest is the payment.reference target. */
  checkout: BuiltDisclosure;
  /** `mandate.payment.open` disclosure. */
  payment: BuiltDisclosure;
  /** One disclosure per allowed merchant, in allowlist order. */
  merchants: BuiltDisclosure[];
  /** Allowed payees; the very same objects as `merchants` when payees reuse them. */
  payees: BuiltDisclosure[];
  /** One disclosure per acceptable item, across all line-item entries. */
  items: BuiltDisclosure[];
  /** Agent key id of the pair (`cnf.kid` or `cnf.jwk.kid` by profile): the `kid` L3 headers must carry. */
  agentKid: string;
  /** `cnf.jwk` of the pair. */
  agentJwk: PublicJwk;
}

/** An issued Autonomous L2 with its disclosures, ready to be cut into views. */
export interface IssuedL2Autonomous {
  mode: 'autonomous';
  /** The wire profile it speaks. */
  profile: WireProfile;
  serialized: string;
  jwt: string;
  payload: Record<string, unknown>;
  pairs: IssuedAutonomousPair[];
}

/** An issued L2 of either mode. */
export type IssuedL2 = IssuedL2Immediate | IssuedL2Autonomous;
