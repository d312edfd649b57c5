/**
 * One per container: counts predictions in memory and hands the per-minute aggregates to the store
 * in the background, never on the request path. Like the rate-limit budget leases it trades a
 * small, stated loss for no round trip per request: a flush starts once `flushEveryRequests`
 * requests are buffered, or `flushIntervalMs` after the first unflushed one (a timer that runs
 * whenever the container does). A container frozen or killed with unflushed counts loses at most
 * what it served since its last flush: fewer than `flushEveryRequests` requests (the timer does not
 * run while Lambda has the container frozen, so the time bound alone does not limit the loss).
 * Aggregates the store could not write are merged back and written with the next flush; an add
 * that reached DynamoDB but whose answer was lost is written twice (atomic ADDs are not idempotent),
 * a rare over-count accepted over dropping counts on every timeout.
 */
import {
  addUsage,
  aggregateKey,
  emptyCounts,
  mergeCounts,
  minuteOf,
  type PredictionUsage,
  type UsageAggregate,
} from './usage-records.ts';

export interface UsageStore {
  /** Adds each aggregate to its stored row atomically; returns those it could not write. */
  add(aggregates: readonly UsageAggregate[]): Promise<readonly UsageAggregate[]>;
}

/** Also given every flushed batch (CloudWatch metrics on AWS); never retried. */
export interface UsagePublisher {
  publish(aggregates: readonly UsageAggregate[]): void;
}

export interface UsageRecorderOptions {
  readonly store: UsageStore;
  readonly publisher?: UsagePublisher;
  readonly flushEveryRequests: number;
  readonly flushIntervalMs: number;
  /** Past this many buffered aggregates (a store that keeps failing) new ones are dropped, counted. */
  readonly maxBufferedAggregates?: number;
  readonly now?: () => number;
  readonly onError?: (error: unknown, dropped: number) => void;
}

export class UsageRecorder {
  readonly #options: UsageRecorderOptions;
  readonly #now: () => number;
  #buffer = new Map<string, UsageAggregate>();
  #unflushedRequests = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing: Promise<void> | undefined;
  #followUp: Promise<void> | undefined;

  constructor(options: UsageRecorderOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Synchronous and allocation-light: the request path pays for a map lookup and a few adds. */
  record(usage: PredictionUsage): void {
    const minute = minuteOf(this.#now());
    const dimensions = {
      minute,
      model: usage.model,
      version: usage.version,
      alias: usage.alias ?? '',
      caller: usage.caller,
    };
    const key = aggregateKey(dimensions);
    let aggregate = this.#buffer.get(key);
    if (aggregate === undefined) {
      if (this.#buffer.size >= (this.#options.maxBufferedAggregates ?? 10_000)) {
        this.#options.onError?.(new Error('Usage buffer full; the store is not accepting writes.'), 1);
        return;
      }
      aggregate = { ...dimensions, callerName: usage.callerName, ...emptyCounts() };
      this.#buffer.set(key, aggregate);
    }
    addUsage(aggregate, usage);
    this.#unflushedRequests += 1;
    if (this.#unflushedRequests >= this.#options.flushEveryRequests) {
      void this.flush();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => void this.flush(), this.#options.flushIntervalMs);
      // Never keeps a process alive on its own (the local platform, tests).
      this.#timer.unref?.();
    }
  }

  /** Requests counted in memory and not yet handed to the store. */
  get unflushedRequests(): number {
    return this.#unflushedRequests;
  }

  /**
   * Writes everything buffered. One flush at a time: calls during a flush share a single follow-up
   * flush (so a store slower than the traffic never piles up writers). Never throws.
   */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#flushing !== undefined) {
      this.#followUp ??= this.#flushing.then(() => {
        this.#followUp = undefined;
        return this.flush();
      });
      return this.#followUp;
    }
    if (this.#buffer.size === 0) return;
    const batch = [...this.#buffer.values()];
    this.#buffer = new Map();
    this.#unflushedRequests = 0;
    this.#flushing = this.#write(batch).finally(() => {
      this.#flushing = undefined;
    });
    await this.#flushing;
  }

  async #write(batch: readonly UsageAggregate[]): Promise<void> {
    try {
      this.#options.publisher?.publish(batch);
    } catch (error) {
      this.#options.onError?.(error, 0);
    }
    let failed: readonly UsageAggregate[];
    try {
      failed = await this.#options.store.add(batch);
    } catch (error) {
      this.#options.onError?.(error, 0);
      failed = batch;
    }
    for (const aggregate of failed) this.#restore(aggregate);
  }

  #restore(aggregate: UsageAggregate): void {
    const key = aggregateKey(aggregate);
    const current = this.#buffer.get(key);
    if (current !== undefined) {
      mergeCounts(current, aggregate);
    } else if (this.#buffer.size >= (this.#options.maxBufferedAggregates ?? 10_000)) {
      this.#options.onError?.(
        new Error('Usage buffer full; dropping an unwritten aggregate.'),
        aggregate.requests,
      );
      return;
    } else {
      this.#buffer.set(key, aggregate);
    }
    // Retried by the timer, not by the next request: a failing store must not get a write per request.
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => void this.flush(), this.#options.flushIntervalMs);
      this.#timer.unref?.();
    }
  }
}
