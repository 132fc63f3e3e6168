/**
 * Rewriting a fresh chain as its legitimate signers would: change a header,
 * payload or disclosure, then update every digest that referenced it, re-sign
 * with the key that signed it, and re-bind each `sd_hash` up the chain.
 *
 * This lets mutations get past the signatures and reach the claim checks,
 * which is where type confusion has to be refused. Signing uses node:crypto
 * directly, independently of src/sdjwt.
 */
import { sign } from 'node:crypto';
import type { SigningKey } from '../../src/sdjwt/keys.js';
import {
  b64u,
  clone,
  coverageOf,
  joinSd,
  type Slot,
  sha,
  slotsOf,
  splitSd,
  unb64u,
} from './codec.js';
import type { JsonBundle } from './corpus.js';

const es256 = (input: string, key: SigningKey): string =>
  sign('sha256', Buffer.from(input, 'ascii'), {
    key: key.privateKey,
    dsaEncoding: 'ieee-p1363',
  }).toString('base64url');

export class ChainEditor {
  readonly bundle: JsonBundle;
  private readonly covers: Map<string, string>;
  private readonly slots: Slot[];

  constructor(
    bundle: JsonBundle,
    private readonly keys: ReadonlyMap<string, SigningKey>,
  ) {
    this.bundle = clone(bundle);
    this.covers = coverageOf(bundle);
    this.slots = slotsOf(this.bundle);
  }

  slot(path: string): Slot {
    const s = this.slots.find((x) => x.path === path);
    if (!s) throw new Error(`no slot ${path}`);
    return s;
  }

  jwtOf(path: string): string {
    return splitSd(this.slot(path).get(this.bundle))!.jwt;
  }

  /** Re-sign `oldJwt` over new header/payload text with the key its original kid names; replace it everywhere. */
  resign(oldJwt: string, headerText: string, payloadText: string): void {
    const kid = (JSON.parse(unb64u(oldJwt.split('.')[0]!)) as { kid?: string }).kid;
    const key = kid === undefined ? undefined : this.keys.get(kid);
    if (!key) throw new Error(`no private key for kid ${String(kid)}`);
    const input = `${b64u(headerText)}.${b64u(payloadText)}`;
    const next = `${input}.${es256(input, key)}`;
    for (const s of this.slots) {
      const parts = splitSd(s.get(this.bundle));
      if (parts && parts.jwt === oldJwt) s.set(this.bundle, joinSd({ ...parts, jwt: next }));
    }
  }

  /** Text of the header (0) or payload (1) of the JWT in `path`. */
  partText(path: string, part: 0 | 1): string {
    return unb64u(this.jwtOf(path).split('.')[part]!);
  }

  setPart(path: string, part: 0 | 1, text: string): void {
    const jwt = this.jwtOf(path);
    const [h, p] = jwt.split('.') as [string, string];
    this.resign(jwt, part === 0 ? text : unb64u(h), part === 1 ? text : unb64u(p));
    this.rebind();
  }

  /** Swap one disclosure for another everywhere, then fix every reference to its digest. */
  replaceDisclosure(oldEnc: string, newEnc: string, depth = 0): void {
    if (oldEnc === newEnc || depth > 8) return;
    for (const s of this.slots) {
      const parts = splitSd(s.get(this.bundle));
      if (parts?.disclosures.includes(oldEnc))
        s.set(
          this.bundle,
          joinSd({
            ...parts,
            disclosures: parts.disclosures.map((d) => (d === oldEnc ? newEnc : d)),
          }),
        );
    }
    const from = `"${sha(oldEnc)}"`;
    const to = `"${sha(newEnc)}"`;
    // Disclosures that reference it (e.g. a payment mandate's conditional_transaction_id).
    // Re-scan after each rewrite: a nested rewrite may have replaced the very disclosure we hold.
    for (let guard = 0; guard < 64; guard++) {
      const d = this.firstReferencing(from);
      if (d === undefined) break;
      this.replaceDisclosure(d, b64u(unb64u(d).split(from).join(to)), depth + 1);
    }
    // JWT payloads that reference it (_sd, delegate_payload).
    for (const jwt of this.distinct((p) => [p.jwt])) {
      const [h, p] = jwt.split('.') as [string, string];
      const text = unb64u(p);
      if (text.includes(from)) this.resign(jwt, unb64u(h), text.split(from).join(to));
    }
    if (depth === 0) this.rebind();
  }

  private firstReferencing(quotedDigest: string): string | undefined {
    return this.distinct((p) => p.disclosures).find((d) => unb64u(d).includes(quotedDigest));
  }

  private distinct(pick: (p: { jwt: string; disclosures: string[] }) => string[]): string[] {
    const out = new Set<string>();
    for (const s of this.slots) {
      const parts = splitSd(s.get(this.bundle));
      if (parts) for (const x of pick(parts)) out.add(x);
    }
    return [...out];
  }

  /** Make every `sd_hash` the hash of the (possibly rewritten) string it covered originally. */
  rebind(): void {
    for (let round = 0; round < 8; round++) {
      let changed = false;
      for (const [from, to] of this.covers) {
        const want = sha(this.slot(to).get(this.bundle));
        const jwt = this.jwtOf(from);
        const [h, p] = jwt.split('.') as [string, string];
        const text = unb64u(p);
        let current: unknown;
        try {
          current = (JSON.parse(text) as { sd_hash?: unknown } | null)?.sd_hash;
        } catch {
          continue; // an edit made the payload unreadable: nothing to re-bind
        }
        if (typeof current !== 'string' || current === want) continue;
        this.resign(jwt, unb64u(h), text.split(`"${current}"`).join(`"${want}"`));
        changed = true;
      }
      if (!changed) return;
    }
  }
}
