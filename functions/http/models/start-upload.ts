import { startUpload } from '#core/registry/versions.ts';
import { created, httpHandler } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { registryDeps } from './registry-deps.ts';

export const handler = httpHandler(routes.startModelUpload, async ({ principal, params, body }) =>
  created(await startUpload(principal, params.name, body, registryDeps)),
);
