/**
 * What `serve --workers N` processes tell each other over the cluster's IPC
 * channel: a worker asked for /metrics gets every worker's metrics summed by
 * the primary (a scrape that reached one worker must not show one worker's
 * counters, or they would jump between scrapes), and each worker learns how
 * many of its siblings listen, for /healthz.
 */
import cluster, { type Worker } from 'node:cluster';
import {
  type MetricsSnapshot,
  type MetricsSource,
  type ServiceMetrics,
  sumMetrics,
} from '../http/metrics.js';

type Message =
  | { vintent: 'metrics-request'; id: number }
  | { vintent: 'metrics-collect'; id: number }
  | { vintent: 'metrics-snapshot'; id: number; snapshot: MetricsSnapshot }
  | { vintent: 'metrics-reply'; id: number; text: string }
  | { vintent: 'workers'; configured: number; listening: number };

/**
 * A send to a process that is going away fails asynchronously; with a callback
 * the failure comes here instead of an unhandled 'error' event that would end the primary.
 */
const ignore = (): void => undefined;

/** How long the primary waits for every worker's snapshot before it sums what came. */
const COLLECT_TIMEOUT_MS = 1000;

function isMessage(m: unknown): m is Message {
  return (
    typeof m === 'object' && m !== null && typeof (m as { vintent?: unknown }).vintent === 'string'
  );
}

/** Worker side: answer the primary's collection rounds and read its worker counts; returns the /metrics source and pool view. */
export function joinWorkerPool(metrics: ServiceMetrics): {
  source: MetricsSource;
  workers: () => { configured: number; listening: number } | undefined;
} {
  let pool: { configured: number; listening: number } | undefined;
  let next = 0;
  const waiting = new Map<number, (text: string) => void>();
  process.on('message', (m: unknown) => {
    if (!isMessage(m)) return;
    if (m.vintent === 'metrics-collect') {
      void metrics.registry
        .getMetricsAsJSON()
        .then((snapshot) =>
          process.send?.(
            { vintent: 'metrics-snapshot', id: m.id, snapshot } satisfies Message,
            undefined,
            {},
            ignore,
          ),
        );
    } else if (m.vintent === 'metrics-reply') {
      waiting.get(m.id)?.(m.text);
      waiting.delete(m.id);
    } else if (m.vintent === 'workers') {
      pool = { configured: m.configured, listening: m.listening };
    }
  });
  const local = () => metrics.registry.metrics();
  const source: MetricsSource = () =>
    new Promise((resolve) => {
      const id = ++next;
      // The primary gone or slow: this worker's own metrics rather than none.
      const timer = setTimeout(() => {
        waiting.delete(id);
        void local().then(resolve);
      }, COLLECT_TIMEOUT_MS * 2);
      waiting.set(id, (text) => {
        clearTimeout(timer);
        resolve(text);
      });
      process.send?.({ vintent: 'metrics-request', id } satisfies Message, undefined, {}, ignore);
    });
  return { source, workers: () => pool };
}

/** Primary side: serve metrics requests by summing every live worker's snapshot, and tell workers the pool's size. */
export function leadWorkerPool(
  live: ReadonlySet<Worker>,
  configured: number,
): { announce(listening: number): void } {
  let round = 0;
  cluster.on('message', (from, m: unknown) => {
    if (!isMessage(m) || m.vintent !== 'metrics-request') return;
    const id = ++round;
    const snapshots: MetricsSnapshot[] = [];
    const expected = live.size;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      cluster.off('message', collect);
      clearTimeout(timer);
      void sumMetrics(snapshots).then((text) => {
        if (from.isConnected())
          from.send({ vintent: 'metrics-reply', id: m.id, text } satisfies Message, ignore);
      });
    };
    const collect = (_w: Worker, reply: unknown) => {
      if (!isMessage(reply) || reply.vintent !== 'metrics-snapshot' || reply.id !== id) return;
      snapshots.push(reply.snapshot);
      if (snapshots.length >= expected) finish();
    };
    cluster.on('message', collect);
    const timer = setTimeout(finish, COLLECT_TIMEOUT_MS);
    for (const w of live)
      if (w.isConnected()) w.send({ vintent: 'metrics-collect', id } satisfies Message, ignore);
  });
  return {
    announce(listening) {
      for (const w of live)
        if (w.isConnected())
          w.send({ vintent: 'workers', configured, listening } satisfies Message, ignore);
    },
  };
}
