import { describeModelV2 } from '#core/inference/predict.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { predictDeps } from './inference-deps.ts';

export const handler = httpHandler(routes.v2ModelVersionMetadata, async ({ principal, params }) =>
  ok(await describeModelV2(principal, params.name, { version: params.version }, predictDeps)),
);
