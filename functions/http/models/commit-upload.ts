import { commitUpload } from '#core/registry/versions.ts';
import { modelValidator } from '../../adapters/inference-dependencies.ts';
import { created, httpHandler } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { registryDeps } from './registry-deps.ts';
import { versionView } from './version-view.ts';

export const handler = httpHandler(routes.commitModelUpload, async ({ principal, params, body }) => {
  const { format, featureNames, ...extras } = body;
  const file = { format, featureNames, declaredIn: 'body' as const };
  const version = await commitUpload(
    principal,
    params.name,
    params.uploadId,
    { ...extras, file },
    {
      ...registryDeps,
      validator: modelValidator,
    },
  );
  return created(versionView(version), `/v1/models/${version.modelName}/versions/${version.version}`);
});
