import { deleteModel } from '#core/registry/models.ts';
import { httpHandler } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { registryDeps } from './registry-deps.ts';

export const handler = httpHandler(routes.deleteModel, async ({ principal, params }) => {
  await deleteModel(principal, params.name, registryDeps);
  return { status: 204 };
});
