import { train } from '#core/training/pipeline/steps.ts';
import { stepStateSchema } from './state-schema.ts';
import { stepDeps } from './step-deps.ts';
import { stepHandler } from './step-handler.ts';

export const handler = stepHandler('train', stepStateSchema, (state) => train(state, stepDeps));
