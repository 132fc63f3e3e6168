/**
 * Walking one AP2 chain (BUNDLE-AP2.md "What a verifier checks" 1; DIFF §1–3,
 * 6.1): split on `~~`, verify the root under a configured key, then each hop
 * under the `cnf.jwk` of the previous segment's single delegate item, bound
 * by `sd_hash` or `issuer_jwt_hash` to the previous segment as presented;
 * the final hop terminal, with `iat`, and the `aud` and `nonce` the verifier
 * expects; every `exp` and `iat` within the skew. Keys come only from the
 * configuration (the root) and from the previous segment (every hop).
 */
import { VIError } from '../../errors.js';
import { isRecord } from '../../internal/guards.js';
import { AP2_V0_2 } from '../../profiles/ap2.js';
import type { MandateKind } from '../../profiles/profile.js';
import { sha256b64u } from '../../sdjwt/digest.js';
import { jwkThumbprint, type PublicJwk, publicJwkProblem } from '../../sdjwt/keys.js';
import { type ParsedSdJwt, parseSdJwt } from '../../sdjwt/parse.js';
import { disclosedElements, type ResolveOptions, resolveDisclosures } from '../../sdjwt/resolve.js';
import { anchoredX5cKey } from '../../sdjwt/x5c.js';
import { type CheckLog, checkHop, reject, type VerifyConfig } from '../context.js';
import { lookupKey } from '../steps/common.js';
import type { KeyResolver } from '../types.js';
import type { Ap2Expectation } from './types.js';

const RESOLVE: ResolveOptions = {
  shareableArrays: new Set(['allowed', 'acceptable_items']),
  maxDepth: 24,
};
/** Members a hop key's JWK may carry (schemas/ap2/types/jwk.json; DIFF 2.2). */
const JWK_MEMBERS = new Set(['kty', 'crv', 'x', 'y', 'kid', 'alg', 'use']);

export interface Segment {
  /** 0 the root, then each hop. */
  index: number;
  /** The segment as presented, with its trailing `~`: what the next hop's `sd_hash` covers. */
  text: string;
  sd: ParsedSdJwt;
  /** The payload with its disclosures resolved (after `ap2.disclosures`). */
  claims?: Record<string, unknown>;
  /** The single delegate item, or the payload of a root without `delegate_payload` (a user credential). */
  effective?: Record<string, unknown>;
  /** A root whose payload is itself the effective one. */
  credentialRoot: boolean;
}

export interface WalkedChain {
  kind: MandateKind;
  segments: Segment[];
  /** Every segment verified, bound and resolved: the mandates may be read. */
  verified: boolean;
  rootKid?: string;
}

export interface ChainContext {
  config: VerifyConfig;
  at: number;
  issuerKeys: KeyResolver | undefined;
  /** Trust anchors for `x5c` roots (configuration; the bundle's only in test-vector mode). */
  x5cRoots?: readonly string[];
  expect: Ap2Expectation | undefined;
}

export function layerOf(kind: MandateKind): 'checkout_chain' | 'payment_chain' {
  return kind === 'checkout' ? 'checkout_chain' : 'payment_chain';
}

/** The segments as presented: a non-final one gets back the `~` the join took (DIFF 1.1). */
export function splitChain(text: string): string[] {
  const parts = text.split(AP2_V0_2.chainSeparator);
  return parts.map((p, i) => (i < parts.length - 1 ? `${p}~` : p));
}

function hopKey(effective: Record<string, unknown> | undefined, hop: number): PublicJwk {
  const cnf = effective?.cnf;
  const jwk = isRecord(cnf) ? cnf.jwk : undefined;
  const problem = publicJwkProblem(jwk);
  if (problem)
    reject(
      'AP2_HOP_CNF_INVALID',
      `segment ${hop - 1} delegates to no usable key: ${problem}`,
      'cnf.jwk',
    );
  const extra = Object.keys(jwk as object).filter((k) => !JWK_MEMBERS.has(k));
  if (extra.length > 0)
    reject(
      'AP2_HOP_CNF_INVALID',
      `cnf.jwk carries members AP2 does not allow: ${extra.join(', ')}`,
      'cnf.jwk',
    );
  return jwk as PublicJwk;
}

