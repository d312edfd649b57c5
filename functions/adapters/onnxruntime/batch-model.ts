/** A loaded model as the batch chunk runner uses it: the same predict and input checks as the endpoint. */
import type { BatchModel } from '#core/batch/chunk-runner.ts';
import type { OnnxModel } from './onnx-model.ts';

export function batchModelOf(model: OnnxModel): BatchModel {
  return {
    inputs: model.serving.inputs,
    ...(model.serving.classLabels === null ? {} : { classLabels: model.serving.classLabels }),
    predict: (instances) => model.predict(instances),
    check: (instance) => {
      model.feedsFor([instance]);
    },
  };
}
