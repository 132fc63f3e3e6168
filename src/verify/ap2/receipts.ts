/**
 * Checkout and payment receipts (BUNDLE-AP2.md 5; DIFF §7): an ES256 JWT by
 * the key its header `kid` names (merchant keys for checkout receipts,
 * receipt keys for payment receipts), the body its schema describes, and a
 * `reference` naming the closed mandate of the bundle's chain of that kind:
 * the final segment hashed as `sd_hash` hashes (the AP2 text), or, with
 * `receiptReference: 'sdk'`, also the leaf JWT alone (the SDK).
 */
import { isRecord } from '../../internal/guards.js';
import type { MandateKind } from '../../profiles/profile.js';
import { sha256b64u } from '../../sdjwt/digest.js';
import { type ParsedJwt, parseJwt } from '../../sdjwt/parse.js';
import { type CheckLog, reject, type VerifyConfig } from '../context.js';
import { type KeyLookup, lookupKey } from '../steps/common.js';
import type { KeyResolver } from '../types.js';
import type { WalkedChain } from './chain.js';

export interface ReceiptInput {
  kind: MandateKind;
  jwt: string;
}

const REQUIRED: Record<MandateKind, { always: string[]; success: string[] }> = {
  checkout: { always: ['status', 'iss', 'iat', 'reference'], success: ['order_id'] },
  payment: {
    always: ['status', 'iss', 'iat', 'reference', 'payment_id'],
    success: ['psp_confirmation_id', 'network_confirmation_id'],
  },
};

function bodyOf(kind: MandateKind, p: Record<string, unknown>): void {
  const req = REQUIRED[kind];
  for (const k of req.always)
    if (p[k] === undefined) reject('AP2_RECEIPT_INVALID', `a ${kind} receipt carries ${k}`, k);
  if (p.status !== 'Success' && p.status !== 'Error')
    reject('AP2_RECEIPT_INVALID', 'status is Success or Error', 'status');
  if (typeof p.iat !== 'number' || !Number.isSafeInteger(p.iat))
    reject('AP2_RECEIPT_INVALID', 'iat is integer Unix seconds', 'iat');
  for (const k of ['iss', 'reference'])
    if (typeof p[k] !== 'string') reject('AP2_RECEIPT_INVALID', `${k} is a string`, k);
  for (const k of p.status === 'Success' ? req.success : ['error', 'error_description'])
    if (typeof p[k] !== 'string')
      reject('AP2_RECEIPT_INVALID', `a ${String(p.status)} ${kind} receipt carries ${k}`, k);
}

export interface ReceiptContext {
  config: VerifyConfig;
  merchantKeys: KeyResolver | undefined;
  receiptKeys: KeyResolver | undefined;
  chains: Partial<Record<MandateKind, WalkedChain>>;
  sdkReference: boolean;
}

/** Judge each receipt; returns each one's validity in order. */
export async function judgeReceipts(
  receipts: ReceiptInput[],
  ctx: ReceiptContext,
  log: CheckLog,
): Promise<{ kind: MandateKind; valid: boolean }[]> {
  const out: { kind: MandateKind; valid: boolean }[] = [];
  for (const r of receipts) {
    let jwt: ParsedJwt | undefined;
    let lookup: KeyLookup | undefined;
    try {
      jwt = parseJwt(r.jwt, 'receipt', ctx.config.limits);
    } catch {
      jwt = undefined;
    }
    const keys = r.kind === 'checkout' ? ctx.merchantKeys : ctx.receiptKeys;
    if (jwt && keys && typeof jwt.header.kid === 'string') {
      const l = lookupKey(keys, jwt.header.kid, ctx.config.keyCache);
      lookup = l instanceof Promise ? await l : l;
    }
    const status = log.check('ap2.receipts', 'receipt', () => {
      const parsed = jwt ?? parseJwt(r.jwt, 'receipt', ctx.config.limits);
      if (parsed.header.alg !== 'ES256')
        reject('AP2_RECEIPT_INVALID', 'receipt alg must be ES256', 'alg');
      if (!lookup || 'error' in lookup || lookup.jwk === undefined)
        reject(
          'AP2_RECEIPT_INVALID',
          `no trusted ${r.kind} receipt key with kid '${String(parsed.header.kid)}'`,
          'kid',
        );
      if (
        !ctx.config.signatures.verify(
          parsed.signingInput,
          parsed.signature,
          ctx.config.keyCache.import(lookup.jwk),
        )
      )
        reject('AP2_RECEIPT_INVALID', 'receipt signature does not verify');
      bodyOf(r.kind, parsed.payload);
      const chain = ctx.chains[r.kind];
      const final = chain?.verified ? chain.segments[chain.segments.length - 1] : undefined;
      const refs = final
        ? [sha256b64u(final.text), ...(ctx.sdkReference ? [sha256b64u(final.sd.jwt.compact)] : [])]
        : [];
      if (!refs.includes(parsed.payload.reference as string))
        reject(
          'AP2_RECEIPT_REFERENCE_UNKNOWN',
          `the receipt names no closed ${r.kind} mandate of this bundle`,
          'reference',
        );
    });
    out.push({ kind: r.kind, valid: status === 'passed' });
  }
  return out;
}

export function isReceiptInput(v: unknown): v is ReceiptInput {
  return (
    isRecord(v) && (v.kind === 'checkout' || v.kind === 'payment') && typeof v.jwt === 'string'
  );
}
