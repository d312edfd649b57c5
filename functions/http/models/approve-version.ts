import { reviewVersion } from '#core/registry/versions.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { registryDeps } from './registry-deps.ts';
import { versionView } from './version-view.ts';

export const handler = httpHandler(routes.approveVersion, async ({ principal, params, body }) =>
  ok(
    versionView(
      await reviewVersion(principal, params.name, params.version, { to: 'approved', ...body }, registryDeps),
    ),
  ),
);
