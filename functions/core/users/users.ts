/**
 * User administration (admins only): list, invite, change role, disable. Disabling a user also
 * revokes their API keys, since a key would otherwise outlive the account it speaks for.
 */
import { type ApiKeyRepository, revokeAllKeysOf } from '../api-keys/api-keys.ts';
import { assertAdmin } from '../auth/access-rules.ts';
import type { Principal, Role } from '../auth/principal.ts';
import { NotFoundError, UnprocessableError } from '../errors.ts';
import type { Page, PageRequest } from '../pagination.ts';
import type { DirectoryUser, UserDirectory } from './user-directory.ts';

export interface UserDeps {
  readonly users: UserDirectory;
  readonly apiKeys: ApiKeyRepository;
  readonly now: () => Date;
}

export async function listUsers(
  principal: Principal,
  page: PageRequest,
  deps: Pick<UserDeps, 'users'>,
): Promise<Page<DirectoryUser>> {
  assertAdmin(principal, 'list users');
  return deps.users.listUsers(page);
}

export async function getUser(
  principal: Principal,
  username: string,
  deps: Pick<UserDeps, 'users'>,
): Promise<DirectoryUser> {
  assertAdmin(principal, 'read user accounts');
  const user = await deps.users.getUser(username);
  if (user === undefined) throw new NotFoundError(`No user ${username}.`);
  return user;
}

export async function createUser(
  principal: Principal,
  input: { username: string; email: string; role: Role },
  deps: Pick<UserDeps, 'users'>,
): Promise<DirectoryUser> {
  assertAdmin(principal, 'create users');
  return deps.users.createUser(input);
}

export async function updateUser(
  principal: Principal,
  username: string,
  change: { role?: Role; enabled?: boolean },
  deps: UserDeps,
): Promise<DirectoryUser> {
  assertAdmin(principal, 'change user accounts');
  const user = await deps.users.getUser(username);
  if (user === undefined) throw new NotFoundError(`No user ${username}.`);
  if (user.userId === principal.userId && (change.enabled === false || change.role === 'user')) {
    // Keeps the platform from losing its last way in by accident.
    throw new UnprocessableError('Admins cannot disable or demote themselves; ask another admin.', {
      field: change.enabled === false ? 'body.enabled' : 'body.role',
    });
  }
  if (change.role !== undefined && change.role !== user.role) {
    await deps.users.setRole(username, change.role);
    if (change.role === 'user') {
      await revokeAllKeysOf(user.userId, principal.username, deps, (key) => key.role === 'admin');
    }
  }
  if (change.enabled !== undefined && change.enabled !== user.enabled) {
    await deps.users.setEnabled(username, change.enabled);
    if (!change.enabled) await revokeAllKeysOf(user.userId, principal.username, deps);
  }
  const updated = await deps.users.getUser(username);
  if (updated === undefined) throw new NotFoundError(`No user ${username}.`);
  return updated;
}
