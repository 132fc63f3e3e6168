/** The AP2 v0.2 constraint registry: every type of the profile table (src/profiles/ap2.ts), one module each. */
import { AP2_V0_2 } from '../../profiles/ap2.js';
import type { MandateKind } from '../../profiles/profile.js';
import { agentRecurrence } from './agent-recurrence.js';
import { allowedMerchants } from './allowed-merchants.js';
import { allowedPayees } from './allowed-payees.js';
import { allowedPaymentInstruments } from './allowed-payment-instruments.js';
import { allowedPisps } from './allowed-pisps.js';
import { amountRange } from './amount-range.js';
import { budget } from './budget.js';
import { executionDate } from './execution-date.js';
import { lineItems } from './line-items.js';
import { reference } from './reference.js';
import type { Ap2ConstraintType } from './types.js';

export type {
  Ap2ConstraintInput,
  Ap2ConstraintLimits,
  Ap2ConstraintType,
  Ap2MandateContext,
} from './types.js';

const ALL: readonly Ap2ConstraintType[] = [
  allowedMerchants,
  lineItems,
  allowedPayees,
  amountRange,
  budget,
  agentRecurrence,
  reference,
  allowedPaymentInstruments,
  allowedPisps,
  executionDate,
];

const BY_TYPE = new Map(ALL.map((t) => [t.type, t]));

// The registry and the profile table name the same types, kind by kind.
for (const kind of ['checkout', 'payment'] as const)
  for (const type of AP2_V0_2.constraint[kind])
    if (BY_TYPE.get(type)?.kind !== kind)
      throw new Error(`AP2 constraint ${type} has no ${kind} module`);

/** The evaluator for `type` in a mandate of `kind`; undefined for a type unknown there (the other kind's included). */
export function ap2ConstraintType(kind: MandateKind, type: unknown): Ap2ConstraintType | undefined {
  const t = typeof type === 'string' ? BY_TYPE.get(type) : undefined;
  return t?.kind === kind ? t : undefined;
}
