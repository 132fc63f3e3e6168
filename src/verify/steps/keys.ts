/**
 * Stage: key resolution. Every trusted key a verification may need is looked
 * up once, before any check runs: the issuer key the L1 header names and the
 * merchant keys the presented `checkout_jwt`s name. A resolver may be
 * asynchronous (a JWKS fetcher); this is the only place the pipeline awaits,
 * so everything after it is synchronous. Lookups never throw: a failed one is
 * kept as it is and fails the check that needs the key.
 */
import { isRecord } from '../../constraints/values.js';
import type { ParsedDisclosure } from '../../sdjwt/parse.js';
import type { VerifyContext } from '../context.js';
import type { KeyResolver } from '../types.js';
import { checkoutJwtOf } from './bindings.js';
import { type KeyLookup, lookupKey } from './common.js';

/** The kid of every readable checkout_jwt among the disclosures presented (L2 views, L3b). */
function checkoutKids(ctx: VerifyContext): Set<string> {
  const kids = new Set<string>();
  const scan = (disclosures: readonly ParsedDisclosure[]) => {
    for (const d of disclosures) {
      const jwt = isRecord(d.value) ? d.value.checkout_jwt : undefined;
      if (typeof jwt !== 'string') continue;
      try {
        const kid = checkoutJwtOf(ctx, jwt).header.kid;
        if (typeof kid === 'string') kids.add(kid);
      } catch {
        // Unreadable: reported by checkout_jwt.signature where it matters.
      }
    }
  };
  if (ctx.l2) scan(ctx.l2.parsed.disclosures);
  for (const v of ctx.l2Views) scan(v.parsed.disclosures);
  for (const r of ctx.l3) if (r.kind === 'checkout') scan(r.parsed.disclosures);
  return kids;
}

/** Resolve the keys; a promise only when a resolver returned one. */
export function resolveKeys(ctx: VerifyContext): void | Promise<void> {
  const pending: Promise<void>[] = [];
  const resolve = (resolver: KeyResolver, kid: string, store: (l: KeyLookup) => void) => {
    const found = lookupKey(resolver, kid, ctx.keyCache);
    if (found instanceof Promise) pending.push(found.then(store));
    else store(found);
  };
  const kid = ctx.l1?.jwt.header.kid;
  if (typeof kid === 'string' && kid !== '' && ctx.issuerKeys) resolve(ctx.issuerKeys, kid, (l) => (ctx.issuerLookup = l));
  const merchantKeys = ctx.merchantKeys;
  if (merchantKeys) for (const k of checkoutKids(ctx)) resolve(merchantKeys, k, (l) => ctx.merchantLookups.set(k, l));
  if (pending.length > 0) return Promise.all(pending).then(() => undefined);
}
