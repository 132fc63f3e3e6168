/**
 * The floor: the cryptography a verifier cannot avoid for one bundle, done
 * directly on node:crypto with everything prepared in advance (KeyObjects
 * imported, signing inputs as bytes). Counted from the bundle itself:
 *  - one ES256 verify per signed layer (L1, L2 once however many views, each
 *    L3, and the checkout_jwt when merchant keys are trusted);
 *  - one SHA-256 per distinct presented disclosure, per `sd_hash` (L2 over L1, each L3
 *    over its L2 view) and per `checkout_hash` (Immediate checkout mandate, L3b).
 * "Fresh keys" adds the `createPublicKey` JWK imports of the new user and agent keys.
 */
import { createHash, createPublicKey, hash, type KeyObject, verify } from 'node:crypto';
import type { PresentationBundle } from '../src/present/index.js';
import type { PublicJwk, SigningKey } from '../src/sdjwt/keys.js';

export interface FloorKeys {
  issuer: SigningKey;
  user: SigningKey;
  agent?: SigningKey;
  merchant?: SigningKey;
}

interface SignatureWork {
  input: Buffer;
  signature: Buffer;
  key: KeyObject;
}

export interface FloorWork {
  signatures: SignatureWork[];
  digests: string[];
  /** JWKs a verifier meeting these keys for the first time must import. */
  freshImports: PublicJwk[];
}

export interface FloorCounts {
  signatures: number;
  digests: number;
  imports: number;
}

function publicOf(k: SigningKey): KeyObject {
  return createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: k.publicJwk.x, y: k.publicJwk.y },
    format: 'jwk',
  });
}

function split(sdjwt: string): { jwt: string; disclosures: string[] } {
  const parts = sdjwt.split('~');
  return { jwt: parts[0]!, disclosures: parts.slice(1, -1) };
}

function signatureOf(jwt: string, key: KeyObject): SignatureWork {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  return { input: Buffer.from(`${h}.${p}`, 'ascii'), signature: Buffer.from(s, 'base64url'), key };
}

/** checkout_jwt values carried by the given disclosures (mandates that bind a cart). */
function checkoutJwtsIn(disclosures: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of disclosures) {
    const arr = JSON.parse(Buffer.from(d, 'base64url').toString('utf8')) as unknown[];
    const v = arr[arr.length - 1] as Record<string, unknown> | null;
    if (v && typeof v === 'object' && typeof v.checkout_jwt === 'string') out.push(v.checkout_jwt);
  }
  return out;
}

/** Work out the unavoidable work for one bundle. */
export function floorWork(bundle: PresentationBundle, keys: FloorKeys): FloorWork {
  const issuer = publicOf(keys.issuer);
  const user = publicOf(keys.user);
  const agent = keys.agent ? publicOf(keys.agent) : undefined;
  const merchant =
    keys.merchant && bundle.trust.merchant_jwks ? publicOf(keys.merchant) : undefined;
  const signatures: SignatureWork[] = [];
  // A Set: the same disclosure presented in two views needs hashing only once.
  const digests = new Set<string>();
  const digest = (...xs: string[]) => {
    for (const x of xs) digests.add(x);
  };

  const l1 = split(bundle.l1);
  signatures.push(signatureOf(l1.jwt, issuer));
  digest(...l1.disclosures, bundle.l1); // disclosures + L2 sd_hash over L1

  const l2Strings = new Set<string>([bundle.l2]);
  for (const e of bundle.l3 ?? []) {
    if (e.payment_l2) l2Strings.add(e.payment_l2);
    if (e.checkout_l2) l2Strings.add(e.checkout_l2);
  }
  signatures.push(signatureOf(split(bundle.l2).jwt, user));
  const checkoutJwts: string[] = [];
  for (const s of l2Strings) {
    const { disclosures } = split(s);
    digest(...disclosures);
    if (!bundle.l3) checkoutJwts.push(...checkoutJwtsIn(disclosures)); // Immediate: checkout mandate in L2
  }

  for (const e of bundle.l3 ?? []) {
    for (const [l3, view] of [
      [e.payment, e.payment_l2],
      [e.checkout, e.checkout_l2],
    ] as const) {
      if (!l3) continue;
      if (!agent) throw new Error('an L3 needs the agent key');
      const { jwt, disclosures } = split(l3);
      signatures.push(signatureOf(jwt, agent));
      digest(...disclosures, view ?? bundle.l2); // disclosures + L3 sd_hash over its view
      checkoutJwts.push(...checkoutJwtsIn(disclosures)); // L3b checkout mandate
    }
  }
  for (const jwt of checkoutJwts) {
    digest(jwt); // checkout_hash
    if (merchant) signatures.push(signatureOf(jwt, merchant));
  }

  const freshImports = [keys.user.publicJwk];
  if (keys.agent && bundle.l3) freshImports.push(keys.agent.publicJwk);
  return { signatures, digests: [...digests], freshImports };
}

export function countsOf(w: FloorWork, fresh: boolean): FloorCounts {
  return {
    signatures: w.signatures.length,
    digests: w.digests.length,
    imports: fresh ? w.freshImports.length : 0,
  };
}

/** The fastest SHA-256 node:crypto offers: one-shot `hash` (Node ≥ 20.12), else createHash. */
const sha256: (s: string) => string =
  typeof hash === 'function'
    ? (s) => hash('sha256', s, 'base64url')
    : (s) => createHash('sha256').update(s, 'utf8').digest('base64url');

/** Do the floor's work once. Returns false if any signature failed (which would be a benchmark bug). */
export function runFloor(w: FloorWork, fresh: boolean): boolean {
  let ok = true;
  if (fresh) {
    for (const jwk of w.freshImports)
      createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' });
  }
  for (const s of w.signatures)
    ok = verify('sha256', s.input, { key: s.key, dsaEncoding: 'ieee-p1363' }, s.signature) && ok;
  for (const d of w.digests) sha256(d);
  return ok;
}
