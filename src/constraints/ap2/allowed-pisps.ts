/** `payment.allowed_pisps` (DIFF 5.10): the closed `pisp` is required and equal, in all three names, to an allowed one. */
import { type Ap2ConstraintType, constraintError } from './types.js';
import { isRecord } from './values.js';

const NAMES = ['legal_name', 'brand_name', 'domain_name'] as const;

export const allowedPisps: Ap2ConstraintType = {
  type: 'payment.allowed_pisps',
  kind: 'payment',
  evaluate(c, { closed }) {
    if (!Array.isArray(c.allowed))
      throw constraintError('AP2_MANDATE_SCHEMA', this.type, '`allowed` must be an array');
    const pisp = closed.pisp;
    if (!isRecord(pisp))
      throw constraintError(
        'AP2_CONSTRAINT_VIOLATED',
        this.type,
        'the closed mandate names no pisp',
      );
    const same = (a: unknown) =>
      isRecord(a) && NAMES.every((n) => typeof a[n] === 'string' && a[n] === pisp[n]);
    if (!c.allowed.some(same))
      throw constraintError('AP2_CONSTRAINT_VIOLATED', this.type, 'the pisp is no allowed pisp', {
        actual: pisp.legal_name,
      });
  },
};
