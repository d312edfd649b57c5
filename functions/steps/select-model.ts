import { selectModel } from '#core/training/pipeline/steps.ts';
import { onnxServingRuntime } from '../adapters/onnxruntime/serving-runtime.ts';
import { stepStateSchema } from './state-schema.ts';
import { stepDeps } from './step-deps.ts';
import { stepHandler } from './step-handler.ts';

export const handler = stepHandler('select', stepStateSchema, (state) =>
  selectModel(state, { ...stepDeps, runtime: onnxServingRuntime }),
);
