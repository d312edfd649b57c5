/**
 * The prediction use cases' dependencies: registry reads, the onnxruntime model runner and the
 * container's prediction cache (used for the models whose owner turned it on).
 */
import { config } from '#config';
import { PredictionCache } from '#core/inference/prediction-cache.ts';
import { cachedServingRegistry } from '../../adapters/cached-registry.ts';
import { modelRepository, versionRepository } from '../../adapters/dependencies.ts';
import { batchThreads, modelRunner } from '../../adapters/inference-dependencies.ts';
import { DEFAULT_BATCH_ROWS_FROM } from '../../adapters/onnxruntime/onnx-model.ts';

export const predictDeps = {
  ...cachedServingRegistry(modelRepository, versionRepository, { ttlMs: config().limits.servingCacheTtlMs }),
  runner: modelRunner,
  predictionCache: new PredictionCache({
    maxBytes: config().limits.predictionCacheBytes,
    // Batches on the threaded session are not cached: they may sum a row's parts in another order.
    ...(batchThreads > 1 ? { largeBatchRows: DEFAULT_BATCH_ROWS_FROM } : {}),
  }),
};

/** The sticky routing key of a split alias: the body's `routingKey`, else the `x-routing-key` header. */
export function routingKeyOf(headers: Readonly<Record<string, string | undefined>>, fromBody?: string) {
  return fromBody ?? headers['x-routing-key'];
}

/** Rows of a v2 answer: the first dimension of its first output (a model's outputs share it). */
export function v2Rows(answer: {
  readonly outputs: readonly { readonly shape: readonly number[] }[];
}): number {
  return answer.outputs[0]?.shape[0] ?? 0;
}
