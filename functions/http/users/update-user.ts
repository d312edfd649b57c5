import { updateUser } from '#core/users/users.ts';
import { apiKeyRepository, tokenRevocations, userDirectory } from '../../adapters/dependencies.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.updateUser, async ({ principal, params, body }) =>
  ok(
    await updateUser(principal, params.username, body, {
      users: userDirectory,
      apiKeys: apiKeyRepository,
      revocations: tokenRevocations,
      now: () => new Date(),
    }),
  ),
);
