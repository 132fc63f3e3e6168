/**
 * The mandates of a walked AP2 chain (BUNDLE-AP2.md 2–4; DIFF §4–5): the
 * final segment's closed mandate of the chain's kind, the open mandates
 * before it, each shaped as its JSON Schema says; every constraint of every
 * open mandate judged against the closed one; pre-set claims unchanged; and
 * the bindings to the checkout: `checkout_hash`, the merchant's
 * `checkout_jwt`, `transaction_id`.
 */
import { type Ap2MandateContext, ap2ConstraintType } from '../../constraints/ap2/index.js';
import { isRecord } from '../../internal/guards.js';
import { AP2_V0_2 } from '../../profiles/ap2.js';
import type { MandateKind } from '../../profiles/profile.js';
import { sha256b64u } from '../../sdjwt/digest.js';
import { type ParsedJwt, parseJwt } from '../../sdjwt/parse.js';
import { type CheckLog, reject, type Skip, skip, type VerifyConfig } from '../context.js';
import { lookupKey } from '../steps/common.js';
import type { KeyResolver } from '../types.js';
import { layerOf, type WalkedChain } from './chain.js';
import type { Ap2Expectation } from './types.js';

export interface Mandates {
  closed: Record<string, unknown>;
  /** Open mandates, root first (a user-credential root is none). */
  open: Record<string, unknown>[];
  /** Checkout chains: the parsed `checkout_jwt`. */
  checkoutJwt?: ParsedJwt;
}

const isInt = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v);
const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function need(ok: boolean, what: string): void {
  if (!ok) reject('AP2_MANDATE_SCHEMA', what);
}

function merchantShape(m: unknown, what: string): void {
  need(isRecord(m) && isStr(m.id) && isStr(m.name), `${what} must be a Merchant with id and name`);
}
function amountShape(a: unknown, what: string): void {
  need(
    isRecord(a) && isInt(a.amount) && isStr(a.currency),
    `${what} must be an Amount (integer minor units, currency)`,
  );
}
function instrumentShape(p: unknown, what: string): void {
  need(
    isRecord(p) && isStr(p.id) && isStr(p.type),
    `${what} must be a PaymentInstrument with id and type`,
  );
}
function pispShape(p: unknown, what: string): void {
  need(
    isRecord(p) && isStr(p.legal_name) && isStr(p.brand_name) && isStr(p.domain_name),
    `${what} must be a PISP with legal_name, brand_name and domain_name`,
  );
}

/** schemas/ap2/{checkout,payment}_mandate.json and their open twins: what verification reads. */
function schemaOf(kind: MandateKind, m: Record<string, unknown>, open: boolean): void {
  if (open) {
    need(Array.isArray(m.constraints), 'an open mandate carries constraints');
    const list = (m.constraints as unknown[]).filter(isRecord);
    need(list.length === (m.constraints as unknown[]).length, 'each constraint is an object');
    need(
      list.every((c) => typeof c.type === 'string'),
      'each constraint has a type',
    );
    need(
      list.some((c) => c.type === AP2_V0_2.requiredConstraint[kind]),
      `an open ${kind} mandate contains a ${AP2_V0_2.requiredConstraint[kind]} constraint`,
    );
    need(isRecord(m.cnf) && isRecord(m.cnf.jwk), 'an open mandate carries cnf.jwk');
  }
  if (kind === 'checkout' && !open) {
    need(isStr(m.checkout_jwt), 'a closed checkout mandate discloses checkout_jwt');
    need(isStr(m.checkout_hash), 'a closed checkout mandate carries checkout_hash');
  }
  if (kind === 'payment') {
    if (!open) {
      need(isStr(m.transaction_id), 'a closed payment mandate carries transaction_id');
      for (const k of ['payee', 'payment_amount', 'payment_instrument'])
        need(m[k] !== undefined, `a closed payment mandate carries ${k}`);
    }
    if (m.payee !== undefined) merchantShape(m.payee, 'payee');
    if (m.payment_amount !== undefined) amountShape(m.payment_amount, 'payment_amount');
    if (m.payment_instrument !== undefined)
      instrumentShape(m.payment_instrument, 'payment_instrument');
    if (m.pisp !== undefined) pispShape(m.pisp, 'pisp');
    if (m.execution_date !== undefined)
      need(typeof m.execution_date === 'string', 'execution_date is an ISO 8601 string');
  }
}

