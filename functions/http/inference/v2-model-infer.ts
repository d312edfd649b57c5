import { inferV2 } from '#core/inference/predict.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { predictDeps, routingKeyOf } from './inference-deps.ts';

export const handler = httpHandler(routes.v2ModelInfer, async ({ principal, params, body, event }) =>
  ok(await inferV2(principal, params.name, { routingKey: routingKeyOf(event.headers) }, body, predictDeps)),
);
