/**
 * A {@link KeyResolver} backed by a remote JWK Set (e.g. an issuer's
 * `/.well-known/jwks.json`): cached with a TTL, refreshed once when an unknown
 * `kid` shows up (the issuer rotated keys), with refreshes rate-limited so a
 * stream of made-up kids cannot turn the verifier into a request amplifier.
 */
import { type PublicJwk, publicJwkProblem } from '../sdjwt/keys.js';

/** Cache lifetime, fetch timeout, refresh rate and size limit for {@link remoteJwksResolver}. */
export interface RemoteJwksOptions {
  /** How long a fetched set is used before fetching again. Default 300 000 ms. */
  ttlMs?: number;
  /** Per-fetch timeout. Default 3000 ms. */
  timeoutMs?: number;
  /** At most one refresh caused by an unknown kid per this interval. Default 30 000 ms. */
  minRefreshIntervalMs?: number;
  /** Largest JWK Set accepted. Default 64 KiB. */
  maxBytes?: number;
  fetch?: typeof globalThis.fetch;
  /** Milliseconds clock, for tests. Default Date.now. */
  clock?: () => number;
  /** Told about every failed fetch (the service logs it); the previous set stays in use, up to `maxStaleMs`. */
  onFetchError?: (message: string) => void;
  /** Told the outcome of every fetch (metrics). */
  onFetch?: (ok: boolean) => void;
  /** Told, per key lookup, whether the cached set answered without a fetch (metrics). */
  onCacheLookup?: (hit: boolean) => void;
  /**
   * How long the last set that arrived stays trusted while refreshes keep
   * failing (security-model §5.3). Past it no key resolves, so a key the
   * issuer removed cannot stay trusted while an attacker blocks the refresh.
   * Default 86 400 000 ms (24 h).
   */
  maxStaleMs?: number;
}

/** State of the last fetch, for /healthz. */
export interface RemoteJwksStatus {
  url: string;
  /** The last fetch succeeded (false before any fetch succeeded, or after a failed refresh). */
  ok: boolean;
  keys: number;
  lastError?: string;
}

/** A key resolver over a JWKS URL, with its fetch state and an explicit refresh. */
export type RemoteJwksResolver = ((kid: string) => Promise<PublicJwk | undefined>) & {
  status(): RemoteJwksStatus;
  /** Fetch now (e.g. at start), sharing any fetch in flight. */
  refresh(): Promise<void>;
};

interface CachedSet {
  keys: Map<string, PublicJwk>;
  fetchedAt: number;
}

/** Public P-256 keys with a kid; anything else (a private `d`, another curve, no kid) is dropped. */
export function usableKeys(body: unknown): Map<string, PublicJwk> {
  const out = new Map<string, PublicJwk>();
  const keys =
    typeof body === 'object' && body !== null ? (body as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys)) return out;
  for (const k of keys) {
    if (publicJwkProblem(k) !== undefined) continue; // refuses `d`: never hand a private key to a verifier
    const jwk = k as PublicJwk;
    if (typeof jwk.kid === 'string' && jwk.kid !== '' && !out.has(jwk.kid)) out.set(jwk.kid, jwk);
  }
  return out;
}

/**
 * Resolve issuer (or merchant) keys from a JWKS URL.
 *
 * Never throws: a failed or timed-out fetch leaves the previous set in use,
 * and an unknown kid resolves to `undefined` (the verifier reports the key as
 * unknown).
 *
 * @example
 * const issuerKeys = remoteJwksResolver('https://issuer.example/.well-known/jwks.json');
 * await verifyPresentation(bundle, { issuerKeys });
 */
export function remoteJwksResolver(
  url: string,
  options: RemoteJwksOptions = {},
): RemoteJwksResolver {
  const ttlMs = options.ttlMs ?? 300_000;
  const timeoutMs = options.timeoutMs ?? 3000;
  const minRefreshMs = options.minRefreshIntervalMs ?? 30_000;
  const maxBytes = options.maxBytes ?? 64 * 1024;
  const doFetch = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? Date.now;
  const maxStaleMs = options.maxStaleMs ?? 86_400_000;

  let cached: CachedSet | undefined;
  let lastAttempt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;
  let lastError: string | undefined = 'not fetched yet';

  function failed(message: string): void {
    lastError = message;
    options.onFetchError?.(message);
    options.onFetch?.(false);
  }

  async function fetchOnce(): Promise<void> {
    lastAttempt = clock();
    try {
      const res = await doFetch(url, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: { accept: 'application/json' },
      });
      if (!res.ok) return failed(`HTTP ${res.status}`);
      const text = await res.text();
      if (Buffer.byteLength(text) > maxBytes)
        return failed(`JWK Set larger than ${maxBytes} bytes`);
      cached = { keys: usableKeys(JSON.parse(text)), fetchedAt: clock() };
      lastError = undefined;
      options.onFetch?.(true);
    } catch (error) {
      // Keep what we had: an unreachable JWKS must not erase known keys.
      failed(error instanceof Error ? error.message : String(error));
    }
  }

  /** The last set that arrived, unless refreshes have failed for longer than maxStaleMs: then none (fail closed). */
  function trusted(): CachedSet | undefined {
    return cached && clock() - cached.fetchedAt <= maxStaleMs ? cached : undefined;
  }

  /** Concurrent callers share one fetch. */
  function refresh(): Promise<void> {
    inFlight ??= fetchOnce().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  const resolve = async (kid: string) => {
    if (inFlight) await inFlight;
    const stale = !cached || clock() - cached.fetchedAt >= ttlMs;
    // A set that never arrived is retried at most once a second; an expired one once per interval.
    const retryAfter = cached ? Math.min(minRefreshMs, ttlMs) : Math.min(minRefreshMs, 1000);
    const fetching = stale && clock() - lastAttempt >= retryAfter;
    if (fetching) await refresh();
    const hit = trusted()?.keys.get(kid);
    options.onCacheLookup?.(hit !== undefined && !fetching);
    if (hit) return hit;
    // Unknown kid: perhaps a rotation. Refresh once, unless we did so very recently.
    if (clock() - lastAttempt >= minRefreshMs) {
      await refresh();
      return trusted()?.keys.get(kid);
    }
    return undefined;
  };
  return Object.assign(resolve, {
    status: (): RemoteJwksStatus => {
      const expired = cached !== undefined && trusted() === undefined;
      const error = expired
        ? `last key set is older than ${maxStaleMs} ms and refreshes fail${lastError ? `: ${lastError}` : ''}`
        : lastError;
      return {
        url,
        ok: error === undefined,
        keys: expired ? 0 : (cached?.keys.size ?? 0),
        ...(error !== undefined ? { lastError: error } : {}),
      };
    },
    refresh,
  });
}
