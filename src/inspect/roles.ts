/**
 * What each party sees: cut a merchant, network or dispute view out of the
 * bundle being inspected, so the page can show the same chain through each
 * party's eyes (and prove, e.g., that the merchant never sees the payment mandate).
 *
 * When the bundle holds the full L2 (a dispute bundle), the views come from the
 * library's own presenters (src/present), exactly as a holder would cut them.
 * Otherwise they are filtered out of what the bundle has, and say so: withheld
 * disclosures cannot be recovered, so some views are then incomplete.
 */

import { isRecord } from '../internal/guards.js';
import { readL2 } from '../issue/l2-read.js';
import type { IssuedL2 } from '../issue/l2-types.js';
import type { IssuedL3Pair } from '../issue/l3.js';
import { type PresentOptions, presentToMerchant, presentToNetwork } from '../present/index.js';
import { classifyVct } from '../profiles/profile.js';
import { sha256b64u as sha } from '../sdjwt/digest.js';
import { decodeSdJwt } from './claims.js';

/** The views the page can draw: as presented, or as each role would be shown it. */
export const VIEW_ROLES = ['presented', 'merchant', 'network', 'dispute'] as const;
/** One of {@link VIEW_ROLES}. */
export type ViewRole = (typeof VIEW_ROLES)[number];

export function isViewRole(v: unknown): v is ViewRole {
  return typeof v === 'string' && (VIEW_ROLES as readonly string[]).includes(v);
}

/** A presentation re-derived for one role: the bundle that role would receive. */
export interface RoleView {
  role: ViewRole;
  /** The bundle this party would be handed; verified like any other. */
  bundle: unknown;
  /** How the view was obtained, for the page. */
  how: string;
  /** Set when the view cannot be what the party would really get. */
  warning?: string;
}

type Rec = Record<string, unknown>;
type Side = 'checkout' | 'payment';

const isRec = (v: unknown): v is Rec => isRecord(v);

function entriesOf(b: Rec): Rec[] {
  return Array.isArray(b.l3) ? b.l3.filter(isRec) : [];
}

/** Mandate disclosures of one kind that an L2 presentation carries, by digest. */
function mandateDigests(l2: unknown, kind: Side): Set<string> {
  const d = decodeSdJwt(l2);
  const out = new Set<string>();
  if (!d.ok) return out;
  for (const disc of d.decoded.disclosures.values()) {
    // Any vocabulary: the profile table classifies the VCT.
    if (isRec(disc.value) && classifyVct(disc.value.vct)?.kind === kind) out.add(disc.digest);
  }
  return out;
}

/** The L2 view an L3 half is bound to (BUNDLE.md: defaults to `l2`). */
function l2Under(b: Rec, e: Rec, side: Side): string {
  const own = side === 'checkout' ? e.checkout_l2 : e.payment_l2;
  return typeof own === 'string' ? own : (b.l2 as string);
}

/** The bundle entry that closes pair `index` of a full L2, found by binding, not position. */
function entryForPair(b: Rec, l2: IssuedL2, index: number, side: Side): Rec | undefined {
  const pair = l2.pairs[index];
  if (!pair) return undefined;
  const digest = pair[side].digest;
  return entriesOf(b).find(
    (e) => typeof e[side] === 'string' && mandateDigests(l2Under(b, e, side), side).has(digest),
  );
}

function presentOptions(b: Rec, role: 'merchant' | 'network'): PresentOptions | undefined {
  if (!isRec(b.trust) || !isRec(b.trust.issuer_jwks) || !Array.isArray(b.trust.issuer_jwks.keys))
    return undefined;
  const o: PresentOptions = {
    trust: b.trust as unknown as PresentOptions['trust'],
    name: `${typeof b.name === 'string' ? b.name : 'bundle'} — ${role} view`,
  };
  if (typeof b.at === 'number') o.at = b.at;
  const ex = isRec(b.expect) ? b.expect : undefined;
  const l3 = role === 'merchant' ? 'l3b' : 'l3a';
  if (ex && (isRec(ex.l2) || isRec(ex[l3]))) {
    o.expect = {
      ...(isRec(ex.l2) && { l2: ex.l2 }),
      ...(isRec(ex[l3]) && { [l3]: ex[l3] }),
    } as PresentOptions['expect'];
  }
  return o;
}

