/**
 * Prediction capture: a random share of a model's predictions (its owner's `capture.sampleRate`)
 * kept as JSON Lines in S3 under `captures/{model}/{version}/{yyyy}/{mm}/{dd}/{hh}/`, for drift
 * reports and offline analysis. Sampled requests are buffered in the container and written in
 * batches, one object per partition per flush, never one per request: after `flushEveryRecords`
 * sampled requests or `flushIntervalMs` after the first unwritten one. Records are serialized at
 * flush time, not on the request path. Like the usage counts, a container frozen or killed with
 * unwritten records loses them: fewer than `flushEveryRecords`. A failed write is kept for the next
 * flush, up to `maxBufferedRecords`, past which the oldest records are dropped (and counted).
 */
import type { CaptureSettings } from '../registry/model-records.ts';

export interface CapturedPrediction {
  readonly requestId: string;
  /** ISO time the prediction was answered. */
  readonly time: string;
  readonly model: string;
  readonly version: number;
  readonly alias?: string;
  /** The request's rows as received; absent when the owner turned `includeInputs` off. */
  readonly inputs?: unknown;
  readonly outputs: unknown;
}

export interface CaptureStore {
  put(key: string, body: string): Promise<void>;
}

export interface CaptureRecorderOptions {
  readonly store: CaptureStore;
  readonly flushEveryRecords: number;
  readonly flushIntervalMs: number;
  /** Distinguishes this container's objects from others' written in the same second. */
  readonly writerId: string;
  readonly maxBufferedRecords?: number;
  readonly random?: () => number;
  readonly now?: () => Date;
  readonly onError?: (error: unknown, dropped: number) => void;
}

export const CAPTURE_PREFIX = 'captures/';

/** `captures/{model}/{version}/{yyyy}/{mm}/{dd}/{hh}/` of a record's time (UTC). */
export function capturePartition(model: string, version: number, time: Date): string {
  const iso = time.toISOString();
  return `${CAPTURE_PREFIX}${model}/${version}/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}/`;
}

export class CaptureRecorder {
  readonly #options: CaptureRecorderOptions;
  readonly #random: () => number;
  readonly #now: () => Date;
  #buffer: CapturedPrediction[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing: Promise<void> | undefined;
  #followUp: Promise<void> | undefined;
  #sequence = 0;

  constructor(options: CaptureRecorderOptions) {
    this.#options = options;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Keeps the prediction if the sample draw says so; `build` runs only for kept ones. Returns
   * whether it was kept.
   */
  offer(
    settings: CaptureSettings | undefined,
    build: (time: string, includeInputs: boolean) => CapturedPrediction,
  ): boolean {
    if (settings === undefined || settings.sampleRate <= 0) return false;
    if (this.#random() >= settings.sampleRate) return false;
    this.#buffer.push(build(this.#now().toISOString(), settings.includeInputs));
    this.#trimTo(this.#options.maxBufferedRecords ?? 10_000);
    if (this.#buffer.length >= this.#options.flushEveryRecords) void this.flush();
    else this.#arm();
    return true;
  }

  get bufferedRecords(): number {
    return this.#buffer.length;
  }

  /** Writes everything buffered, one object per partition. Never throws. */
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
    if (this.#buffer.length === 0) return;
    const batch = this.#buffer;
    this.#buffer = [];
    this.#flushing = this.#write(batch).finally(() => {
      this.#flushing = undefined;
    });
    await this.#flushing;
  }

  async #write(batch: readonly CapturedPrediction[]): Promise<void> {
    const partitions = new Map<string, CapturedPrediction[]>();
    for (const record of batch) {
      const prefix = capturePartition(record.model, record.version, new Date(record.time));
      let records = partitions.get(prefix);
      if (records === undefined) {
        records = [];
        partitions.set(prefix, records);
      }
      records.push(record);
    }
    const stamp = this.#now().toISOString().replace(/[-:.]/g, '');
    await Promise.all(
      [...partitions].map(async ([prefix, records]) => {
        this.#sequence += 1;
        const key = `${prefix}${stamp}-${this.#options.writerId}-${this.#sequence}.jsonl`;
        const body = `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;
        try {
          await this.#options.store.put(key, body);
        } catch (error) {
          this.#options.onError?.(error, 0);
          // Kept for the next flush, ahead of newer records.
          this.#buffer = [...records, ...this.#buffer];
          this.#trimTo(this.#options.maxBufferedRecords ?? 10_000);
          this.#arm();
        }
      }),
    );
  }

  #arm(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => void this.flush(), this.#options.flushIntervalMs);
    this.#timer.unref?.();
  }

  #trimTo(max: number): void {
    const excess = this.#buffer.length - max;
    if (excess <= 0) return;
    this.#buffer.splice(0, excess);
    this.#options.onError?.(new Error('Capture buffer full; the store is not accepting writes.'), excess);
  }
}
