import { getApiKey } from '#core/api-keys/api-keys.ts';
import { apiKeyRepository } from '../../adapters/dependencies.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.getApiKey, async ({ principal, params }) =>
  ok(await getApiKey(principal, params.keyId, { apiKeys: apiKeyRepository })),
);
