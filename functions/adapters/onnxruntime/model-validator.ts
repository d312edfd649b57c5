/** Validation on registration: the file must load in onnxruntime; its signature is read from the graph. */
import type { ModelValidator } from '#core/registry/ports.ts';
import { OnnxModel } from './onnx-model.ts';

export const onnxModelValidator: ModelValidator = {
  async validate(bytes) {
    const model = await OnnxModel.create(bytes);
    try {
      const { info, serving } = model;
      return {
        framework: info.framework,
        producer: [info.producerName, info.producerVersion].filter(Boolean).join(' ') || undefined,
        opsets: Object.fromEntries(info.opsets.map((o) => [o.domain || 'ai.onnx', o.version])),
        signature: {
          inputs: serving.inputs,
          outputs: info.signature.outputs,
          kind: serving.kind,
          ...(serving.classLabels === null ? {} : { classLabels: serving.classLabels }),
          ...(serving.ignoredInputs?.length ? { ignoredInputs: serving.ignoredInputs } : {}),
        },
      };
    } finally {
      await model.dispose();
    }
  },
};
