/**
 * The service's Prometheus metrics (prom-client), in a registry of their
 * own so that embedding the server never touches the process-wide default:
 *
 * - `vintent_decisions_total{endpoint, outcome}`: one per answered decision
 *   (approved, declined, valid, invalid, captured, refused, reversed, revoked,
 *   error);
 * - `vintent_decision_codes_total{endpoint, code}`: one per code in an answer;
 * - `vintent_http_request_duration_seconds{method, route, status}`: latency per
 *   endpoint (`route` is the route table's path, never the raw URL, so
 *   cardinality stays bounded);
 * - `vintent_ledger_commit_decisions`: decisions per committed ledger
 *   transaction (group-commit batch sizes on SQLite);
 * - `vintent_fetches_total{source, outcome}`: JWKS and status-list fetches;
 * - `vintent_cache_lookups_total{cache, result}`: hits and misses of the
 *   signature, parse, JWKS and status-list caches.
 *
 * Under `serve --workers N` each worker keeps its own; `/metrics` answered by
 * any worker sums them all (src/cli/serve-ipc.ts).
 */
import {
  AggregatorRegistry,
  Counter,
  Histogram,
  type MetricObjectWithValues,
  type MetricValue,
  Registry,
} from 'prom-client';
import type { ParsedJwtCache } from '../sdjwt/parse-cache.js';
import type { VerifiedSignatureCache } from '../sdjwt/signature-cache.js';

/** The service's metrics and the calls that feed them. */
export interface ServiceMetrics {
  readonly registry: Registry;
  /** One finished request: its route (or `unmatched`), method, status and duration. */
  request(route: string, method: string, status: number, seconds: number): void;
  /** One decision an endpoint answered, with the codes it carried. */
  decision(endpoint: string, outcome: string, codes: readonly string[]): void;
  /** Decisions in one committed ledger transaction. */
  commit(decisions: number): void;
  fetch(source: 'jwks' | 'status_list', ok: boolean): void;
  cacheLookup(cache: 'jwks' | 'status_list', hit: boolean): void;
  /** Report the verifier caches' own hit counts at each scrape. */
  watchCaches(caches: { signature?: VerifiedSignatureCache; parse?: ParsedJwtCache }): void;
}

/** Latency buckets in seconds: sub-millisecond verifications up to slow ledger commits. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/**
 * Create the metrics of one service process.
 *
 * @example
 * const metrics = createServiceMetrics();
 * const svc = createVintentServer({ ledger, issuerKeys, metrics });   // serves GET /metrics
 */
export function createServiceMetrics(): ServiceMetrics {
  const registry = new Registry();
  const decisions = new Counter({
    name: 'vintent_decisions_total',
    help: 'Decisions answered, by endpoint and outcome',
    labelNames: ['endpoint', 'outcome'],
    registers: [registry],
  });
  const codes = new Counter({
    name: 'vintent_decision_codes_total',
    help: 'Codes carried by answers, by endpoint and code',
    labelNames: ['endpoint', 'code'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'vintent_http_request_duration_seconds',
    help: 'Request latency by route, method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const commits = new Histogram({
    name: 'vintent_ledger_commit_decisions',
    help: 'Decisions per committed ledger transaction (group-commit batch size)',
    buckets: BATCH_BUCKETS,
    registers: [registry],
  });
  const fetches = new Counter({
    name: 'vintent_fetches_total',
    help: 'JWKS and status list fetches, by outcome',
    labelNames: ['source', 'outcome'],
    registers: [registry],
  });
  const lookups = new Counter({
    name: 'vintent_cache_lookups_total',
    help: 'Cache lookups, by cache and result',
    labelNames: ['cache', 'result'],
    registers: [registry],
  });
  const watched: { signature?: VerifiedSignatureCache; parse?: ParsedJwtCache } = {};
  // The verifier caches count for themselves; their totals are read at each scrape.
  new Counter({
    name: 'vintent_verifier_cache_lookups_total',
    help: 'Verified-signature and parse cache lookups, by cache and result',
    labelNames: ['cache', 'result'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [name, cache] of [
        ['signature', watched.signature],
        ['parse', watched.parse],
      ] as const) {
        if (!cache) continue;
        const { hits, misses } = cache.stats();
        this.inc({ cache: name, result: 'hit' }, hits);
        this.inc({ cache: name, result: 'miss' }, misses);
      }
    },
  });
  return {
    registry,
    request(route, method, status, seconds) {
      latency.observe({ route, method, status: String(status) }, seconds);
    },
    decision(endpoint, outcome, answered) {
      decisions.inc({ endpoint, outcome });
      for (const code of answered) codes.inc({ endpoint, code });
    },
    commit(n) {
      commits.observe(n);
    },
    fetch(source, ok) {
      fetches.inc({ source, outcome: ok ? 'ok' : 'failed' });
    },
    cacheLookup(cache, hit) {
      lookups.inc({ cache, result: hit ? 'hit' : 'miss' });
    },
    watchCaches(caches) {
      Object.assign(watched, caches);
    },
  };
}

/** Where `/metrics` reads its text from: this process's registry, or (cluster) every worker's summed. */
export type MetricsSource = () => Promise<string>;

/** The metrics of this process alone. */
export function localMetricsSource(metrics: ServiceMetrics): MetricsSource {
  return () => metrics.registry.metrics();
}

/** A worker's metrics as sent to the primary for summing. */
export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

/** Sum the snapshots of several workers into one exposition text (counters and histograms add up). */
export async function sumMetrics(snapshots: MetricsSnapshot[]): Promise<string> {
  return AggregatorRegistry.aggregate(snapshots as never).metrics();
}

/** The content type of the exposition format. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;
