/**
 * The fuzz properties, shared by the short run in `npm test`
 * (properties.test.ts) and the long run in `npm run fuzz` (scripts/fuzz.ts).
 *
 * Each property draws small integers with fast-check, turns them into one
 * mutant of a valid seed bundle, verifies it, and checks
 *  1. the invariants of every result (harness.ts), and
 *  2. what the mutation implies for the verdict:
 *     - invalid: any change to signed bytes, to a disclosure's bytes or
 *       content, a duplicated disclosure, a wrong-key signature;
 *     - subset: removing disclosures (or truncating at a `~`) may leave a
 *       valid partial view, but then it vouches for no mandate the original
 *       did not, under the same L2;
 *     - same: reordering the disclosures of a credential whose exact string
 *       no `sd_hash` covers (the last credential of its chain), or re-salting
 *       a disclosure and legitimately re-signing the chain, keeps the verdict;
 *       reordering a credential that a later `sd_hash` covers (L1, an L2
 *       view under an L3) breaks that binding and makes it invalid;
 *     - any: type confusion re-signed by the legitimate keys, hostile bundle
 *       fields, transplanted disclosures: only the invariants (and, for a
 *       transplant, "valid only if it is the same credential's disclosure").
 */
import { sign } from 'node:crypto';
import fc from 'fast-check';
import { isErrorCode } from '../../src/errors.js';
import { generateSigningKey } from '../../src/sdjwt/keys.js';
import { parseBundleText, type VerificationResult } from '../../src/verify/index.js';
import {
  B64U_ALPHABET,
  b64u,
  clone,
  coveredSlots,
  joinSd,
  type SdParts,
  slotsOf,
  splitSd,
  unb64u,
} from './codec.js';
import type { JsonBundle, Seed } from './corpus.js';
import { invariantViolation, mandateDigests, verifyBounded } from './harness.js';
import { ChainEditor } from './resign.js';
import { applyTextEdit, type TextEdit } from './rewrite.js';

export type Expect = 'invalid' | 'subset' | 'same' | 'any';

export interface Mutant {
  label: string;
  bundle: unknown;
  expect: Expect;
  /** For `any`: when false, a valid verdict is a failure. */
  validAllowed?: boolean;
}

/** A seed with its verified baseline. */
export interface Prepared {
  seed: Seed;
  result: VerificationResult;
  covered: Set<string>;
}

export interface FuzzProperty {
  name: string;
  /** Builds the fast-check property over the prepared seeds. */
  property(seeds: Prepared[]): fc.IAsyncProperty<[unknown]>;
}

/** Verify every seed once; seeds that are not valid as given are dropped (they cannot anchor "stays valid"). */
export async function prepare(seeds: Seed[]): Promise<Prepared[]> {
  const out: Prepared[] = [];
  for (const seed of seeds) {
    const v = await verifyBounded(seed.bundle);
    if ('result' in v && v.result.valid)
      out.push({ seed, result: v.result, covered: coveredSlots(seed.bundle) });
    else console.warn(`[fuzz] seed ${seed.name} is not valid as given; left out`);
  }
  return out;
}

const pick = <T>(xs: readonly T[], n: number): T => xs[n % xs.length]!;

/** Judge one mutant against its seed's baseline; returns why it failed, or undefined. */
export async function judge(m: Mutant, base: VerificationResult): Promise<string | undefined> {
  const v = await verifyBounded(m.bundle);
  if ('failure' in v) return v.failure;
  const r = v.result;
  const broken = invariantViolation(r);
  if (broken) return broken;
  const codes = () => r.errors.map((e) => e.code).join(',');
  switch (m.expect) {
    case 'invalid':
      return r.valid ? 'expected invalid, got valid' : undefined;
    case 'same':
      return r.valid !== base.valid
        ? `expected valid:${base.valid}, got valid:${r.valid} (${codes()})`
        : undefined;
    case 'subset': {
      if (!r.valid) return undefined;
      if (r.l2_id !== base.l2_id) return 'a valid partial view of another L2';
      const before = mandateDigests(base);
      const extra = [...mandateDigests(r)].filter((d) => !before.has(d));
      return extra.length
        ? `partial view vouches for mandates the original did not: ${extra.join(',')}`
        : undefined;
    }
    case 'any':
      return r.valid && m.validAllowed === false
        ? 'valid although this mutation must not be accepted'
        : undefined;
  }
}

