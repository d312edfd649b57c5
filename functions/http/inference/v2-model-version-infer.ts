import { inferV2 } from '#core/inference/predict.ts';
import { observePrediction } from '#core/monitoring/prediction-observation.ts';
import { usageRecorder } from '../../adapters/monitoring-dependencies.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { predictDeps, v2Rows } from './inference-deps.ts';

export const handler = httpHandler(routes.v2ModelVersionInfer, async ({ principal, params, body }) =>
  ok(
    await observePrediction(
      usageRecorder,
      principal,
      params.name,
      (observer) => inferV2(principal, params.name, { version: params.version }, body, predictDeps, observer),
      v2Rows,
    ),
  ),
);
