import { inferV2 } from '#core/inference/predict.ts';
import { observePrediction } from '#core/monitoring/prediction-observation.ts';
import { predictionSinks } from '../../adapters/monitoring-dependencies.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { predictDeps, routingKeyOf, v2Rows } from './inference-deps.ts';

export const handler = httpHandler(
  routes.v2ModelInfer,
  async ({ principal, params, body, event, requestId }) =>
    ok(
      await observePrediction(
        predictionSinks,
        { principal, model: params.name, requestId, inputs: body.inputs },
        (observer) =>
          inferV2(
            principal,
            params.name,
            { routingKey: routingKeyOf(event.headers) },
            body,
            predictDeps,
            observer,
          ),
        v2Rows,
      ),
    ),
);
