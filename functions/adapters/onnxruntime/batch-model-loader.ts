/**
 * The batch steps' models: the same per-container session cache (and so the same loading path from
 * the models bucket) as real-time predictions, held for the length of a chunk.
 */
import type { BatchModelLoader } from '#core/batch/pipeline.ts';
import { modelCache } from '../inference-dependencies.ts';

export const batchModelLoader: BatchModelLoader = {
  async load(artifactKey) {
    const lease = await modelCache.acquire(artifactKey);
    const model = lease.model;
    return {
      model: {
        inputs: model.serving.inputs,
        ...(model.serving.classLabels === null ? {} : { classLabels: model.serving.classLabels }),
        predict: (instances) => model.predict(instances),
      },
      release: () => lease.release(),
    };
  },
};
