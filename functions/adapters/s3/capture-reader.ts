/**
 * Reads captured predictions back from the models bucket: one listing per hour partition of the
 * window (`captures/{model}/{version}/{yyyy}/{mm}/{dd}/{hh}/`), each object's JSON Lines parsed,
 * records outside the window left out.
 */
import type { CaptureReader } from '#core/monitoring/drift-report.ts';
import { type CapturedPrediction, capturePartition } from '#core/monitoring/prediction-capture.ts';
import type { S3BlobStore } from './blob-store.ts';

const HOUR_MS = 3_600_000;

export class S3CaptureReader implements CaptureReader {
  readonly #store: S3BlobStore;

  constructor(store: S3BlobStore) {
    this.#store = store;
  }

  async *list(model: string, version: number, from: Date, to: Date): AsyncIterable<CapturedPrediction> {
    const decoder = new TextDecoder();
    for (let hour = Math.floor(from.getTime() / HOUR_MS) * HOUR_MS; hour < to.getTime(); hour += HOUR_MS) {
      for await (const object of this.#store.list(capturePartition(model, version, new Date(hour)))) {
        const bytes = await this.#store.get(object.key);
        if (bytes === undefined) continue;
        for (const line of decoder.decode(bytes).split('\n')) {
          if (line.length === 0) continue;
          const record = JSON.parse(line) as CapturedPrediction;
          const time = Date.parse(record.time);
          if (time >= from.getTime() && time < to.getTime()) yield record;
        }
      }
    }
  }
}
