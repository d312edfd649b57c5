import { sourceFileDownload } from '#core/registry/source-file.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { registryDeps } from './registry-deps.ts';

export const handler = httpHandler(routes.getVersionSourceFile, async ({ principal, params }) =>
  ok(await sourceFileDownload(principal, params.name, params.version, registryDeps)),
);
