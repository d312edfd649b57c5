import { NotFoundError } from '#core/errors.ts';
import { httpHandler } from '../lib/http-handler.ts';
import { docsAsset } from '../openapi/docs-assets.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.docsAsset, async ({ params }) => {
  const asset = docsAsset(params.file);
  if (asset === undefined) throw new NotFoundError(`The docs have no asset named "${params.file}".`);
  return {
    status: 200,
    text: asset.text,
    headers: {
      'content-type': asset.contentType,
      'cache-control': 'public, max-age=3600',
      'x-content-type-options': 'nosniff',
    },
  };
});
