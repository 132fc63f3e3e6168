/**
 * The signature checks of one verification, on either platform.
 *
 * On Node every check is answered at once (node:crypto), through the
 * verified-signature cache when one is configured. WebCrypto answers only
 * with a promise, so there a check that is not already known is answered
 * *provisionally* true and queued; the verifier then checks the whole queue
 * in one batched phase ({@link SignatureCheck.settle}). When every queued
 * signature held, the run stands as it is: it is the run a synchronous
 * platform makes. When one did not, the verifier runs again with the
 * answers known, so the verdict, the codes and the checks recorded are
 * exactly the synchronous ones (test/verify/web-platform.test.ts runs the
 * verify suite on the web seam to hold them together). Nothing a
 * provisional answer let through is returned before it is settled.
 */
import { encodeBase64url } from './base64url.js';
import { sha256b64u } from './digest.js';
import { importedKeyThumbprint, type PublicKeyHandle } from './keys.js';
import { verifyEs256Async, verifyEs256Now } from './platform.js';
import { signatureCacheKey, type VerifiedSignatureCache } from './signature-cache.js';

interface Queued {
  key: PublicKeyHandle;
  answer: string;
  cacheId: string | undefined;
  signingInput: string;
  signature: Uint8Array;
}

/** Per verification: verifies now where it can, queues where it cannot. */
export class SignatureCheck {
  private queued: Queued[] = [];
  /** Settled answers by key, then by signature and signing-input digest. */
  private readonly answers = new WeakMap<PublicKeyHandle, Map<string, boolean>>();

  constructor(private readonly cache: VerifiedSignatureCache | undefined = undefined) {}

  /**
   * Whether `signature` is a valid ES256 signature of `signingInput` under
   * `key`: final on Node, possibly provisional on WebCrypto (see
   * {@link provisional}). `digest`, when the caller has it, is
   * B64U(SHA-256(signingInput)).
   */
  verify(
    signingInput: string,
    signature: Uint8Array,
    key: PublicKeyHandle,
    digest?: string,
  ): boolean {
    if (signature.length !== 64) return false;
    const thumbprint = this.cache === undefined ? undefined : importedKeyThumbprint(key);
    let cacheId: string | undefined;
    if (thumbprint !== undefined) {
      digest ??= sha256b64u(signingInput);
      cacheId = signatureCacheKey(thumbprint, digest, signature);
      if (this.cache?.hit(cacheId)) return true;
    }
    const now = verifyEs256Now(signingInput, signature, key);
    if (now !== undefined) {
      if (now && cacheId !== undefined) this.cache?.remember(cacheId);
      return now;
    }
    const answer = `${encodeBase64url(signature)}\n${digest ?? sha256b64u(signingInput)}`;
    const known = this.answers.get(key)?.get(answer);
    if (known !== undefined) return known;
    this.queued.push({ key, answer, cacheId, signingInput, signature });
    return true;
  }

  /** Whether some answer given since the last {@link settle} was provisional. */
  get provisional(): boolean {
    return this.queued.length > 0;
  }

  /** Check every queued signature at once; true when each held (the provisional answers stand). */
  async settle(): Promise<boolean> {
    const batch = this.queued;
    this.queued = [];
    const results = await Promise.all(
      batch.map((q) => verifyEs256Async(q.signingInput, q.signature, q.key)),
    );
    let held = true;
    for (let i = 0; i < batch.length; i++) {
      const q = batch[i]!;
      const ok = results[i] === true;
      let byKey = this.answers.get(q.key);
      if (byKey === undefined) this.answers.set(q.key, (byKey = new Map()));
      byKey.set(q.answer, ok);
      if (ok && q.cacheId !== undefined) this.cache?.remember(q.cacheId);
      held &&= ok;
    }
    return held;
  }
}