function requireEs256(header: Record<string, unknown>): void {
  if (header.alg !== AP2_V0_2.alg)
    reject('ALG_NOT_ALLOWED', `alg must be ES256, got ${String(header.alg)}`, 'alg');
}

function resolveSegment(seg: Segment, layer: ReturnType<typeof layerOf>): void {
  const payload = seg.sd.jwt.payload;
  if (payload._sd_alg !== undefined && payload._sd_alg !== AP2_V0_2.sdAlg)
    reject('SD_ALG_UNSUPPORTED', '_sd_alg must be sha-256', '_sd_alg');
  seg.claims = resolveDisclosures(payload, seg.sd.disclosures, layer, RESOLVE).claims;
}

function delegateOf(seg: Segment): void {
  const claims = seg.claims ?? {};
  const list = claims[AP2_V0_2.delegateClaim];
  if (list === undefined && seg.index === 0) {
    seg.effective = claims;
    seg.credentialRoot = true;
    return;
  }
  const items = Array.isArray(list) ? disclosedElements(list) : [];
  if (items.length !== 1 || !isRecord(items[0]))
    reject(
      'AP2_DELEGATE_COUNT',
      `segment ${seg.index} discloses ${items.length} delegate_payload items, not exactly one`,
      'delegate_payload',
    );
  seg.effective = items[0];
}

function bindingOf(seg: Segment, prev: Segment): void {
  const { sd_hash: sdHash, issuer_jwt_hash: jwtHash } = seg.sd.jwt.payload;
  if ((sdHash === undefined) === (jwtHash === undefined))
    reject(
      'AP2_HOP_BINDING_INVALID',
      'a hop carries exactly one of sd_hash and issuer_jwt_hash',
      'sd_hash',
    );
  if (sdHash !== undefined && sdHash !== sha256b64u(prev.text))
    reject(
      'AP2_HOP_BINDING_INVALID',
      'sd_hash is not over the previous segment as presented',
      'sd_hash',
    );
  if (jwtHash !== undefined && jwtHash !== sha256b64u(prev.sd.jwt.compact))
    reject(
      'AP2_HOP_BINDING_INVALID',
      "issuer_jwt_hash is not over the previous segment's JWT",
      'issuer_jwt_hash',
    );
}

function timesOf(seg: Segment, ctx: ChainContext): void {
  const skew = ctx.config.skew;
  for (const [where, o] of [
    ['payload', seg.sd.jwt.payload],
    ['delegate item', seg.credentialRoot ? undefined : seg.effective],
  ] as const) {
    if (!o) continue;
    for (const claim of ['exp', 'iat'] as const) {
      const v = o[claim];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isSafeInteger(v))
        reject('AP2_MANDATE_SCHEMA', `${where} ${claim} must be integer Unix seconds`, claim);
      if (claim === 'exp' && ctx.at > v + skew)
        reject('AP2_EXPIRED', `segment ${seg.index} ${where} expired at ${v}`, 'exp', {
          expected: { after: ctx.at - skew },
          actual: v,
        });
      if (claim === 'iat' && v > ctx.at + skew)
        reject(
          'AP2_NOT_YET_VALID',
          `segment ${seg.index} ${where} issued in the future (${v})`,
          'iat',
          { actual: v },
        );
    }
  }
}

