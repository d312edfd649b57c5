import { updateModel } from '#core/registry/models.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { registryDeps } from './registry-deps.ts';

export const handler = httpHandler(routes.updateModel, async ({ principal, params, body }) =>
  ok(await updateModel(principal, params.name, body, registryDeps)),
);
