import { listApiKeys } from '#core/api-keys/api-keys.ts';
import { apiKeyRepository } from '../../adapters/dependencies.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.listApiKeys, async ({ principal, query }) =>
  ok(await listApiKeys(principal, query, { apiKeys: apiKeyRepository })),
);
