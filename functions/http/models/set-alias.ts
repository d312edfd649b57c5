import { setAlias } from '#core/registry/aliases.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { registryDeps } from './registry-deps.ts';

export const handler = httpHandler(routes.setAlias, async ({ principal, params, body }) =>
  ok(await setAlias(principal, params.name, params.alias, body, registryDeps)),
);
