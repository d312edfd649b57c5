import { features } from '#core/training/pipeline/features.ts';
import { stepStateSchema } from '#core/training/pipeline/step-state.ts';
import { stepDeps } from './step-deps.ts';
import { stepHandler } from './step-handler.ts';

export const handler = stepHandler('features', stepStateSchema, (state) => features(state, stepDeps));
