/** Runs a model file once, as the predict endpoint would: the training workflow's parity check. */
import type { ServingRuntime } from '#core/training/pipeline/ports.ts';
import { OnnxModel } from './onnx-model.ts';

export const onnxServingRuntime: ServingRuntime = {
  async predict(onnx, instances) {
    const model = await OnnxModel.create(onnx);
    try {
      const result = await model.predict(instances);
      return {
        predictions: result.predictions,
        ...(result.probabilities === undefined ? {} : { probabilities: result.probabilities }),
      };
    } finally {
      await model.dispose();
    }
  },
};