/** Deep equality of JSON values (key order free). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length &&
      ka.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]))
    );
  }
  return false;
}

/** The UCP Checkout a `checkout_jwt` must carry (schemas/ucp/types/checkout.json), as far as the constraints read it. */
const UCP_STATUSES = new Set([
  'incomplete',
  'requires_escalation',
  'ready_for_complete',
  'complete_in_progress',
  'completed',
  'canceled',
]);
const ucpProblem = (why: string, claim: string): never =>
  reject('AP2_MANDATE_SCHEMA', `checkout_jwt is no UCP Checkout: ${why}`, claim);

/** UCP `totals`: an array of {type, amount (integer minor units)}. */
function ucpTotals(v: unknown, claim: string): void {
  if (!Array.isArray(v)) ucpProblem(`${claim} must be an array`, claim);
  (v as unknown[]).forEach((t, i) => {
    if (!isRecord(t) || !isStr(t.type) || !isInt(t.amount))
      ucpProblem(`${claim}[${i}] needs a type and an integer amount`, claim);
  });
}

/**
 * The checkout JWT's payload against what the UCP Checkout schema requires
 * (schemas/ucp/types: checkout, line_item, item, total, link), as the AP2 SDK
 * validates it: a checkout it would refuse is refused here too.
 */
function ucpCheckout(payload: Record<string, unknown>): void {
  if (!isStr(payload.id)) ucpProblem('id must be a string', 'checkout_jwt.id');
  if (!isStr(payload.currency)) ucpProblem('currency must be a string', 'checkout_jwt.currency');
  if (!isStr(payload.status) || !UCP_STATUSES.has(payload.status))
    ucpProblem('status must be a UCP checkout status', 'checkout_jwt.status');
  if (!Array.isArray(payload.line_items))
    ucpProblem('line_items must be an array', 'checkout_jwt.line_items');
  (payload.line_items as unknown[]).forEach((l, i) => {
    const at = `checkout_jwt.line_items[${i}]`;
    if (!isRecord(l) || !isStr(l.id)) ucpProblem(`${at} needs an id`, at);
    const li = l as Record<string, unknown>;
    if (!isInt(li.quantity) || (li.quantity as number) < 1)
      ucpProblem(`${at}.quantity must be a positive integer`, `${at}.quantity`);
    const item = li.item;
    if (!isRecord(item) || !isStr(item.id) || !isStr(item.title) || !isInt(item.price))
      ucpProblem(`${at}.item needs an id, a title and an integer price`, `${at}.item`);
    ucpTotals(li.totals, `${at}.totals`);
  });
  ucpTotals(payload.totals, 'checkout_jwt.totals');
  if (!Array.isArray(payload.links)) ucpProblem('links must be an array', 'checkout_jwt.links');
  (payload.links as unknown[]).forEach((k, i) => {
    if (!isRecord(k) || !isStr(k.type) || !isStr(k.url))
      ucpProblem(`links[${i}] needs a type and a url`, 'checkout_jwt.links');
  });
}

export interface JudgeContext {
  config: VerifyConfig;
  at: number;
  expect: Ap2Expectation | undefined;
  merchantKeys: KeyResolver | undefined;
  context: Ap2MandateContext | undefined;
  openCheckoutHash: string | undefined;
  transactionId: string | undefined;
}

