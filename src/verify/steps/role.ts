/**
 * Stage: the view each role must be shown (security-model §3, credential-format
 * §5.4). A merchant judges the checkout mandate and, in Autonomous mode, the
 * L3b that fulfils it; a network the payment mandate and its L3a; a dispute
 * both mandates. A presentation that leaves out what its verifier must check is not
 * valid for that verifier, whatever else verified.
 */
import type { Role } from '../../profiles/bundle.js';
import { type Check, type CheckLog, reject, type Skip, skip } from '../context.js';
import type { BoundL3s, MandateSet, Pair, Pairs, ReadBundle } from '../stages.js';

interface RoleInput {
  readonly read: ReadBundle;
  readonly role: Role | undefined;
  readonly set: MandateSet | undefined;
  readonly pairs: Pairs | undefined;
  readonly l3s: BoundL3s;
}

/**
 * What each role judges. A dispute reads the whole L2 (both mandates of a
 * pair); it may be raised before any L3 exists, so its L3s are judged when
 * presented, not required.
 */
const NEEDS: Record<Role, { checkout: boolean; payment: boolean; l3: boolean }> = {
  merchant: { checkout: true, payment: false, l3: true },
  network: { checkout: false, payment: true, l3: true },
  dispute: { checkout: true, payment: true, l3: false },
};

/** Whether `pair` shows what `role` must check: the mandates, and in Autonomous mode the L3s that fulfil them. */
function showsRoleView(pair: Pair, role: Role, autonomous: boolean, l3s: BoundL3s): boolean {
  const need = NEEDS[role];
  if ((need.checkout && !pair.checkout) || (need.payment && !pair.payment)) return false;
  if (!autonomous || !need.l3) return true;
  const bound = l3s.byPair[pair.index];
  const l3b = bound?.l3bStatus ?? 'absent';
  const l3a = bound?.l3aStatus ?? 'absent';
  return (!need.checkout || l3b !== 'absent') && (!need.payment || l3a !== 'absent');
}

/** L3s of `kind` the bundle presents that no pair holds (unreadable, or bound to nothing): their own checks failed. */
function unbound(read: ReadBundle, l3s: BoundL3s, kind: 'payment' | 'checkout'): boolean {
  const presented = (read.bundle.l3 ?? []).filter((e) => e[kind] !== undefined).length;
  return presented > l3s.l3.filter((b) => b.kind === kind && b.pairId !== undefined).length;
}

function roleView({ read, role, set, pairs, l3s }: RoleInput): void | Skip {
  if (role === undefined) return skip('no role given (options.role or the bundle role)');
  if (!Object.hasOwn(NEEDS, role))
    reject('ROLE_VIEW_INCOMPLETE', `unknown role ${JSON.stringify(role).slice(0, 40)}`);
  if (!set?.mode || !pairs || pairs.list.length === 0)
    return skip('no mandate pairs to judge the view by');
  const autonomous = set.mode === 'autonomous';
  const need = NEEDS[role];
  if (
    autonomous &&
    need.l3 &&
    ((need.payment && unbound(read, l3s, 'payment')) ||
      (need.checkout && unbound(read, l3s, 'checkout')))
  )
    return skip('an L3 was presented but bound to no pair: its own checks failed');
  if (!pairs.list.some((p) => showsRoleView(p, role, autonomous, l3s))) {
    const what = {
      merchant: 'the checkout mandate',
      network: 'the payment mandate',
      dispute: 'both mandates',
    }[role];
    const l3 = { merchant: ' and the L3b for it', network: ' and the L3a for it', dispute: '' }[
      role
    ];
    reject(
      'ROLE_VIEW_INCOMPLETE',
      `a ${role} must be shown ${what}${autonomous ? l3 : ''}; this presentation does not show it`,
    );
  }
}

const ROLE_CHECK: Check<RoleInput, Record<string, never>> = {
  name: 'role.view',
  layer: 'bundle',
  run: roleView,
};

/** The role this verification judges for: the caller's, else the bundle's. */
export function roleOf(read: ReadBundle): Role | undefined {
  return read.config.options.role ?? read.bundle.role;
}

/** Record `role.view` for the verification's role. */
export function checkRoleView(
  read: ReadBundle,
  set: MandateSet | undefined,
  pairs: Pairs | undefined,
  l3s: BoundL3s,
  log: CheckLog,
): void {
  log.run(ROLE_CHECK, { read, role: roleOf(read), set, pairs, l3s }, {});
}
