import { predict } from '#core/inference/predict.ts';
import { observePrediction } from '#core/monitoring/prediction-observation.ts';
import { predictionSinks } from '../../adapters/monitoring-dependencies.ts';
import { httpHandler } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { predictDeps, routingKeyOf } from './inference-deps.ts';
import { acceptPredictBody } from './predict-body.ts';

export const handler = httpHandler(
  routes.predict,
  async ({ principal, params, query, body, event, requestId }) => {
    const result = await observePrediction(
      predictionSinks,
      { principal, model: params.name, requestId, inputs: body.instances },
      (observer) =>
        predict(
          principal,
          params.name,
          { ...query, routingKey: routingKeyOf(event.headers, body.routingKey) },
          body.instances,
          predictDeps,
          observer,
        ),
      (answer) => answer.predictions.length,
    );
    return { status: 200, body: result, headers: { 'x-model-version': String(result.version) } };
  },
  { bodyFastPath: acceptPredictBody },
);
