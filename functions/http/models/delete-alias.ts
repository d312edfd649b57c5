import { removeAlias } from '#core/registry/aliases.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { registryDeps } from './registry-deps.ts';

export const handler = httpHandler(routes.deleteAlias, async ({ principal, params }) =>
  ok(await removeAlias(principal, params.name, params.alias, registryDeps)),
);
