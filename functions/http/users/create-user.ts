import { createUser } from '#core/users/users.ts';
import { userDirectory } from '../../adapters/dependencies.ts';
import { created, httpHandler } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.createUser, async ({ principal, body }) => {
  const user = await createUser(principal, body, { users: userDirectory });
  return created(user, `/v1/users/${user.username}`);
});
