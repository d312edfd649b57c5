import { artifactDownload } from '#core/registry/artifact-download.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { registryDeps } from './registry-deps.ts';

export const handler = httpHandler(routes.getVersionArtifact, async ({ principal, params }) =>
  ok(await artifactDownload(principal, params.name, params.version, registryDeps)),
);
