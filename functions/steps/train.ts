import { stepStateSchema } from '#core/training/pipeline/step-state.ts';
import { train } from '#core/training/pipeline/train.ts';
import { stepDeps } from './step-deps.ts';
import { stepHandler } from './step-handler.ts';

export const handler = stepHandler('train', stepStateSchema, (state) => train(state, stepDeps));