/** Through src/present: only possible from a full L2. */
function viaPresenters(
  b: Rec,
  role: 'merchant' | 'network',
  pairIndex: number,
): unknown | undefined {
  const options = presentOptions(b, role);
  if (!options) return undefined;
  let l2: IssuedL2;
  try {
    l2 = readL2(b.l2 as string);
  } catch {
    return undefined; // not the full L2: a selective view already
  }
  const present = role === 'merchant' ? presentToMerchant : presentToNetwork;
  const side: Side = role === 'merchant' ? 'checkout' : 'payment';
  try {
    if (l2.mode === 'immediate') return present({ l1: b.l1 as string, l2, pairIndex }, options);
    const e = entryForPair(b, l2, pairIndex, side);
    if (!e) return undefined;
    // The presenters take an issued L3 pair; a bundle entry carries the same strings.
    const l3: IssuedL3Pair = {
      pairIndex,
      payment: typeof e.payment === 'string' ? e.payment : '',
      paymentL2: l2Under(b, e, 'payment'),
      checkout: typeof e.checkout === 'string' ? e.checkout : '',
      checkoutL2: l2Under(b, e, 'checkout'),
      transactionId: '',
    };
    return present({ l1: b.l1 as string, l2, pairIndex, l3 }, options);
  } catch {
    return undefined;
  }
}

/** Without a full L2: keep what the party may see of what the bundle has. */
function viaFilter(
  b: Rec,
  role: 'merchant' | 'network',
  pairIndex: number,
): { bundle: Rec; complete: boolean } {
  const side: Side = role === 'merchant' ? 'checkout' : 'payment';
  const other: Side = side === 'checkout' ? 'payment' : 'checkout';
  const l3Key = role === 'merchant' ? 'l3b' : 'l3a';
  const expect = isRec(b.expect)
    ? {
        ...(isRec(b.expect.l2) && { l2: b.expect.l2 }),
        ...(isRec(b.expect[l3Key]) && { [l3Key]: b.expect[l3Key] }),
      }
    : undefined;
  const out: Rec = {
    vi_bundle: b.vi_bundle,
    name: `${typeof b.name === 'string' ? b.name : 'bundle'} — ${role} view`,
    role,
    ...(b.at !== undefined && { at: b.at }),
    trust: b.trust,
    l1: b.l1,
  };
  if (expect) out.expect = expect;
  const halves = entriesOf(b).filter((e) => typeof e[side] === 'string');
  const e = halves[Math.min(pairIndex, halves.length - 1)];
  if (e) {
    // Autonomous: the L3 half and exactly the L2 view it is bound to.
    out.l2 = l2Under(b, e, side);
    out.l3 = [{ [side]: e[side] }];
    return { bundle: out, complete: true };
  }
  // Immediate (or no L3 yet): drop the other party's mandates from the L2.
  const drop = mandateDigests(b.l2, other);
  const [jwt, ...rest] = (b.l2 as string).split('~');
  const kept = rest.filter((d) => d !== '' && !drop.has(sha(d)));
  out.l2 = `${jwt}~${kept.map((d) => `${d}~`).join('')}`;
  return { bundle: out, complete: mandateDigests(out.l2, side).size > 0 };
}

/**
 * The bundle `role` would see, for mandate pair `pairIndex`.
 * `presented` is the bundle as given; `dispute` is the whole bundle.
 */
export function deriveRoleView(bundle: unknown, role: ViewRole, pairIndex = 0): RoleView {
  if (role === 'presented') return { role, bundle, how: 'the bundle as presented' };
  if (!isRec(bundle) || typeof bundle.l1 !== 'string' || typeof bundle.l2 !== 'string') {
    return {
      role,
      bundle,
      how: 'the bundle as presented',
      warning: 'not a readable bundle, so no view can be cut from it',
    };
  }
  if (role === 'dispute') {
    const full =
      mandateDigests(bundle.l2, 'checkout').size > 0 &&
      mandateDigests(bundle.l2, 'payment').size > 0;
    const view: RoleView = {
      role,
      bundle: { ...bundle, role: 'dispute' },
      how: 'the whole bundle',
    };
    if (!full)
      view.warning = `this bundle is a ${typeof bundle.role === 'string' ? bundle.role : 'partial'} view: withheld disclosures cannot be recovered, so the dispute view is incomplete`;
    return view;
  }
  const presented = viaPresenters(bundle, role, pairIndex);
  if (presented !== undefined)
    return {
      role,
      bundle: presented,
      how: `cut from the full L2 by src/present (${role === 'merchant' ? 'presentToMerchant' : 'presentToNetwork'}), pair ${pairIndex}`,
    };
  const { bundle: filtered, complete } = viaFilter(bundle, role, pairIndex);
  const view: RoleView = {
    role,
    bundle: filtered,
    how: `filtered from the bundle: ${role === 'merchant' ? 'L1 + L2 without the payment mandate + L3b' : 'L1 + L2 without the checkout mandate + L3a'}`,
  };
  if (!complete)
    view.warning = `the bundle does not carry the ${role === 'merchant' ? 'checkout' : 'payment'} side, so the ${role} view is incomplete`;
  return view;
}
