/**
 * Merchant replay memory: which verified L3b entries of a merchant view to
 * remember, and for how long. An L3b is keyed by its signed content (an ECDSA
 * signature can be re-minted by whoever holds the L3b) and by (agent key,
 * nonce); it is kept until its `exp` plus the verifier's skew, after which
 * the verifier rejects it as EXPIRED anyway.
 */
import { isRecord } from '../constraints/values.js';
import { sha256b64u } from '../sdjwt/digest.js';
import { signedContentOf } from '../sdjwt/parse.js';
import type { VerificationResult } from '../verify/types.js';
import type { MerchantPresentation } from './types.js';

/** Each verified L3b of a valid verification, with the bundle entry it came from. */
export function merchantPresentationsFrom(
  bundle: unknown,
  result: VerificationResult,
  skewSeconds: number,
): { entry: number; presentation: MerchantPresentation }[] {
  if (!result.valid) return [];
  const l3 = isRecord(bundle) && Array.isArray(bundle.l3) ? bundle.l3 : [];
  const out: { entry: number; presentation: MerchantPresentation }[] = [];
  result.claims.l3.forEach((claims, entry) => {
    const checkout = claims.checkout?.claims;
    const signer = result.signers.l3[entry]?.checkout;
    const raw = isRecord(l3[entry]) ? l3[entry].checkout : undefined;
    if (!checkout || signer === undefined || typeof raw !== 'string') return;
    const { nonce, exp } = checkout;
    if (typeof nonce !== 'string' || typeof exp !== 'number') return; // the verifier requires both; never reached when valid
    out.push({
      entry,
      presentation: {
        contentId: sha256b64u(signedContentOf(raw)),
        signerThumbprint: signer,
        nonce,
        at: result.at,
        forgetAfter: exp + skewSeconds,
      },
    });
  });
  return out;
}
