import { config } from '#config';
import { httpHandler } from '../lib/http-handler.ts';
import { buildOpenApiDocument } from '../openapi/build-openapi-document.ts';
import { DOCS_PAGE_HEADERS, renderDocsPage } from '../openapi/render-docs-page.ts';
import { routes } from '../routes.ts';

const page = renderDocsPage(buildOpenApiDocument({ version: config().serviceVersion }));

export const handler = httpHandler(routes.docs, async () => ({
  status: 200,
  text: page,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'public, max-age=300',
    ...DOCS_PAGE_HEADERS,
  },
}));