function asyncProp<T>(
  arb: fc.Arbitrary<T>,
  seeds: Prepared[],
  make: (p: Prepared, v: T) => Mutant | undefined,
): fc.IAsyncProperty<[unknown]> {
  return fc.asyncProperty(fc.tuple(fc.nat(), arb), async ([s, v]) => {
    const p = pick(seeds, s);
    const m = make(p, v);
    if (!m) return; // not applicable to this seed
    const why = await judge(m, p.result);
    if (why) throw new Error(`[${p.seed.name}] ${m.label}: ${why}`);
  }) as unknown as fc.IAsyncProperty<[unknown]>;
}

/** A seed's credential slot and its parts, chosen by index; undefined when it has no SD-JWT shape. */
function slotAt(p: Prepared, n: number) {
  const b = clone(p.seed.bundle);
  const slot = pick(slotsOf(b), n);
  const str = slot.get(b);
  const parts = splitSd(str);
  return parts ? { b, slot, str, parts } : undefined;
}

const idx = fc.nat();
const textEdit: fc.Arbitrary<TextEdit> = fc.record({
  kind: fc.constantFrom('replace', 'add', 'duplicate', 'retype'),
  node: fc.nat(),
  choice: fc.nat({ max: 4095 }),
});

/** One wrong key for every "re-signed by someone else" mutant. */
const intruder = generateSigningKey('intruder-key');

function signWith(jwt: string, headerText: string, key = intruder): string {
  const [, payload] = jwt.split('.') as [string, string];
  const input = `${b64u(headerText)}.${payload}`;
  return `${input}.${signRaw(input, key)}`;
}

/** ES256 raw r||s, the encoding a legitimate signer produces. */
function signRaw(input: string, key = intruder): string {
  return sign('sha256', Buffer.from(input, 'ascii'), {
    key: key.privateKey,
    dsaEncoding: 'ieee-p1363',
  }).toString('base64url');
}

const withParts = (
  b: JsonBundle,
  slot: { set(b: JsonBundle, v: string): void },
  parts: SdParts,
): JsonBundle => {
  slot.set(b, joinSd(parts));
  return b;
};

