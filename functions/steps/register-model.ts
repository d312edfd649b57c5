import { registerModel } from '#core/training/pipeline/steps.ts';
import { modelRepository, modelsStore, versionRepository } from '../adapters/dependencies.ts';
import { onnxModelValidator } from '../adapters/onnxruntime/model-validator.ts';
import { stepStateSchema } from './state-schema.ts';
import { codeVersion, maxModelBytes, stepDeps } from './step-deps.ts';
import { stepHandler } from './step-handler.ts';

export const handler = stepHandler('register', stepStateSchema, (state) =>
  registerModel(state, {
    ...stepDeps,
    models: modelRepository,
    versions: versionRepository,
    artifacts: modelsStore,
    validator: onnxModelValidator,
    maxModelBytes,
    codeVersion,
  }),
);
