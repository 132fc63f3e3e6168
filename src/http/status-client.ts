/**
 * A {@link StatusResolver} over HTTP: fetches the Status List Token a
 * reference names, verifies it (typ statuslist+jwt, ES256 under a configured
 * issuer key chosen by `kid`, `sub` equal to the URI fetched, not expired),
 * caches it for its `ttl` (bounded), and reads the entry. Never throws: what
 * cannot be fetched or verified is `{ok: false, reason}` and the verifier
 * decides (fail closed by default).
 */
import { type PublicJwk, sharedKeyCache, verifyEs256Async } from '../sdjwt/keys.js';
import { parseJwt } from '../sdjwt/parse.js';
import {
  decompressStatuses,
  isBitsPerStatus,
  STATUS_LIST_TYP,
  type StatusListReference,
  type StatusLookup,
  type StatusResolver,
} from '../sdjwt/status-list.js';
import type { KeyResolver } from '../verify/types.js';

/** How `statusListResolver` fetches, trusts and caches Status List Tokens. */
export interface StatusListResolverOptions {
  /**
   * Keys of the issuers whose lists are trusted (usually the L1 issuer keys).
   * A token is accepted only when its key is the very key that signed the
   * L1 it answers for: another configured issuer cannot speak for this one.
   */
  issuerKeys: KeyResolver;
  /**
   * Oldest token accepted, from its `iat` (seconds). Default 86400 (24 h). A
   * token also needs `exp` or `ttl` (its cache time) and is refused past
   * `exp`: an older genuine token, in which a revoked card was still valid, is stale.
   */
  maxTokenAgeSeconds?: number;
  /** Allow `http://` on loopback (127.0.0.0/8, ::1, localhost), for tests. Default false: `https://` only. */
  allowLoopbackHttp?: boolean;
  /** Cache time when a token has no `ttl`. Default 300 s. */
  defaultTtlSeconds?: number;
  /** Upper bound on any cache time. Default 3600 s. */
  maxTtlSeconds?: number;
  /** Per-fetch timeout. Default 3000 ms. */
  timeoutMs?: number;
  /** Largest token accepted. Default 256 KiB. */
  maxBytes?: number;
  /** Lists cached at once. Default 256. */
  maxLists?: number;
  fetch?: typeof globalThis.fetch;
  /** Milliseconds clock. Default Date.now. */
  clock?: () => number;
  /** Told about every failed fetch or verification (the service logs it). */
  onFetchError?: (uri: string, message: string) => void;
  /** Told the outcome of every fetch (metrics). */
  onFetch?: (ok: boolean) => void;
  /** Told, per lookup, whether a cached list answered (metrics). */
  onCacheLookup?: (hit: boolean) => void;
}

interface CachedList {
  statusAt(idx: number): number | undefined;
  size: number;
  until: number;
}

async function keyFor(resolver: KeyResolver, kid: string): Promise<unknown> {
  try {
    return typeof resolver === 'function'
      ? await resolver(kid)
      : resolver.keys.find((k) => k.kid === kid);
  } catch {
    return undefined;
  }
}

/** `https:` always; `http:` only to a loopback host, and only when the caller opted in. */
function allowedUri(uri: string, loopbackHttp: boolean): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  const host = url.hostname;
  return (
    loopbackHttp &&
    url.protocol === 'http:' &&
    (host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host))
  );
}

function sameKey(a: unknown, b: PublicJwk): boolean {
  const k = a as Partial<PublicJwk> | undefined;
  return k?.kty === b.kty && k?.crv === b.crv && k?.x === b.x && k?.y === b.y;
}

/**
 * @example
 * const statusResolver = statusListResolver({ issuerKeys });
 * await verifyPresentation(bundle, { issuerKeys, statusResolver });
 */
