import { getModel } from '#core/registry/models.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { registryDeps } from './registry-deps.ts';

export const handler = httpHandler(routes.getModel, async ({ principal, params }) =>
  ok(await getModel(principal, params.name, registryDeps)),
);