/** Walk and verify one chain; every check it runs is recorded in `log`. */
export async function walkChain(
  kind: MandateKind,
  text: string,
  ctx: ChainContext,
  log: CheckLog,
): Promise<WalkedChain> {
  const layer = layerOf(kind);
  const out: WalkedChain = { kind, segments: [], verified: false };
  const limits = ctx.config.limits;
  const parsed = log.check('ap2.chain.parse', layer, () => {
    const texts = splitChain(text);
    if (texts.length > AP2_V0_2.maxHops + 1)
      reject('LIMIT_EXCEEDED', `${texts.length - 1} hops, limit ${AP2_V0_2.maxHops}`);
    texts.forEach((t, index) => {
      if (t === '' || t === '~') reject('AP2_CHAIN_MALFORMED', `segment ${index} is empty`);
      try {
        out.segments.push({
          index,
          text: t,
          // An open mandate's root recurs with every payment under it: a network's parse cache keeps it.
          sd: parseSdJwt(t, layer, limits, undefined, ctx.config.options.parseCache),
          credentialRoot: false,
        });
      } catch (e) {
        if (e instanceof VIError && index === texts.length - 1 && !t.endsWith('~'))
          reject(
            'AP2_CHAIN_MALFORMED',
            'the chain ends in a key-binding JWT after the final hop, which AP2 chains do not carry',
          );
        throw e;
      }
    });
  });
  if (parsed !== 'passed') return out;

  const segs = out.segments;
  const root = segs[0]!;
  let rootJwk: PublicJwk | undefined;
  const header = root.sd.jwt.header;
  const kid = header.kid;
  // The root key: by kid from the configured trust list; an x5c root is never self-anchoring.
  let found: PublicJwk | undefined;
  let lookupError: unknown;
  if (typeof kid === 'string' && ctx.issuerKeys) {
    const r = lookupKey(ctx.issuerKeys, kid, ctx.config.keyCache);
    const l = r instanceof Promise ? await r : r;
    if ('error' in l) lookupError = l.error;
    else found = l.jwk;
  }
  if (
    checkHop(log, 'ap2.root.key', layer, 0, () => {
      requireEs256(header);
      const anchors = ctx.x5cRoots ?? [];
      // A root known by kid on the trust list wins; else an x5c chain to a configured anchor.
      if (!found && header.x5c !== undefined && anchors.length > 0) {
        const r = anchoredX5cKey(header.x5c, anchors, ctx.at);
        if ('problem' in r)
          reject('AP2_ROOT_X5C_UNANCHORED', `the root's x5c: ${r.problem}`, 'x5c');
        rootJwk = r.jwk;
        out.rootKid = typeof kid === 'string' ? kid : `x5c:${jwkThumbprint(r.jwk)}`;
        return;
      }
      if (!ctx.issuerKeys) reject('TRUST_NOT_CONFIGURED', 'no root keys configured (issuerKeys)');
      if (lookupError !== undefined) {
        if (lookupError instanceof VIError) throw lookupError;
        reject('AP2_ROOT_KEY_UNKNOWN', `the key resolver failed for kid '${String(kid)}'`, 'kid');
      }
      if (found) {
        rootJwk = found;
        out.rootKid = kid as string;
        return;
      }
      if (header.x5c !== undefined)
        reject(
          'AP2_ROOT_X5C_UNANCHORED',
          'the root names its key by x5c, and no x5c roots are configured to anchor it',
          'x5c',
        );
      reject('AP2_ROOT_KEY_UNKNOWN', `no trusted root key with kid '${String(kid)}'`, 'kid');
    }) !== 'passed'
  )
    return out;
  const signed = (seg: Segment, jwk: PublicJwk) => {
    const key = ctx.config.keyCache.import(jwk);
    if (!ctx.config.signatures.verify(seg.sd.jwt.signingInput, seg.sd.jwt.signature, key))
      reject('AP2_SIGNATURE_INVALID', `segment ${seg.index}: ES256 signature does not verify`);
  };
  if (checkHop(log, 'ap2.root.signature', layer, 0, () => signed(root, rootJwk!)) !== 'passed')
    return out;

  let ok = true;
  for (const seg of segs) {
    if (seg.index > 0) {
      const prev = segs[seg.index - 1]!;
      const h = seg.sd.jwt.header;
      const final = seg.index === segs.length - 1;
      ok =
        checkHop(log, 'ap2.hop.header', layer, seg.index, () => {
          requireEs256(h);
          const terminal = (AP2_V0_2.typ.terminal as readonly unknown[]).includes(h.typ);
          const intermediate = (AP2_V0_2.typ.intermediate as readonly unknown[]).includes(h.typ);
          if (!terminal && !intermediate)
            reject('AP2_HOP_TYP_INVALID', `hop typ ${String(h.typ)} is no kb+sd-jwt type`, 'typ');
        }) === 'passed' && ok;
      let jwk: PublicJwk | undefined;
      if (
        checkHop(log, 'ap2.hop.cnf', layer, seg.index, () => {
          jwk = hopKey(prev.effective, seg.index);
          // An off-curve point is the delegating segment's fault, not the hop's signature.
          try {
            ctx.config.keyCache.import(jwk);
          } catch (cause) {
            throw new VIError({
              code: 'AP2_HOP_CNF_INVALID',
              message: `segment ${seg.index - 1} delegates to a key that does not import`,
              claim: 'cnf.jwk',
              cause,
            });
          }
        }) !== 'passed'
      )
        return out;
      if (
        checkHop(log, 'ap2.hop.signature', layer, seg.index, () => signed(seg, jwk!)) !== 'passed'
      )
        return out;
      ok =
        checkHop(log, 'ap2.hop.binding', layer, seg.index, () => bindingOf(seg, prev)) ===
          'passed' && ok;
      if (final)
        ok =
          checkHop(log, 'ap2.chain.expect', layer, seg.index, () => expectOf(seg, ctx.expect)) ===
            'passed' && ok;
    }
    if (
      checkHop(log, 'ap2.disclosures', layer, seg.index, () => resolveSegment(seg, layer)) !==
      'passed'
    )
      return out;
    if (checkHop(log, 'ap2.delegate', layer, seg.index, () => delegateOf(seg)) !== 'passed')
      return out;
    ok = checkHop(log, 'ap2.time', layer, seg.index, () => timesOf(seg, ctx)) === 'passed' && ok;
  }
  ok = log.check('ap2.chain.terminal', layer, () => terminalOf(segs)) === 'passed' && ok;
  out.verified = ok;
  return out;
}

