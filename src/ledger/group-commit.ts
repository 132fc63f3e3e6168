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

export interface GroupCommitStats {
  batches: number;
  items: number;
  largestBatch: number;
}

export class GroupCommitter<T, R> {
  private queue: Queued<T, R>[] = [];
  private scheduled = false;
  private readonly counts: GroupCommitStats = { batches: 0, items: 0, largestBatch: 0 };

  /**
   * @param commitBatch decides every item in order inside one transaction and
   *   commits it; returns one outcome per item (a failed item's own writes
   *   rolled back), or throws when the transaction as a whole failed.
   */
  constructor(
    private readonly commitBatch: (items: T[]) => BatchOutcome<R>[],
    private readonly maxBatch = DEFAULT_MAX_BATCH,
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

  /** Commit everything queued now, synchronously (before closing the database). */
  drain(): void {
    while (this.queue.length > 0) this.commitNext();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.queue.length > 0) this.commitNext();
    });
  }

  /** Commit the oldest batch of the queue and settle its promises. */
  private commitNext(): void {
    const batch = this.queue.splice(0, this.maxBatch);
    if (this.queue.length > 0) this.schedule();
    let outcomes: BatchOutcome<R>[];
    try {
      outcomes = this.commitBatch(batch.map((q) => q.item));
    } catch (error) {
      for (const q of batch) q.reject(error);
      return;
    }
    this.counts.batches++;
    this.counts.items += batch.length;
    this.counts.largestBatch = Math.max(this.counts.largestBatch, batch.length);
    batch.forEach((q, i) => {
      const o = outcomes[i];
      if (o === undefined) q.reject(new Error('group commit returned no outcome for an item'));
      else if (o.ok) q.resolve(o.value);
      else q.reject(o.error);
    });
  }
}
