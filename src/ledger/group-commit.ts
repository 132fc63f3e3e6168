/**
 * Group commit: decisions that arrive while the ledger is busy are decided in
 * arrival order inside one write transaction and made durable by one commit
 * (one fsync), instead of one transaction and one fsync each.
 *
 * The batching layer knows nothing about how a decision is made: it queues
 * requests, and when the event loop has finished the work in front of it
 * (setImmediate, so every request whose bytes already arrived is queued too)
 * it hands the whole queue to `commitBatch`, which runs the per-decision logic
 * for each in order inside one transaction. Every promise settles only after
 * that call returned, i.e. after COMMIT: no answer leaves before its decision
 * is durable, and a crash before COMMIT leaves none of the batch behind.
 *
 * Several processes may share the store (`vintent serve --workers N`). A
 * process that waited for another's write lock inside the database driver
 * would sleep with its event loop blocked, verifying nothing meanwhile. So a
 * batch is first tried without waiting (`'try'`): when the lock is taken,
 * `commitBatch` answers {@link LOCK_BUSY} having done nothing, the batch goes
 * back to the front of the queue, and the next attempt comes after a short
 * timer, while this process goes on verifying the requests that arrive (they
 * join the batch). Only after {@link RetryPlan.maxTryMs} of failed tries does
 * it wait for the lock in the driver (`'wait'`), as `drain` always does.
 */

/** The outcome of one queued item inside a committed batch. */
export type BatchOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Queued<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/** Most decisions in one transaction: bounds how long one commit holds the write lock. */
export const DEFAULT_MAX_BATCH = 256;

/** What `commitBatch` answers when a `'try'` found the write lock taken and did nothing. */
export const LOCK_BUSY: unique symbol = Symbol('lock busy');

/** `'try'`: give up at once (answer {@link LOCK_BUSY}) if the write lock is taken; `'wait'`: wait for it. */
export type LockMode = 'try' | 'wait';

/** When to try a busy lock again: after `firstDelayMs`, doubling up to `maxDelayMs`, for `maxTryMs` in all. */
export interface RetryPlan {
  firstDelayMs: number;
  maxDelayMs: number;
  maxTryMs: number;
}

/** Another process's commit (one fsync) takes well under a millisecond; a few ms of tries cover a queue of them. */
export const DEFAULT_RETRY: RetryPlan = { firstDelayMs: 1, maxDelayMs: 4, maxTryMs: 2_000 };

export interface GroupCommitStats {
  batches: number;
  items: number;
  largestBatch: number;
  /** Tries that found the write lock taken (another process committing). */
  busyTries: number;
}

export class GroupCommitter<T, R> {
  private queue: Queued<T, R>[] = [];
  private scheduled = false;
  /** Since when the batch at the front has found the lock taken (0: it has not). */
  private busySince = 0;
  private busyDelayMs = 0;
  private readonly counts: GroupCommitStats = {
    batches: 0,
    items: 0,
    largestBatch: 0,
    busyTries: 0,
  };

  /**
   * @param commitBatch decides every item in order inside one transaction and
   *   commits it; returns one outcome per item (a failed item's own writes
   *   rolled back), {@link LOCK_BUSY} when `mode` is `'try'` and the write
   *   lock was taken (nothing done), or throws when the transaction as a
   *   whole failed.
   */
  constructor(
    private readonly commitBatch: (
      items: T[],
      mode: LockMode,
    ) => BatchOutcome<R>[] | typeof LOCK_BUSY,
    private readonly maxBatch = DEFAULT_MAX_BATCH,
    private readonly retry: RetryPlan = DEFAULT_RETRY,
    /** Told the size of every committed batch (metrics); must not throw. */
    private readonly onBatch?: (size: number) => void,
  ) {}

  /** Queue one item; resolves once the transaction that decided it has committed. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  stats(): GroupCommitStats {
    return { ...this.counts };
  }

  /** Commit everything queued now, synchronously, waiting for the lock (before closing the database). */
  drain(): void {
    while (this.queue.length > 0) this.commitNext('wait');
  }

  /** One wake-up at a time: right after the current work, or (lock busy) after the retry delay. */
  private schedule(delayMs = 0): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      if (this.queue.length > 0)
        this.commitNext(
          this.busySince !== 0 && Date.now() - this.busySince >= this.retry.maxTryMs
            ? 'wait'
            : 'try',
        );
    };
    if (delayMs > 0) setTimeout(run, delayMs);
    else setImmediate(run);
  }

  /** Commit the oldest batch of the queue and settle its promises (or, lock busy, put it back and retry later). */
  private commitNext(mode: LockMode): void {
    const batch = this.queue.splice(0, this.maxBatch);
    let outcomes: BatchOutcome<R>[] | typeof LOCK_BUSY;
    try {
      outcomes = this.commitBatch(
        batch.map((q) => q.item),
        mode,
      );
    } catch (error) {
      this.busySince = 0;
      if (this.queue.length > 0) this.schedule();
      for (const q of batch) q.reject(error);
      return;
    }
    if (outcomes === LOCK_BUSY && mode === 'wait')
      outcomes = batch.map(() => ({
        ok: false,
        error: new Error('group commit: the store answered busy to a commit that waits'),
      }));
    if (outcomes === LOCK_BUSY) {
      this.counts.busyTries++;
      this.queue.unshift(...batch);
      if (this.busySince === 0) {
        this.busySince = Date.now();
        this.busyDelayMs = this.retry.firstDelayMs;
      } else {
        this.busyDelayMs = Math.min(this.busyDelayMs * 2, this.retry.maxDelayMs);
      }
      this.schedule(this.busyDelayMs);
      return;
    }
    this.busySince = 0;
    if (this.queue.length > 0) this.schedule();
    this.counts.batches++;
    this.counts.items += batch.length;
    this.counts.largestBatch = Math.max(this.counts.largestBatch, batch.length);
    this.onBatch?.(batch.length);
    batch.forEach((q, i) => {
      const o = outcomes[i];
      if (o === undefined) q.reject(new Error('group commit returned no outcome for an item'));
      else if (o.ok) q.resolve(o.value);
      else q.reject(o.error);
    });
  }
}