/** The final hop is terminal and carries `iat`; an intermediate hop's item delegates (`cnf`), a terminal one's does not. */
function terminalOf(segs: Segment[]): void {
  for (const seg of segs.slice(1)) {
    const terminal = (AP2_V0_2.typ.terminal as readonly unknown[]).includes(seg.sd.jwt.header.typ);
    const final = seg.index === segs.length - 1;
    if (final && !terminal)
      reject(
        'AP2_FINAL_HOP_NOT_TERMINAL',
        `the final hop is typed ${String(seg.sd.jwt.header.typ)}, not kb+sd-jwt`,
        'typ',
      );
    if (final && seg.sd.jwt.payload.iat === undefined)
      reject('AP2_IAT_MISSING', 'the final hop carries no iat', 'iat');
    const delegates = isRecord(seg.effective?.cnf);
    if (terminal && delegates)
      reject('AP2_HOP_CNF_INVALID', `terminal hop ${seg.index} delegates further (cnf)`, 'cnf');
    if (!terminal && !final && !delegates)
      reject('AP2_HOP_CNF_INVALID', `intermediate hop ${seg.index} names no next key (cnf)`, 'cnf');
  }
}

/** The final hop's `aud` and `nonce` are the ones the verifier expects; without an expectation it fails closed. */
function expectOf(seg: Segment, expect: Ap2Expectation | undefined): void {
  const p = seg.sd.jwt.payload;
  for (const [claim, code] of [
    ['aud', 'AP2_AUD_MISMATCH'],
    ['nonce', 'AP2_NONCE_MISMATCH'],
  ] as const) {
    const want = expect?.[claim];
    if (want === undefined)
      reject('AP2_EXPECTATION_MISSING', `no expected ${claim} configured for the final hop`, claim);
    const ok =
      typeof want === 'function'
        ? typeof p[claim] === 'string' && want(p[claim] as string)
        : p[claim] === want;
    if (!ok)
      reject(code, `final hop ${claim} is not the expected one`, claim, {
        expected: typeof want === 'function' ? 'accepted by the configured check' : want,
        actual: p[claim],
      });
  }
}

/**
 * The id of a chain's root mandate, B64U(SHA-256(root JWT header.payload)),
 * read from the chain text before verification (a network looks up the
 * mandate's usage with it); undefined when the text has no root JWT.
 */
export function ap2RootId(chainText: string): string | undefined {
  const end = chainText.indexOf('~');
  const jwt = end < 0 ? chainText : chainText.slice(0, end);
  const dot = jwt.lastIndexOf('.');
  if (dot <= 0 || jwt.indexOf('.') === dot) return undefined;
  return sha256b64u(jwt.slice(0, dot));
}
