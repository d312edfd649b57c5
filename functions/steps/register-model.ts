import { registerModel } from '#core/training/pipeline/register.ts';
import { stepStateSchema } from '#core/training/pipeline/step-state.ts';
import { registerDeps } from './onnx-step-deps.ts';
import { stepHandler } from './step-handler.ts';

export const handler = stepHandler('register', stepStateSchema, (state) =>
  registerModel(state, registerDeps),
);
