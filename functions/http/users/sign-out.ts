import { signOut } from '#core/users/users.ts';
import { tokenRevocations, userDirectory } from '../../adapters/dependencies.ts';
import { httpHandler } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.signOut, async ({ principal }) => {
  await signOut(principal, { users: userDirectory, revocations: tokenRevocations, now: () => new Date() });
  return { status: 204 };
});
