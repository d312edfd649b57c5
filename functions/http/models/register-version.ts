import { ValidationError } from '#core/errors.ts';
import { registerVersion } from '#core/registry/versions.ts';
import { modelValidator } from '../../adapters/inference-dependencies.ts';
import { created, httpHandler } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { registryDeps } from './registry-deps.ts';
import { versionView } from './version-view.ts';

export const handler = httpHandler(routes.registerVersion, async ({ principal, params, body, binary }) => {
  const bytes = binary ?? (body ? Buffer.from(body.modelBase64, 'base64') : undefined);
  if (bytes === undefined) {
    throw new ValidationError('Send the ONNX file as application/octet-stream or as modelBase64 in JSON.', [
      { field: 'body', message: 'required' },
    ]);
  }
  const extras = body ? { metrics: body.metrics, metadata: body.metadata } : {};
  const version = await registerVersion(principal, params.name, bytes, extras, {
    ...registryDeps,
    validator: modelValidator,
  });
  return created(versionView(version), `/v1/models/${version.modelName}/versions/${version.version}`);
});
