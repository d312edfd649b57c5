/**
 * Times one prediction request and records it once it is answered: the use case reports which
 * version it chose and when the model ran; the outcome and the request's latency are taken here.
 * Requests refused before a version was chosen (unknown model or alias, no access) are not counted
 * per model: their keys would be whatever a caller typed. The per-route HTTP metrics count them.
 */
import type { Principal } from '../auth/principal.ts';
import { PlatformError } from '../errors.ts';
import { callerOf, type PredictionUsage } from './usage-records.ts';

/** What the prediction use cases tell an observer. */
export interface PredictionObserver {
  chosen(choice: { readonly version: number; readonly alias?: string }): void;
  modelRan(): void;
}

export interface UsageSink {
  record(usage: PredictionUsage): void;
}

class Observation implements PredictionObserver {
  version: number | undefined;
  alias: string | undefined;
  chosenAt = 0;
  modelMs: number | undefined;
  readonly #clock: () => number;

  constructor(clock: () => number) {
    this.#clock = clock;
  }

  chosen(choice: { readonly version: number; readonly alias?: string }): void {
    this.version = choice.version;
    this.alias = choice.alias;
    this.chosenAt = this.#clock();
  }

  modelRan(): void {
    this.modelMs = this.#clock() - this.chosenAt;
  }
}

export function statusOfError(error: unknown): number {
  return error instanceof PlatformError ? error.status : 500;
}

/**
 * Runs a prediction use case and records its usage. `rowsOf` counts the rows of a successful
 * answer; a failed one counts no rows.
 *
 * @example
 * await observePrediction(sink, principal, 'iris', (observer) => predict(..., observer), (r) => r.predictions.length);
 */
export async function observePrediction<T>(
  sink: UsageSink,
  principal: Principal,
  model: string,
  run: (observer: PredictionObserver) => Promise<T>,
  rowsOf: (result: T) => number,
  clock: () => number = performance.now.bind(performance),
): Promise<T> {
  const startedAt = clock();
  const observation = new Observation(clock);
  const record = (status: number, rows: number) => {
    if (observation.version === undefined) return;
    sink.record({
      model,
      version: observation.version,
      ...(observation.alias === undefined ? {} : { alias: observation.alias }),
      ...callerOf(principal),
      rows,
      status,
      handlerMs: clock() - startedAt,
      ...(observation.modelMs === undefined ? {} : { modelMs: observation.modelMs }),
    });
  };
  let result: T;
  try {
    result = await run(observation);
  } catch (error) {
    record(statusOfError(error), 0);
    throw error;
  }
  record(200, rowsOf(result));
  return result;
}
