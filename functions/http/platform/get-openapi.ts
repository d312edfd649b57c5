import { config } from '#config';
import { httpHandler } from '../lib/http-handler.ts';
import { buildOpenApiDocument } from '../openapi/build-openapi-document.ts';
import { routes } from '../routes.ts';

// Built once per container: the document depends only on the code and its version.
const document = buildOpenApiDocument({ version: config().serviceVersion });

export const handler = httpHandler(routes.openApi, async () => ({
  status: 200,
  body: document,
  headers: { 'cache-control': 'public, max-age=300' },
}));
