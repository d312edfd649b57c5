/**
 * User administration (admins only): list, invite, change role, disable; and signing oneself out.
 * Disabling or demoting a user ends their sessions first (tokens issued so far are void, refresh
 * tokens are signed out) and then revokes their API keys (all of them, or the admin ones), since
 * neither may outlive the rights it was made with. Each step is idempotent and runs whenever the
 * request asks for the change, so a retry after a partial failure finishes the job.
 */
import { type ApiKeyRepository, revokeAllKeysOf } from '../api-keys/api-keys.ts';
import { assertAdmin } from '../auth/access-rules.ts';
import type { Principal, Role } from '../auth/principal.ts';
import { revokeTokensOf, type TokenRevocations } from '../auth/token-revocation.ts';
import { ForbiddenError, NotFoundError, UnprocessableError } from '../errors.ts';
import type { Page, PageRequest } from '../pagination.ts';
import type { DirectoryUser, UserDirectory } from './user-directory.ts';

export interface UserDeps {
  readonly users: UserDirectory;
  readonly apiKeys: ApiKeyRepository;
  readonly revocations: TokenRevocations;
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

/** Voids the tokens a user holds and signs them out of Cognito (their refresh tokens stop working). */
async function endSessions(
  user: { userId: string; username: string },
  deps: Pick<UserDeps, 'users' | 'revocations' | 'now'>,
): Promise<void> {
  await revokeTokensOf(user.userId, deps);
  await deps.users.signOut(user.username);
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
  const disabling = change.enabled === false;
  const demoting = change.role === 'user' && user.role === 'admin';
  // Sessions end before the directory changes: if a later step fails, a retry finds the change still
  // to make and ends them again, rather than finding the change made and skipping the revocation.
  if (disabling || demoting) await endSessions(user, deps);
  if (change.role !== undefined && change.role !== user.role) {
    await deps.users.setRole(username, change.role);
  }
  if (change.role === 'user') {
    await revokeAllKeysOf(user.userId, principal.username, deps, (key) => key.role === 'admin');
  }
  if (change.enabled !== undefined && change.enabled !== user.enabled) {
    await deps.users.setEnabled(username, change.enabled);
  }
  if (disabling) await revokeAllKeysOf(user.userId, principal.username, deps);
  const updated = await deps.users.getUser(username);
  if (updated === undefined) throw new NotFoundError(`No user ${username}.`);
  return updated;
}

/**
 * Signs the caller out everywhere: every token they hold stops working (within the authorizer's
 * revocation cache bound) and Cognito ends their refresh tokens. API keys are not sessions: they
 * are revoked one by one (DELETE /v1/api-keys/{keyId}).
 */
export async function signOut(
  principal: Principal,
  deps: Pick<UserDeps, 'users' | 'revocations' | 'now'>,
): Promise<void> {
  if (principal.via !== 'token') {
    throw new ForbiddenError(
      'Sign out with a token; an API key is revoked with DELETE /v1/api-keys/{keyId}.',
    );
  }
  await endSessions(principal, deps);
}
