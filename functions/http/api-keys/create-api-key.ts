import { createApiKey } from '#core/api-keys/api-keys.ts';
import { apiKeyRepository, userDirectory } from '../../adapters/dependencies.ts';
import { created, httpHandler } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.createApiKey, async ({ principal, body }) => {
  const { key, apiKey } = await createApiKey(principal, body, {
    apiKeys: apiKeyRepository,
    users: userDirectory,
    now: () => new Date(),
  });
  return created({ ...key, apiKey }, `/v1/api-keys/${key.keyId}`);
});
