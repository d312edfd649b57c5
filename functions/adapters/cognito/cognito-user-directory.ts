/**
 * The user directory on Cognito. Locally the same code talks to the local identity provider,
 * which answers the same operations (endpoint override only).
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUserGlobalSignOutCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
  ListUsersCommand,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { type Role, roleFromGroups } from '#core/auth/principal.ts';
import { ConflictError, NotFoundError } from '#core/errors.ts';
import { type CursorSigner, invalidCursor, type Page, type PageRequest } from '#core/pagination.ts';
import type { DirectoryUser, UserDirectory } from '#core/users/user-directory.ts';
import { platformCursors } from '../dynamodb/cursor.ts';

/** Cognito's ListUsers caps a page at 60. */
const MAX_PAGE = 60;

function attribute(attributes: readonly AttributeType[] | undefined, name: string): string | undefined {
  return attributes?.find((a) => a.Name === name)?.Value;
}

export class CognitoUserDirectory implements UserDirectory {
  readonly #client: CognitoIdentityProviderClient;
  readonly #userPoolId: string;
  readonly #cursors: CursorSigner | undefined;

  /** `cursors`: default, the signer built from the platform's configured key. */
  constructor(client: CognitoIdentityProviderClient, userPoolId: string, cursors?: CursorSigner) {
    this.#cursors = cursors;
    this.#client = client;
    this.#userPoolId = userPoolId;
  }

  async #groupsOf(username: string): Promise<string[]> {
    const result = await this.#client.send(
      new AdminListGroupsForUserCommand({ UserPoolId: this.#userPoolId, Username: username, Limit: 60 }),
    );
    return (result.Groups ?? []).flatMap((g) => (g.GroupName ? [g.GroupName] : []));
  }

  #toUser(
    raw: {
      Username?: string;
      Attributes?: AttributeType[];
      UserAttributes?: AttributeType[];
      Enabled?: boolean;
      UserStatus?: string;
      UserCreateDate?: Date;
    },
    groups: string[],
  ): DirectoryUser {
    const attributes = raw.Attributes ?? raw.UserAttributes;
    const username = raw.Username ?? '';
    const email = attribute(attributes, 'email');
    return {
      userId: attribute(attributes, 'sub') ?? username,
      username,
      ...(email === undefined ? {} : { email }),
      role: roleFromGroups(groups),
      enabled: raw.Enabled ?? true,
      status: raw.UserStatus ?? 'UNKNOWN',
      createdAt: (raw.UserCreateDate ?? new Date(0)).toISOString(),
    };
  }

  async getUser(username: string): Promise<DirectoryUser | undefined> {
    try {
      const result = await this.#client.send(
        new AdminGetUserCommand({ UserPoolId: this.#userPoolId, Username: username }),
      );
      return this.#toUser(result, await this.#groupsOf(username));
    } catch (error) {
      if (error instanceof UserNotFoundException) return undefined;
      throw error;
    }
  }

  async listUsers(page: PageRequest): Promise<Page<DirectoryUser>> {
    // Cognito's pagination token, signed like every cursor: a forged one is a 400, not Cognito's error.
    const scope = `users:${this.#userPoolId}`;
    const signer = () => this.#cursors ?? platformCursors();
    let token: string | undefined;
    if (page.cursor !== undefined) {
      const opened = signer().open(page.cursor, scope);
      if (typeof opened !== 'string') throw invalidCursor();
      token = opened;
    }
    const result = await this.#client.send(
      new ListUsersCommand({
        UserPoolId: this.#userPoolId,
        Limit: Math.min(page.limit, MAX_PAGE),
        PaginationToken: token,
      }),
    );
    // ListUsers does not return groups; a bounded page keeps these lookups to at most 60.
    const users = await Promise.all(
      (result.Users ?? []).map(async (user) => this.#toUser(user, await this.#groupsOf(user.Username ?? ''))),
    );
    return {
      items: users,
      nextCursor:
        result.PaginationToken === undefined ? undefined : signer().sign(result.PaginationToken, scope),
    };
  }

  async createUser(input: { username: string; email: string; role: Role }): Promise<DirectoryUser> {
    try {
      await this.#client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.#userPoolId,
          Username: input.username,
          UserAttributes: [
            { Name: 'email', Value: input.email },
            { Name: 'email_verified', Value: 'true' },
          ],
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      );
    } catch (error) {
      if (error instanceof UsernameExistsException) {
        throw new ConflictError(`A user named ${input.username} exists already.`, { field: 'body.username' });
      }
      throw error;
    }
    await this.#client.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: this.#userPoolId,
        Username: input.username,
        GroupName: input.role,
      }),
    );
    const created = await this.getUser(input.username);
    if (created === undefined) throw new NotFoundError(`User ${input.username} vanished after creation.`);
    return created;
  }

  async setRole(username: string, role: Role): Promise<void> {
    const other: Role = role === 'admin' ? 'user' : 'admin';
    await this.#client.send(
      new AdminAddUserToGroupCommand({ UserPoolId: this.#userPoolId, Username: username, GroupName: role }),
    );
    await this.#client.send(
      new AdminRemoveUserFromGroupCommand({
        UserPoolId: this.#userPoolId,
        Username: username,
        GroupName: other,
      }),
    );
  }

  async setEnabled(username: string, enabled: boolean): Promise<void> {
    if (enabled) {
      await this.#client.send(
        new AdminEnableUserCommand({ UserPoolId: this.#userPoolId, Username: username }),
      );
      return;
    }
    await this.#client.send(
      new AdminDisableUserCommand({ UserPoolId: this.#userPoolId, Username: username }),
    );
  }

  async signOut(username: string): Promise<void> {
    await this.#client.send(
      new AdminUserGlobalSignOutCommand({ UserPoolId: this.#userPoolId, Username: username }),
    );
  }
}
