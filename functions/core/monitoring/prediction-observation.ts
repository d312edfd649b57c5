/**
 * Times one prediction request and records it once it is answered: the use case reports which
 * version it chose (with the model's capture settings) and when the model ran; the outcome and the
 * request's latency are taken here, and a successful answer is offered to prediction capture.
 * Requests refused before a version was chosen (unknown model or alias, no access) are not counted
 * per model: their keys would be whatever a caller typed. The per-route HTTP metrics count them.
 */
import type { Principal } from '../auth/principal.ts';
import { PlatformError } from '../errors.ts';
import type { CaptureSettings } from '../registry/model-records.ts';
import type { CaptureRecorder } from './prediction-capture.ts';
import { callerOf, type PredictionUsage } from './usage-records.ts';

export interface ServedChoice {
  readonly version: number;
  readonly alias?: string;
  readonly capture?: CaptureSettings;
}

/** What the prediction use cases tell an observer. */
export interface PredictionObserver {
  chosen(choice: ServedChoice): void;
  modelRan(): void;
  /** Rows answered from the prediction cache and rows the model ran (models with the cache on). */
  cached?(counts: { readonly hits: number; readonly misses: number }): void;
}

export interface UsageSink {
  record(usage: PredictionUsage): void;
}

export interface PredictionSinks {
  readonly usage: UsageSink;
  readonly capture?: Pick<CaptureRecorder, 'offer'>;
}

export interface ObservedRequest {
  readonly principal: Principal;
  readonly model: string;
  readonly requestId: string;
  /** The rows as received, for capture. */
  readonly inputs: unknown;
}

class Observation implements PredictionObserver {
  version: number | undefined;
  alias: string | undefined;
  capture: CaptureSettings | undefined;
  chosenAt = 0;
  modelMs: number | undefined;
  cache: { readonly hits: number; readonly misses: number } | undefined;
  readonly #clock: () => number;

  constructor(clock: () => number) {
    this.#clock = clock;
  }

  chosen(choice: ServedChoice): void {
    this.version = choice.version;
    this.alias = choice.alias;
    this.capture = choice.capture;
    this.chosenAt = this.#clock();
  }

  modelRan(): void {
    this.modelMs = this.#clock() - this.chosenAt;
  }

  cached(counts: { readonly hits: number; readonly misses: number }): void {
    this.cache = counts;
  }
}

export function statusOfError(error: unknown): number {
  return error instanceof PlatformError ? error.status : 500;
}

/**
 * Runs a prediction use case, records its usage and offers a successful answer to capture.
 * `rowsOf` counts the rows of a successful answer; a failed one counts no rows.
 *
 * @example
 * await observePrediction(sinks, { principal, model: 'iris', requestId, inputs }, (observer) => predict(..., observer), (r) => r.predictions.length);
 */
export async function observePrediction<T>(
  sinks: PredictionSinks,
  request: ObservedRequest,
  run: (observer: PredictionObserver) => Promise<T>,
  rowsOf: (result: T) => number,
  clock: () => number = performance.now.bind(performance),
): Promise<T> {
  const { principal, model } = request;
  const startedAt = clock();
  const observation = new Observation(clock);
  const record = (status: number, rows: number) => {
    if (observation.version === undefined) return;
    sinks.usage.record({
      model,
      version: observation.version,
      ...(observation.alias === undefined ? {} : { alias: observation.alias }),
      ...callerOf(principal),
      rows,
      status,
      handlerMs: clock() - startedAt,
      ...(observation.modelMs === undefined ? {} : { modelMs: observation.modelMs }),
      ...(observation.cache === undefined
        ? {}
        : { cacheHits: observation.cache.hits, cacheMisses: observation.cache.misses }),
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
  const { version, alias } = observation;
  if (version !== undefined) {
    sinks.capture?.offer(observation.capture, (time, includeInputs) => ({
      requestId: request.requestId,
      time,
      model,
      version,
      ...(alias === undefined ? {} : { alias }),
      ...(includeInputs ? { inputs: request.inputs } : {}),
      outputs: result,
    }));
  }
  return result;
}
