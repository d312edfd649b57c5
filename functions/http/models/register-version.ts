import { ValidationError } from '#core/errors.ts';
import { registerVersion } from '#core/registry/versions.ts';
import { modelValidator } from '../../adapters/inference-dependencies.ts';
import { created, httpHandler } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { registryDeps } from './registry-deps.ts';
import { versionView } from './version-view.ts';

export const handler = httpHandler(
  routes.registerVersion,
  async ({ principal, params, query, body, binary }) => {
    const bytes = binary ?? (body ? Buffer.from(body.modelBase64, 'base64') : undefined);
    if (bytes === undefined) {
      throw new ValidationError(
        'Send the model file as application/octet-stream or as modelBase64 in JSON.',
        [{ field: 'body', message: 'required' }],
      );
    }
    const described = Object.keys(query).find((key) => key === 'format' || key === 'featureNames');
    if (body && described !== undefined) {
      throw new ValidationError(`With a JSON body, give ${described} in the body.`, [
        { field: `query.${described}`, message: 'only for application/octet-stream uploads' },
      ]);
    }
    const file = body
      ? { format: body.format, featureNames: body.featureNames, declaredIn: 'body' as const }
      : { format: query.format, featureNames: query.featureNames, declaredIn: 'query' as const };
    const extras = body ? { metrics: body.metrics, metadata: body.metadata } : {};
    const version = await registerVersion(
      principal,
      params.name,
      bytes,
      { ...extras, file },
      {
        ...registryDeps,
        validator: modelValidator,
      },
    );
    return created(versionView(version), `/v1/models/${version.modelName}/versions/${version.version}`);
  },
);
