/**
 * Stage: key resolution. Every trusted key a verification may need is looked
 * up once, before any check runs: the issuer key the L1 header names and the
 * merchant keys the presented `checkout_jwt`s name. A resolver may be
 * asynchronous (a JWKS fetcher); this is the only place the pipeline awaits
 * a key, so everything after it is synchronous. Lookups never throw: a
 * failed one is kept as it is and fails the check that needs the key.
 */
import { isRecord } from '../../constraints/values.js';
import type { ParsedDisclosure } from '../../sdjwt/parse.js';
import type { ParsedChain, ResolvedKeys } from '../stages.js';
import { type KeyLookup, lookupKey } from './common.js';

/** The kid of every readable checkout_jwt among the disclosures presented (L2 views, L3b). */
function checkoutKids(chain: ParsedChain): Set<string> {
  const kids = new Set<string>();
  const scan = (disclosures: readonly ParsedDisclosure[]) => {
    for (const d of disclosures) {
      const jwt = isRecord(d.value) ? d.value.checkout_jwt : undefined;
      if (typeof jwt !== 'string') continue;
      try {
        const kid = chain.checkoutJwts.of(jwt).header.kid;
        if (typeof kid === 'string') kids.add(kid);
      } catch {
        // Unreadable: reported by checkout_jwt.signature where it matters.
      }
    }
  };
  for (const v of chain.views) scan(v.parsed.disclosures);
  for (const r of chain.l3) if (r.kind === 'checkout') scan(r.parsed.disclosures);
  return kids;
}

/** Resolve the keys; a promise only when a resolver returned one. */
export function resolveKeys(chain: ParsedChain): ResolvedKeys | Promise<ResolvedKeys> {
  const { issuerKeys, merchantKeys, config } = chain.read;
  const pending: Promise<void>[] = [];
  let issuer: KeyLookup | undefined;
  const merchants = new Map<string, KeyLookup>();
  const kid = chain.l1.jwt.header.kid;
  if (typeof kid === 'string' && kid !== '') {
    const found = lookupKey(issuerKeys, kid, config.keyCache);
    if (found instanceof Promise) pending.push(found.then((l) => void (issuer = l)));
    else issuer = found;
  }
  if (merchantKeys) {
    for (const k of checkoutKids(chain)) {
      const found = lookupKey(merchantKeys, k, config.keyCache);
      if (found instanceof Promise) pending.push(found.then((l) => void merchants.set(k, l)));
      else merchants.set(k, found);
    }
  }
  if (pending.length > 0) return Promise.all(pending).then(() => ({ issuer, merchants }));
  return { issuer, merchants };
}