export const PROPERTIES: FuzzProperty[] = [
  {
    name: 'garbage input is refused, never thrown on',
    property: (seeds) => {
      const sdjwtish = fc.stringMatching(
        /^[A-Za-z0-9_-]{0,40}(\.[A-Za-z0-9_=+/-]{0,40}){0,3}(~[A-Za-z0-9_-]{0,30}){0,4}~?$/,
      );
      const trust = fc.constantFrom(...seeds.map((s) => s.seed.bundle.trust));
      const bundleish = fc.record(
        {
          vi_bundle: fc.oneof(fc.constant(1), fc.anything()),
          trust: fc.oneof(trust, fc.anything()),
          at: fc.oneof(fc.integer(), fc.double(), fc.string()),
          l1: fc.oneof(sdjwtish, fc.string(), fc.anything()),
          l2: fc.oneof(sdjwtish, fc.string()),
          l3: fc.array(
            fc.record(
              { payment: sdjwtish, checkout: sdjwtish, payment_l2: sdjwtish },
              { requiredKeys: [] },
            ),
            { maxLength: 3 },
          ),
        },
        { requiredKeys: ['vi_bundle', 'l1', 'l2'] },
      );
      return asyncProp(fc.oneof(fc.anything(), fc.jsonValue(), bundleish), seeds, (_p, v) => ({
        label: 'garbage',
        bundle: v,
        expect: 'invalid',
      }));
    },
  },
  {
    name: 'a changed base64url character in any segment makes it invalid',
    property: (seeds) =>
      // Positions are biased to segment edges, where encoders differ (unused trailing bits).
      asyncProp(
        fc.tuple(
          idx,
          idx,
          fc.oneof(idx, fc.constant(-1), fc.constant(0)),
          fc.integer({ min: 1, max: 63 }),
        ),
        seeds,
        (p, [slotN, segN, posN, delta]) => {
          const s = slotAt(p, slotN);
          if (!s) return undefined;
          const segs = [...s.parts.jwt.split('.'), ...s.parts.disclosures];
          const seg = segN % segs.length;
          const text = segs[seg]!;
          if (text.length === 0) return undefined;
          const pos = posN < 0 ? text.length - 1 : posN % text.length;
          const c = B64U_ALPHABET.indexOf(text[pos]!);
          const flipped =
            text.slice(0, pos) + B64U_ALPHABET[(c + delta) % 64] + text.slice(pos + 1);
          segs[seg] = flipped;
          const jwtSegs = s.parts.jwt.split('.').length;
          const parts = { jwt: segs.slice(0, jwtSegs).join('.'), disclosures: segs.slice(jwtSegs) };
          const where =
            seg < jwtSegs ? ['header', 'payload', 'signature'][seg] : `disclosure ${seg - jwtSegs}`;
          return {
            label: `flip ${s.slot.path} ${where} @${pos}`,
            bundle: withParts(s.b, s.slot, parts),
            expect: 'invalid',
          };
        },
      ),
  },
  {
    name: 'truncation is invalid unless it only drops trailing disclosures',
    property: (seeds) =>
      asyncProp(fc.tuple(idx, idx), seeds, (p, [slotN, cutN]) => {
        const s = slotAt(p, slotN);
        if (!s) return undefined;
        const cut = s.str.slice(0, cutN % s.str.length);
        s.slot.set(s.b, cut);
        const keepsShape = cut.endsWith('~') && splitSd(cut)?.jwt === s.parts.jwt;
        return {
          label: `truncate ${s.slot.path} to ${cut.length}/${s.str.length}`,
          bundle: s.b,
          expect: keepsShape ? 'subset' : 'invalid',
        };
      }),
  },
  {
    name: 'an inserted character anywhere makes it invalid',
    property: (seeds) =>
      asyncProp(
        fc.tuple(
          idx,
          idx,
          fc.constantFrom('~', '.', '=', ' ', '\n', 'A', '"', '\\', '%', '\u0000', 'é', '~~', '..'),
        ),
        seeds,
        (p, [slotN, posN, ch]) => {
          const s = slotAt(p, slotN);
          if (!s) return undefined;
          const pos = posN % (s.str.length + 1);
          s.slot.set(s.b, s.str.slice(0, pos) + ch + s.str.slice(pos));
          return {
            label: `insert ${JSON.stringify(ch)} into ${s.slot.path} @${pos}`,
            bundle: s.b,
            expect: 'invalid',
          };
        },
      ),
  },
  {
    name: 'removing a disclosure leaves a valid partial view of the same L2, or makes it invalid',
    property: (seeds) =>
      asyncProp(
        fc.tuple(idx, idx, fc.integer({ min: 1, max: 4 })),
        seeds,
        (p, [slotN, iN, count]) => {
          const s = slotAt(p, slotN);
          if (!s || s.parts.disclosures.length === 0) return undefined;
          const i = iN % s.parts.disclosures.length;
          const disclosures = [...s.parts.disclosures];
          disclosures.splice(i, count);
          return {
            label: `remove ${count} from ${s.slot.path} #${i}`,
            bundle: withParts(s.b, s.slot, { ...s.parts, disclosures }),
            expect: 'subset',
          };
        },
      ),
  },
  {
    name: 'a duplicated disclosure makes it invalid',
    property: (seeds) =>
      asyncProp(fc.tuple(idx, idx, idx), seeds, (p, [slotN, iN, atN]) => {
        const s = slotAt(p, slotN);
        if (!s || s.parts.disclosures.length === 0) return undefined;
        const d = pick(s.parts.disclosures, iN);
        const disclosures = [...s.parts.disclosures];
        disclosures.splice(atN % (disclosures.length + 1), 0, d);
        return {
          label: `duplicate in ${s.slot.path}`,
          bundle: withParts(s.b, s.slot, { ...s.parts, disclosures }),
          expect: 'invalid',
        };
      }),
  },
  {
    name: 'reordering disclosures keeps the verdict unless an sd_hash covers the string',
    property: (seeds) =>
      asyncProp(
        fc.tuple(idx, fc.array(fc.nat(), { minLength: 1, maxLength: 12 })),
        seeds,
        (p, [slotN, swaps]) => {
          const s = slotAt(p, slotN);
          if (!s || s.parts.disclosures.length < 2) return undefined;
          const ds = [...s.parts.disclosures];
          // Fisher–Yates driven by the drawn numbers.
          for (let i = ds.length - 1; i > 0; i--) {
            const j = swaps[i % swaps.length]! % (i + 1);
            [ds[i], ds[j]] = [ds[j]!, ds[i]!];
          }
          if (ds.every((d, i) => d === s.parts.disclosures[i])) return undefined;
          const covered = p.covered.has(s.slot.path);
          return {
            label: `reorder ${s.slot.path}${covered ? ' (covered by an sd_hash)' : ''}`,
            bundle: withParts(s.b, s.slot, { ...s.parts, disclosures: ds }),
            expect: covered ? 'invalid' : 'same',
          };
        },
      ),
  },
  {
    name: 'a disclosure transplanted from another credential is never accepted',
    property: (seeds) =>
      asyncProp(fc.tuple(idx, idx, idx, idx), seeds, (p, [fromN, iN, toN, atN]) => {
        const from = slotAt(p, fromN);
        const to = slotAt(p, toN);
        if (!from || !to || from.slot.path === to.slot.path || from.parts.disclosures.length === 0)
          return undefined;
        const d = pick(from.parts.disclosures, iN);
        const disclosures = [...to.parts.disclosures];
        disclosures.splice(atN % (disclosures.length + 1), 0, d);
        // Legitimate only as a wider view of the same, uncovered credential.
        const validAllowed =
          from.parts.jwt === to.parts.jwt &&
          !to.parts.disclosures.includes(d) &&
          !p.covered.has(to.slot.path);
        return {
          label: `transplant ${from.slot.path} → ${to.slot.path}`,
          bundle: withParts(to.b, to.slot, { ...to.parts, disclosures }),
          expect: 'any',
          validAllowed,
        };
      }),
  },
  {
    name: "editing a disclosure's JSON (same salt, re-encoded) makes it invalid",
    property: (seeds) =>
      asyncProp(fc.tuple(idx, idx, textEdit), seeds, (p, [slotN, iN, edit]) => {
        const s = slotAt(p, slotN);
        if (!s || s.parts.disclosures.length === 0) return undefined;
        const i = iN % s.parts.disclosures.length;
        const text = unb64u(s.parts.disclosures[i]!);
        const next = applyTextEdit(text, edit);
        if (next === undefined || b64u(next) === s.parts.disclosures[i]) return undefined;
        const disclosures = [...s.parts.disclosures];
        disclosures[i] = b64u(next);
        return {
          label: `${edit.kind} in ${s.slot.path} disclosure ${i}`,
          bundle: withParts(s.b, s.slot, { ...s.parts, disclosures }),
          expect: 'invalid',
        };
      }),
  },
  {
    name: 'a layer re-signed with a wrong key is invalid',
    property: (seeds) =>
      asyncProp(fc.tuple(idx, fc.integer({ min: 0, max: 2 })), seeds, (p, [slotN, variant]) => {
        const s = slotAt(p, slotN);
        if (!s) return undefined;
        const [h] = s.parts.jwt.split('.') as [string];
        let header: Record<string, unknown>;
        try {
          header = JSON.parse(unb64u(h)) as Record<string, unknown>;
        } catch {
          return undefined;
        }
        if (variant >= 1) header = { ...header, kid: intruder.kid };
        if (variant === 2) header = { ...header, jwk: intruder.publicJwk };
        const jwt = signWith(s.parts.jwt, variant === 0 ? unb64u(h) : JSON.stringify(header));
        return {
          label: `re-sign ${s.slot.path} with a wrong key (variant ${variant})`,
          bundle: withParts(s.b, s.slot, { ...s.parts, jwt }),
          expect: 'invalid',
        };
      }),
  },
  {
    name: 'type confusion in a signed header or payload without re-signing is invalid',
    property: (seeds) =>
      asyncProp(
        fc.tuple(idx, fc.integer({ min: 0, max: 1 }), textEdit),
        seeds,
        (p, [slotN, part, edit]) => {
          const s = slotAt(p, slotN);
          if (!s) return undefined;
          const segs = s.parts.jwt.split('.');
          if (segs.length !== 3) return undefined;
          const next = applyTextEdit(unb64u(segs[part]!), edit);
          if (next === undefined || b64u(next) === segs[part]) return undefined;
          segs[part] = b64u(next);
          return {
            label: `${edit.kind} in ${s.slot.path} ${part ? 'payload' : 'header'}`,
            bundle: withParts(s.b, s.slot, { ...s.parts, jwt: segs.join('.') }),
            expect: 'invalid',
          };
        },
      ),
  },
  {
    name: 'type confusion re-signed by the legitimate keys never breaks the verifier',
    property: (seeds) => {
      const fresh = seeds.filter((s) => s.seed.keys);
      return asyncProp(
        fc.tuple(idx, fc.integer({ min: 0, max: 2 }), idx, textEdit),
        fresh.length ? fresh : seeds,
        (p, [slotN, part, iN, edit]) => {
          if (!p.seed.keys) return undefined;
          const ed = new ChainEditor(p.seed.bundle, p.seed.keys);
          const slot = pick(slotsOf(ed.bundle), slotN);
          const parts = splitSd(slot.get(ed.bundle));
          if (!parts) return undefined;
          if (part < 2) {
            const next = applyTextEdit(ed.partText(slot.path, part as 0 | 1), edit);
            if (next === undefined) return undefined;
            ed.setPart(slot.path, part as 0 | 1, next);
          } else {
            if (parts.disclosures.length === 0) return undefined;
            const d = pick(parts.disclosures, iN);
            const next = applyTextEdit(unb64u(d), edit);
            if (next === undefined) return undefined;
            ed.replaceDisclosure(d, b64u(next));
          }
          return {
            label: `re-signed ${edit.kind} in ${slot.path} ${['header', 'payload', 'disclosure'][part]}`,
            bundle: ed.bundle,
            expect: 'any',
          };
        },
      );
    },
  },
  {
    name: 'a re-salted disclosure, legitimately re-signed up the chain, stays valid',
    property: (seeds) => {
      const fresh = seeds.filter((s) => s.seed.keys);
      const salt = fc.string({
        unit: fc.constantFrom(...B64U_ALPHABET),
        minLength: 22,
        maxLength: 22,
      });
      return asyncProp(
        fc.tuple(idx, idx, salt),
        fresh.length ? fresh : seeds,
        (p, [slotN, iN, newSalt]) => {
          if (!p.seed.keys) return undefined;
          const ed = new ChainEditor(p.seed.bundle, p.seed.keys);
          const slot = pick(slotsOf(ed.bundle), slotN);
          const parts = splitSd(slot.get(ed.bundle));
          if (!parts || parts.disclosures.length === 0) return undefined;
          const d = pick(parts.disclosures, iN);
          const arr = JSON.parse(unb64u(d)) as unknown[];
          arr[0] = newSalt;
          ed.replaceDisclosure(d, b64u(JSON.stringify(arr)));
          return {
            label: `re-salt a disclosure of ${slot.path}`,
            bundle: ed.bundle,
            expect: 'same',
          };
        },
      );
    },
  },
  {
    name: 'hostile bundle fields are refused with a typed error or ignored',
    property: (seeds) =>
      fc.asyncProperty(fc.tuple(idx, textEdit), async ([s, edit]) => {
        const p = pick(seeds, s);
        const text = applyTextEdit(JSON.stringify(p.seed.bundle), edit);
        if (text === undefined) return;
        const read = parseBundleText(text);
        if (!read.ok) {
          if (!isErrorCode(read.error.code))
            throw new Error(`parseBundleText gave unknown code ${read.error.code}`);
          return;
        }
        const why = await judge(
          { label: 'bundle edit', bundle: read.value, expect: 'any' },
          p.result,
        );
        if (why) throw new Error(`[${p.seed.name}] bundle ${edit.kind}: ${why}`);
      }) as unknown as fc.IAsyncProperty<[unknown]>,
  },
];
