/** Value shapes the AP2 constraint modules share (schemas/ap2/types/). */
import { isRecord } from '../../internal/guards.js';
import { disclosedElements } from '../../sdjwt/resolve.js';

export { isRecord };

export const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
export const isCount = (v: unknown): v is number => isInt(v) && v >= 0;

/** The revealed elements of an allow-list that are objects (withheld references dropped). */
export function revealed(list: unknown): Record<string, unknown>[] {
  return Array.isArray(list)
    ? (disclosedElements(list).filter(isRecord) as Record<string, unknown>[])
    : [];
}

/** AP2 Merchant (types/merchant.json): `id` and `name` required. Matched by `id`, else by name and website (DIFF 4.4). */
export function sameMerchant(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  if (typeof a.id === 'string' && typeof b.id === 'string') return a.id === b.id;
  return (
    typeof a.name === 'string' &&
    a.name === b.name &&
    typeof a.website === 'string' &&
    a.website === b.website
  );
}

/** ISO 8601 instant with a zone (`2027-04-03T13:53:54Z`, `…+02:00`): Unix milliseconds, or undefined. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
export function instantOf(v: unknown): number | undefined {
  if (typeof v !== 'string' || !INSTANT.test(v)) return undefined;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : undefined;
}
