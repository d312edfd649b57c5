/**
 * The batch steps' models: the same per-container session cache, and so the same loading path, as
 * real-time predictions (the file read at its pinned S3 object version and checked against the
 * version's SHA-256), held for the length of a chunk.
 */
import type { BatchModelLoader } from '#core/batch/pipeline.ts';
import { modelCache } from '../inference-dependencies.ts';

export const batchModelLoader: BatchModelLoader = {
  async load(artifact) {
    const lease = await modelCache.acquire(artifact);
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
