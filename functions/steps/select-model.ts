import { selectModel } from '#core/training/pipeline/select.ts';
import { stepStateSchema } from '#core/training/pipeline/step-state.ts';
import { selectDeps } from './onnx-step-deps.ts';
import { stepHandler } from './step-handler.ts';

export const handler = stepHandler('select', stepStateSchema, (state) => selectModel(state, selectDeps));
