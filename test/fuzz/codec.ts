/**
 * Independent helpers to take a bundle's credentials apart and put them back
 * together, byte for byte: the fuzzer must not depend on the code under test
 * to build its mutants.
 */
import { createHash } from 'node:crypto';
import type { JsonBundle } from './corpus.js';

export const B64U_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export const sha = (s: string): string =>
  createHash('sha256').update(s, 'utf8').digest('base64url');
export const b64u = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
export const unb64u = (s: string): string => Buffer.from(s, 'base64url').toString('utf8');

/** Where a credential string sits in a bundle. */
export interface Slot {
  /** `l1`, `l2`, `l3[0].payment`, ... */
  path: string;
  get(b: JsonBundle): string;
  set(b: JsonBundle, value: string): void;
}

const L3_FIELDS = ['payment', 'payment_l2', 'checkout', 'checkout_l2'] as const;

/** Every credential string present in the bundle. */
export function slotsOf(b: JsonBundle): Slot[] {
  const out: Slot[] = [];
  for (const top of ['l1', 'l2'] as const) {
    if (typeof b[top] === 'string')
      out.push({ path: top, get: (x) => x[top] as string, set: (x, v) => void (x[top] = v) });
  }
  const l3 = Array.isArray(b.l3) ? (b.l3 as Record<string, unknown>[]) : [];
  l3.forEach((entry, i) => {
    for (const f of L3_FIELDS) {
      if (typeof entry?.[f] !== 'string') continue;
      out.push({
        path: `l3[${i}].${f}`,
        get: (x) => (x.l3 as Record<string, string>[])[i]![f]!,
        set: (x, v) => void ((x.l3 as Record<string, string>[])[i]![f] = v),
      });
    }
  });
  return out;
}

export const clone = (b: JsonBundle): JsonBundle => structuredClone(b);

/** `<jwt>~<d1>~...~` taken apart; undefined when the string does not have that shape. */
export interface SdParts {
  jwt: string;
  disclosures: string[];
}

export function splitSd(s: string): SdParts | undefined {
  const parts = s.split('~');
  if (parts.length < 2 || parts[parts.length - 1] !== '') return undefined;
  return { jwt: parts[0]!, disclosures: parts.slice(1, -1) };
}

export const joinSd = (p: SdParts): string =>
  `${p.jwt}~${p.disclosures.map((d) => `${d}~`).join('')}`;

/** The JWT's payload as an object, or undefined when unreadable. */
export function payloadOf(s: string): Record<string, unknown> | undefined {
  const p = splitSd(s)?.jwt.split('.')[1];
  if (p === undefined) return undefined;
  try {
    const v = JSON.parse(unb64u(p));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which slot each slot's `sd_hash` covers (by exact string hash), e.g.
 * `l2 → l1`, `l3[0].payment → l2`. A slot nobody covers is the end of its chain.
 */
export function coverageOf(b: JsonBundle): Map<string, string> {
  const slots = slotsOf(b);
  const byHash = new Map<string, string>();
  for (const s of slots) if (!byHash.has(sha(s.get(b)))) byHash.set(sha(s.get(b)), s.path);
  const covers = new Map<string, string>();
  for (const s of slots) {
    const h = payloadOf(s.get(b))?.sd_hash;
    const target = typeof h === 'string' ? byHash.get(h) : undefined;
    if (target) covers.set(s.path, target);
  }
  return covers;
}

/** Slots whose exact string some other credential's `sd_hash` covers. */
export function coveredSlots(b: JsonBundle): Set<string> {
  const slots = slotsOf(b);
  const hashes = new Set<string>();
  for (const s of slots) {
    const h = payloadOf(s.get(b))?.sd_hash;
    if (typeof h === 'string') hashes.add(h);
  }
  return new Set(slots.filter((s) => hashes.has(sha(s.get(b)))).map((s) => s.path));
}
