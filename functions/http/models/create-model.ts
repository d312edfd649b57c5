import { createModel } from '#core/registry/models.ts';
import { created, httpHandler } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { registryDeps } from './registry-deps.ts';

export const handler = httpHandler(routes.createModel, async ({ principal, body }) => {
  const model = await createModel(principal, body, registryDeps);
  return created(model, `/v1/models/${model.name}`);
});
