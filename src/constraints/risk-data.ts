/**
 * `risk_data` (April credential-format §4.5.2): device signals captured when
 * the user consents, on the open payment mandate of an L2 only; an L3 never
 * carries it. Profiles without it leave the claim unread.
 */
import type { ErrorCode } from '../errors.js';
import type { WireProfile } from '../profiles/profile.js';
import { isRecord } from './values.js';

/** What is wrong with an L2 payment mandate's `risk_data`, or undefined when it is absent or well-formed. */
export function riskDataProblem(
  profile: WireProfile,
  value: unknown,
): { code: ErrorCode; message: string } | undefined {
  const members = profile.riskDataMembers;
  if (members === undefined || value === undefined) return undefined;
  if (!isRecord(value))
    return { code: 'RISK_DATA_MALFORMED', message: 'risk_data must be an object' };
  for (const k of members) {
    if (value[k] !== undefined && typeof value[k] !== 'string')
      return { code: 'RISK_DATA_MALFORMED', message: `risk_data.${k} must be a string` };
  }
  return undefined;
}

/**
 * `risk_data` where the profile does not place it: anywhere but an L2 open
 * payment mandate (another mandate, an L2 or L3 payload). Undefined for a
 * profile without `risk_data`, which leaves the claim unread.
 */
export function riskDataMisplaced(
  profile: WireProfile,
  holder: Record<string, unknown>,
  where: string,
): { code: ErrorCode; message: string } | undefined {
  if (profile.riskDataMembers === undefined || !Object.hasOwn(holder, 'risk_data'))
    return undefined;
  return {
    code: 'RISK_DATA_FORBIDDEN',
    message: `risk_data belongs on the L2 open payment mandate only, not in ${where}`,
  };
}
