/**
 * The bare minimum: the least work any JavaScript verifier of a bundle must
 * do on top of the floor's cryptography, done as plainly as possible. It is
 * a measuring stick, NOT a verifier: it checks no header, time, claim,
 * reference, constraint or limit, and trusts the bundle's shape.
 *
 * What it does, and a verifier cannot skip:
 *  - split every SD-JWT string (`~`) and its JWT (`.`);
 *  - base64url-decode and `JSON.parse` every header, payload and disclosure,
 *    and the merchant's `checkout_jwt` (its cart is what constraints judge);
 *    a text repeated across L2 views is decoded once (matched by equality);
 *  - the floor's work: one node:crypto ES256 verify per signature, with the
 *    key taken from the previous layer's `cnf.jwk` (imported on first sight,
 *    then cached by x coordinate), one SHA-256 per distinct disclosure and
 *    per `sd_hash` / `checkout_hash`.
 *
 * Its ratio to the floor is therefore the lowest a JavaScript verifier can
 * reach on this machine and Node: decoding and parsing, and the cost the
 * interleaving of JavaScript with OpenSSL adds, which the floor's tight loop
 * of `verify` calls does not pay. `countsOf` lets the benchmark check that it
 * does exactly the floor's number of signatures and digests.
 */
import { createPublicKey, hash, type KeyObject, verify } from 'node:crypto';
import type { PresentationBundle } from '../src/present/index.js';

interface Jwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  input: string;
  signature: Buffer;
}

interface Disclosure {
  digest: string;
  value: unknown[];
}

interface SdJwt {
  jwt: Jwt;
  disclosures: Disclosure[];
}

/** What one run did, to hold it to the floor's counts. */
export interface BareCounts {
  signatures: number;
  digests: number;
}

const text = (b64: string): string => Buffer.from(b64, 'base64url').toString('utf8');

/** Public keys by JWK x coordinate; the benchmark clears it with the verifier's key cache. */
export const bareKeys = new Map<string, KeyObject>();

function keyOf(jwk: { x: string; y: string }): KeyObject {
  let k = bareKeys.get(jwk.x);
  if (!k) {
    k = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' });
    bareKeys.set(jwk.x, k);
  }
  return k;
}

class BareRun {
  readonly counts: BareCounts = { signatures: 0, digests: 0 };
  // [text, parsed, text, parsed, ...]: the few repeats of one bundle, by equality.
  private readonly seen: unknown[] = [];

  private memo<T>(key: string, make: () => T): T {
    const seen = this.seen;
    for (let i = 0; i < seen.length; i += 2) if (seen[i] === key) return seen[i + 1] as T;
    const v = make();
    seen.push(key, v);
    return v;
  }

  digest(s: string): string {
    this.counts.digests++;
    return hash('sha256', s, 'base64url');
  }

  jwt(compact: string): Jwt {
    const [h, p, s] = compact.split('.') as [string, string, string];
    return {
      header: JSON.parse(text(h)),
      payload: JSON.parse(text(p)),
      input: `${h}.${p}`,
      signature: Buffer.from(s, 'base64url'),
    };
  }

  sdJwt(serialized: string): SdJwt {
    const parts = serialized.split('~');
    const jwt = this.memo(parts[0]!, () => this.jwt(parts[0]!));
    const disclosures: Disclosure[] = [];
    for (let i = 1; i < parts.length - 1; i++) {
      const d = parts[i]!;
      disclosures.push(
        this.memo(d, () => ({ digest: this.digest(d), value: JSON.parse(text(d)) as unknown[] })),
      );
    }
    return { jwt, disclosures };
  }

  verify(jwt: Jwt, key: KeyObject): void {
    this.counts.signatures++;
    if (
      !verify(
        'sha256',
        Buffer.from(jwt.input, 'ascii'),
        { key, dsaEncoding: 'ieee-p1363' },
        jwt.signature,
      )
    )
      throw new Error('bare: signature failed');
  }

  /** checkout_hash, and the merchant signature when merchant keys are trusted. */
  checkout(checkoutJwt: string, merchant: KeyObject | undefined): void {
    this.digest(checkoutJwt);
    const jwt = this.jwt(checkoutJwt);
    if (merchant) this.verify(jwt, merchant);
  }
}

/** The last element of a disclosure: its value. */
const disclosedValue = (d: Disclosure) =>
  d.value[d.value.length - 1] as Record<string, unknown> | null;

/** Decode, parse, digest and verify one bundle the bare way. Returns the work done. */
export function bareVerify(bundle: PresentationBundle): BareCounts {
  const run = new BareRun();
  type Xy = { x: string; y: string };
  const issuerJwk = bundle.trust.issuer_jwks?.keys[0] as Xy | undefined;
  const merchantJwk = bundle.trust.merchant_jwks?.keys[0] as Xy | undefined;
  if (!issuerJwk) throw new Error('bare: no issuer key');
  const merchant = merchantJwk ? keyOf(merchantJwk) : undefined;

  const l1 = run.sdJwt(bundle.l1);
  run.verify(l1.jwt, keyOf(issuerJwk));
  const l2 = run.sdJwt(bundle.l2);
  run.verify(l2.jwt, keyOf((l1.jwt.payload.cnf as { jwk: { x: string; y: string } }).jwk));
  run.digest(bundle.l1); // L2 sd_hash

  let agent: KeyObject | undefined;
  for (const d of l2.disclosures) {
    const v = disclosedValue(d);
    if (v && typeof v === 'object') {
      const cnf = v.cnf as { jwk?: { x: string; y: string } } | undefined;
      if (cnf?.jwk && !agent) agent = keyOf(cnf.jwk);
      if (!bundle.l3 && typeof v.checkout_jwt === 'string') run.checkout(v.checkout_jwt, merchant); // Immediate
    }
  }
  for (const e of bundle.l3 ?? []) {
    for (const [l3, view] of [
      [e.payment, e.payment_l2],
      [e.checkout, e.checkout_l2],
    ] as const) {
      if (!l3) continue;
      if (!agent) throw new Error('bare: no agent key in L2');
      if (view) run.sdJwt(view);
      const parsed = run.sdJwt(l3);
      run.verify(parsed.jwt, agent);
      run.digest(view ?? bundle.l2); // L3 sd_hash
      for (const d of parsed.disclosures) {
        const v = disclosedValue(d);
        if (v && typeof v === 'object' && typeof v.checkout_jwt === 'string')
          run.checkout(v.checkout_jwt, merchant);
      }
    }
  }
  return run.counts;
}
