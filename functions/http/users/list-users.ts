import { listUsers } from '#core/users/users.ts';
import { userDirectory } from '../../adapters/dependencies.ts';
import { httpHandler, ok } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.listUsers, async ({ principal, query }) =>
  ok(await listUsers(principal, query, { users: userDirectory })),
);