/** Read and judge the mandates of a verified chain. */
export async function judgeMandates(
  chain: WalkedChain,
  ctx: JudgeContext,
  log: CheckLog,
): Promise<Mandates | undefined> {
  const layer = layerOf(chain.kind);
  const { kind, segments } = chain;
  const vct = AP2_V0_2.vct[kind];
  let mandates: Mandates | undefined;
  if (
    log.check('ap2.mandates', layer, () => {
      const final = segments[segments.length - 1]!.effective!;
      if (final.vct !== vct.closed)
        reject(
          'AP2_MANDATE_VCT_INVALID',
          `the final segment discloses ${String(final.vct)}, not ${vct.closed}`,
          'vct',
          {
            expected: vct.closed,
            actual: final.vct,
          },
        );
      const open: Record<string, unknown>[] = [];
      for (const seg of segments.slice(0, -1)) {
        const v = seg.effective!.vct;
        if (v === vct.open) open.push(seg.effective!);
        // A user credential roots the chain without being a mandate; nothing else may sit between.
        else if (!(seg.credentialRoot && !(typeof v === 'string' && v.startsWith('mandate.'))))
          reject(
            'AP2_MANDATE_VCT_INVALID',
            `segment ${seg.index} is ${String(v)}, not ${vct.open}`,
            'vct',
          );
      }
      mandates = { closed: final, open };
    }) !== 'passed'
  )
    return undefined;
  const m = mandates!;
  if (
    log.check('ap2.mandates.schema', layer, () => {
      schemaOf(kind, m.closed, false);
      for (const o of m.open) schemaOf(kind, o, true);
      if (kind === 'checkout') {
        const jwt = parseJwt(m.closed.checkout_jwt as string, 'checkout_jwt', ctx.config.limits);
        ucpCheckout(jwt.payload);
        m.checkoutJwt = jwt;
      }
    }) !== 'passed'
  )
    return undefined;

  if (kind === 'checkout') await checkoutBindings(m, ctx, log, layer);
  else
    log.check('ap2.payment.transaction_id', layer, () => {
      if (ctx.transactionId === undefined)
        reject(
          'AP2_EXPECTATION_MISSING',
          'no checkout known to compare transaction_id with',
          'transaction_id',
        );
      if (m.closed.transaction_id !== ctx.transactionId)
        reject(
          'AP2_TRANSACTION_ID_MISMATCH',
          'transaction_id is not the checkout this payment is for',
          'transaction_id',
          {
            expected: ctx.transactionId,
            actual: m.closed.transaction_id,
          },
        );
    });

  log.check('ap2.constraints', layer, () => {
    const input = {
      closed: m.closed,
      checkout: m.checkoutJwt?.payload,
      at: ctx.at,
      context: ctx.context,
      openCheckoutHash: ctx.openCheckoutHash,
      limits: ctx.config.limits,
    };
    let count = 0;
    for (const open of m.open)
      for (const c of open.constraints as Record<string, unknown>[]) {
        if (++count > ctx.config.limits.maxConstraints)
          reject('LIMIT_EXCEEDED', `more than ${ctx.config.limits.maxConstraints} constraints`);
        const type = ap2ConstraintType(kind, c.type);
        if (!type)
          reject(
            'AP2_CONSTRAINT_UNKNOWN',
            `unknown ${kind} constraint type '${String(c.type)}'`,
            String(c.type),
          );
        type.evaluate(c, input);
      }
  });
  log.check('ap2.presets', layer, (): void | Skip => {
    if (kind !== 'payment') return skip('checkout mandates pre-set nothing');
    for (const open of m.open)
      for (const claim of AP2_V0_2.paymentPresets)
        if (open[claim] !== undefined && !sameJson(open[claim], m.closed[claim]))
          reject(
            'AP2_PRESET_CHANGED',
            `${claim} pre-set by the open mandate differs in the closed one`,
            claim,
          );
  });
  return m;
}

async function checkoutBindings(
  m: Mandates,
  ctx: JudgeContext,
  log: CheckLog,
  layer: 'checkout_chain' | 'payment_chain',
) {
  const jwt = m.checkoutJwt!;
  log.check('ap2.checkout.hash', layer, () => {
    if (m.closed.checkout_hash !== sha256b64u(jwt.compact))
      reject(
        'AP2_CHECKOUT_HASH_MISMATCH',
        'checkout_hash is not the hash of the disclosed checkout_jwt',
        'checkout_hash',
      );
  });
  log.check('ap2.checkout.jwt', layer, (): void | Skip => {
    const want = ctx.expect?.checkout_jwt;
    if (want === undefined) return skip('the verifier holds no checkout_jwt of its own');
    if (jwt.compact !== want)
      reject(
        'AP2_CHECKOUT_JWT_MISMATCH',
        'checkout_jwt is not the one the merchant issued',
        'checkout_jwt',
      );
  });
  const kid = jwt.header.kid;
  const keys = ctx.merchantKeys;
  const hasKeys = keys !== undefined && (typeof keys === 'function' || keys.keys.length > 0);
  let found: unknown;
  if (hasKeys && typeof kid === 'string') {
    const r = lookupKey(keys, kid, ctx.config.keyCache);
    found = r instanceof Promise ? await r : r;
  }
  log.check('ap2.checkout.signature', layer, (): void | Skip => {
    if (!hasKeys) return skip('no merchant keys configured');
    if (jwt.header.alg !== 'ES256')
      reject('ALG_NOT_ALLOWED', 'checkout_jwt alg must be ES256', 'alg');
    const l = found as { jwk?: unknown; error?: unknown } | undefined;
    if (!l || l.error !== undefined || l.jwk === undefined)
      reject(
        'AP2_CHECKOUT_JWT_KEY_UNKNOWN',
        `no trusted merchant key with kid '${String(kid)}'`,
        'kid',
      );
    if (
      !ctx.config.signatures.verify(
        jwt.signingInput,
        jwt.signature,
        ctx.config.keyCache.import(l.jwk),
      )
    )
      reject(
        'AP2_CHECKOUT_JWT_SIGNATURE_INVALID',
        'checkout_jwt signature does not verify',
        'checkout_jwt',
      );
  });
}
