import { getUser } from '#core/users/users.ts';
import { userDirectory } from '../../adapters/dependencies.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.getUser, async ({ principal, params }) =>
  ok(await getUser(principal, params.username, { users: userDirectory })),
);
