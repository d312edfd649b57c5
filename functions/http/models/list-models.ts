import { listModels } from '#core/registry/models.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { registryDeps } from './registry-deps.ts';

export const handler = httpHandler(routes.listModels, async ({ principal, query }) =>
  ok(await listModels(principal, query, registryDeps)),
);