export function statusListResolver(options: StatusListResolverOptions): StatusResolver {
  const defaultTtl = options.defaultTtlSeconds ?? 300;
  const maxTtl = options.maxTtlSeconds ?? 3600;
  const timeoutMs = options.timeoutMs ?? 3000;
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const maxLists = options.maxLists ?? 256;
  const doFetch = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? Date.now;
  const maxAge = options.maxTokenAgeSeconds ?? 86400;
  const cache = new Map<string, CachedList>();
  const inFlight = new Map<string, Promise<CachedList | string>>();

  async function load(
    uri: string,
    issuer: StatusListReference['issuer'],
  ): Promise<CachedList | string> {
    let text: string;
    try {
      const res = await doFetch(uri, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: { accept: 'application/statuslist+jwt' },
      });
      if (!res.ok) return `HTTP ${res.status}`;
      text = (await res.text()).trim();
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    if (Buffer.byteLength(text) > maxBytes)
      return `status list token larger than ${maxBytes} bytes`;
    try {
      const jwt = parseJwt(text, 'l1');
      if (jwt.header.typ !== STATUS_LIST_TYP) return `typ must be ${STATUS_LIST_TYP}`;
      if (jwt.header.alg !== 'ES256') return 'alg must be ES256';
      const kid = jwt.header.kid;
      const jwk = typeof kid === 'string' ? await keyFor(options.issuerKeys, kid) : undefined;
      if (jwk === undefined) return 'status list token is not signed by a configured issuer key';
      // security-model §3.2: the list answers for its own issuer's credentials, so its key is the L1's key.
      if (issuer && (kid !== issuer.kid || !sameKey(jwk, issuer.jwk)))
        return "status list token is not signed by the L1's own issuer key";
      if (!(await verifyEs256Async(jwt.signingInput, jwt.signature, sharedKeyCache.import(jwk))))
        return 'status list token signature does not verify';
      const { sub, iat, exp, ttl, status_list: list } = jwt.payload as Record<string, unknown>;
      // The token must be the list it was fetched as: a valid token of another list would answer for the wrong entries.
      if (sub !== uri) return 'status list token sub differs from the URI it was fetched from';
      const nowSeconds = clock() / 1000;
      if (typeof iat !== 'number' || !Number.isFinite(iat)) return 'status list token needs iat';
      if (exp === undefined && ttl === undefined)
        return 'status list token needs exp or ttl: without them it never goes stale';
      if (exp !== undefined && (typeof exp !== 'number' || exp <= nowSeconds))
        return 'status list token expired';
      if (ttl !== undefined && (typeof ttl !== 'number' || !(ttl > 0)))
        return 'status list token ttl must be a positive number';
      if (nowSeconds - iat > maxAge) return `status list token is older than ${maxAge} s`;
      const rec = list as { bits?: unknown; lst?: unknown } | undefined;
      if (!rec || !isBitsPerStatus(rec.bits) || typeof rec.lst !== 'string')
        return 'status_list needs bits (1, 2, 4, 8) and lst';
      const decoded = decompressStatuses(rec.lst, rec.bits);
      const lifetime = Math.min(
        maxTtl,
        typeof ttl === 'number' && ttl > 0 ? ttl : defaultTtl,
        typeof exp === 'number' ? exp - nowSeconds : maxTtl,
      );
      return { ...decoded, until: clock() + lifetime * 1000 };
    } catch (error) {
      return `status list token unreadable: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  async function listFor(
    uri: string,
    issuer: StatusListReference['issuer'],
  ): Promise<CachedList | string> {
    // Cached per issuer key as well as URI: a list verified for one issuer answers for no other.
    const key = `${issuer ? `${issuer.jwk.x}.${issuer.jwk.y}` : '-'} ${uri}`;
    const hit = cache.get(key);
    const fresh = hit !== undefined && hit.until > clock();
    options.onCacheLookup?.(fresh);
    if (fresh) return hit;
    let pending = inFlight.get(key);
    if (!pending) {
      // Counted once per fetch, however many lookups wait for it.
      pending = load(uri, issuer)
        .then((got) => {
          options.onFetch?.(typeof got !== 'string');
          return got;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    const got = await pending;
    if (typeof got === 'string') {
      options.onFetchError?.(uri, got);
      cache.delete(key); // an expired list is not used past its time, even if the refresh failed
      return got;
    }
    cache.delete(key);
    cache.set(key, got);
    while (cache.size > maxLists) cache.delete(cache.keys().next().value!);
    return got;
  }

  return async (ref: StatusListReference): Promise<StatusLookup> => {
    if (typeof ref?.uri !== 'string' || !allowedUri(ref.uri, options.allowLoopbackHttp === true))
      return { ok: false, reason: 'status_list.uri must be an https URL' };
    if (!Number.isSafeInteger(ref.idx) || ref.idx < 0)
      return { ok: false, reason: 'status_list.idx must be a non-negative integer' };
    const list = await listFor(ref.uri, ref.issuer);
    if (typeof list === 'string') return { ok: false, reason: list };
    const status = list.statusAt(ref.idx);
    return status === undefined
      ? { ok: false, reason: `idx ${ref.idx} is outside the list (${list.size} entries)` }
      : { ok: true, status };
  };
}
