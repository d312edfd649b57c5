/**
 * Runs a model file as the predict endpoint would: the training workflow's parity check. The
 * endpoint takes at most MAX_INSTANCES rows per request, so a large validation set goes through in
 * batches of that size, on one loaded session.
 */
import { MAX_INSTANCES } from '#core/inference/instances.ts';
import type { ServingRuntime } from '#core/training/pipeline/ports.ts';
import { OnnxModel } from './onnx-model.ts';

export const onnxServingRuntime: ServingRuntime = {
  async predict(onnx, instances) {
    const model = await OnnxModel.create(onnx);
    try {
      const predictions: unknown[] = [];
      const probabilities: (readonly number[])[] = [];
      let classifier = false;
      for (let start = 0; start < instances.length; start += MAX_INSTANCES) {
        const result = await model.predict(instances.slice(start, start + MAX_INSTANCES));
        predictions.push(...result.predictions);
        if (result.probabilities !== undefined) {
          classifier = true;
          probabilities.push(...result.probabilities);
        }
      }
      return { predictions, ...(classifier ? { probabilities } : {}) };
    } finally {
      await model.dispose();
    }
  },
};
