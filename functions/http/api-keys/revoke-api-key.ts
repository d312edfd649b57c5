import { revokeApiKey } from '#core/api-keys/api-keys.ts';
import { apiKeyRepository } from '../../adapters/dependencies.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.revokeApiKey, async ({ principal, params }) =>
  ok(await revokeApiKey(principal, params.keyId, { apiKeys: apiKeyRepository, now: () => new Date() })),
);
