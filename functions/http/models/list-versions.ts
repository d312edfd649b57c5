import { listVersions } from '#core/registry/versions.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { registryDeps } from './registry-deps.ts';
import { versionView } from './version-view.ts';

export const handler = httpHandler(routes.listVersions, async ({ principal, params, query }) => {
  const page = await listVersions(principal, params.name, query, registryDeps);
  return ok({ ...page, items: page.items.map(versionView) });
});
