import { getVersion } from '#core/registry/versions.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { registryDeps } from './registry-deps.ts';
import { versionView } from './version-view.ts';

export const handler = httpHandler(routes.getVersion, async ({ principal, params }) =>
  ok(versionView(await getVersion(principal, params.name, params.version, registryDeps))),
);
