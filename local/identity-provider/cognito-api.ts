/**
 * The subset of the Cognito Identity Provider JSON protocol (awsJson1_1) the platform uses: request
 * `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>` → parse the body → run on the user pool
 * → answer in Cognito's shapes (timestamps as epoch seconds). Errors are `IdentityProviderError`s whose
 * `type` the server sends as `__type`.
 */
import { z } from 'zod';
import { IdentityProviderError } from './errors.ts';
import type { StoredGroup, StoredUser } from './state.ts';
import type { UserPool } from './user-pool.ts';
import { parseUserFilter } from './user-pool.ts';

export const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

interface Operation<S extends z.ZodType> {
  readonly input: S;
  /** Whether a success changes the pool (and so must be persisted before answering). */
  readonly mutates: boolean;
  run(pool: UserPool, input: z.output<S>): unknown;
}

const operation = <S extends z.ZodType>(definition: Operation<S>): Operation<S> => definition;

const seconds = (epochMillis: number): number => epochMillis / 1000;

const userPoolId = z.string().min(1).max(55);
const username = z
  .string()
  .min(1)
  .max(128)
  .regex(
    /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u,
    'Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+',
  );
const groupName = z.string().min(1).max(128);
const limit = z.int().min(0).max(60).optional();
const token = z.string().min(1).max(2048).optional();
const attributeList = z.array(
  z.object({ Name: z.string().min(1).max(32), Value: z.string().max(2048).optional() }),
);

const userInput = z.looseObject({ UserPoolId: userPoolId, Username: username });
const groupMembershipInput = z.looseObject({
  UserPoolId: userPoolId,
  Username: username,
  GroupName: groupName,
});

function attributesOf(user: StoredUser, only?: readonly string[]): { Name: string; Value: string }[] {
  const all = [
    { Name: 'sub', Value: user.sub },
    ...Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
  ];
  return only === undefined ? all : all.filter((attribute) => only.includes(attribute.Name));
}

function userType(user: StoredUser, only?: readonly string[]) {
  return {
    Username: user.username,
    Attributes: attributesOf(user, only),
    UserCreateDate: seconds(user.createdAt),
    UserLastModifiedDate: seconds(user.updatedAt),
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}

function groupType(pool: UserPool, group: StoredGroup) {
  return {
    GroupName: group.name,
    UserPoolId: pool.userPoolId,
    ...(group.description === undefined ? {} : { Description: group.description }),
    CreationDate: seconds(group.createdAt),
    LastModifiedDate: seconds(group.updatedAt),
  };
}

/** Pagination tokens are opaque to clients: the last key of the previous page, encoded. */
function encodeToken(lastKey: string | undefined): string | undefined {
  return lastKey === undefined
    ? undefined
    : Buffer.from(JSON.stringify({ after: lastKey })).toString('base64url');
}

function decodeToken(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    const after = (decoded as { after?: unknown } | null)?.after;
    if (typeof after === 'string') return after;
  } catch {
    // Falls through to the error below.
  }
  throw new IdentityProviderError('InvalidParameterException', 'Invalid pagination token.');
}

const pageSize = (value: number | undefined): number => (value === undefined || value === 0 ? 60 : value);

const operations: Record<string, Operation<z.ZodType>> = {
  AdminCreateUser: operation({
    input: userInput.extend({
      UserAttributes: attributeList.optional(),
      MessageAction: z.enum(['RESEND', 'SUPPRESS']).optional(),
      // Accepted and ignored locally: nobody signs in with a password here, tokens come from /local/token.
      TemporaryPassword: z.string().optional(),
      DesiredDeliveryMediums: z.array(z.enum(['SMS', 'EMAIL'])).optional(),
    }),
    mutates: true,
    run(pool, input) {
      if (input.MessageAction === 'RESEND') return { User: userType(pool.getUser(input.Username)) };
      const attributes = Object.fromEntries((input.UserAttributes ?? []).map((a) => [a.Name, a.Value ?? '']));
      const user = pool.createUser({ username: input.Username, attributes, status: 'FORCE_CHANGE_PASSWORD' });
      return { User: userType(user) };
    },
  }),

  AdminGetUser: operation({
    input: userInput,
    mutates: false,
    run(pool, input) {
      const user = pool.getUser(input.Username);
      const { Attributes, ...rest } = userType(user);
      return { ...rest, UserAttributes: Attributes };
    },
  }),

  AdminDeleteUser: operation({
    input: userInput,
    mutates: true,
    run(pool, input) {
      pool.deleteUser(input.Username);
      return {};
    },
  }),

  ListUsers: operation({
    input: z.looseObject({
      UserPoolId: userPoolId,
      AttributesToGet: z.array(z.string()).optional(),
      Limit: limit,
      PaginationToken: token,
      Filter: z.string().max(256).optional(),
    }),
    mutates: false,
    run(pool, input) {
      const filter = parseUserFilter(input.Filter);
      const page = pool.listUsers({
        limit: pageSize(input.Limit),
        after: decodeToken(input.PaginationToken),
        ...(filter ? { filter } : {}),
      });
      return {
        Users: page.items.map((user) => userType(user, input.AttributesToGet)),
        PaginationToken: encodeToken(page.lastKey),
      };
    },
  }),

  ListUsersInGroup: operation({
    input: z.looseObject({ UserPoolId: userPoolId, GroupName: groupName, Limit: limit, NextToken: token }),
    mutates: false,
    run(pool, input) {
      const page = pool.listUsersInGroup(input.GroupName, {
        limit: pageSize(input.Limit),
        after: decodeToken(input.NextToken),
      });
      return { Users: page.items.map((user) => userType(user)), NextToken: encodeToken(page.lastKey) };
    },
  }),

  ListGroups: operation({
    input: z.looseObject({ UserPoolId: userPoolId, Limit: limit, NextToken: token }),
    mutates: false,
    run(pool, input) {
      const page = pool.listGroups({ limit: pageSize(input.Limit), after: decodeToken(input.NextToken) });
      return {
        Groups: page.items.map((group) => groupType(pool, group)),
        NextToken: encodeToken(page.lastKey),
      };
    },
  }),

  AdminListGroupsForUser: operation({
    input: userInput.extend({ Limit: limit, NextToken: token }),
    mutates: false,
    run(pool, input) {
      const page = pool.listGroupsForUser(input.Username, {
        limit: pageSize(input.Limit),
        after: decodeToken(input.NextToken),
      });
      return {
        Groups: page.items.map((group) => groupType(pool, group)),
        NextToken: encodeToken(page.lastKey),
      };
    },
  }),

  AdminAddUserToGroup: operation({
    input: groupMembershipInput,
    mutates: true,
    run(pool, input) {
      pool.addToGroup(input.Username, input.GroupName);
      return {};
    },
  }),

  AdminRemoveUserFromGroup: operation({
    input: groupMembershipInput,
    mutates: true,
    run(pool, input) {
      pool.removeFromGroup(input.Username, input.GroupName);
      return {};
    },
  }),

  AdminDisableUser: operation({
    input: userInput,
    mutates: true,
    run(pool, input) {
      pool.setEnabled(input.Username, false);
      return {};
    },
  }),

  AdminEnableUser: operation({
    input: userInput,
    mutates: true,
    run(pool, input) {
      pool.setEnabled(input.Username, true);
      return {};
    },
  }),

  AdminUserGlobalSignOut: operation({
    input: userInput,
    mutates: false,
    run(pool, input) {
      // Locally tokens are not tracked, so there is nothing to revoke; the user must still exist.
      pool.getUser(input.Username);
      return {};
    },
  }),
};

/** The operations this provider answers, for documentation and tests. */
export const SUPPORTED_OPERATIONS: readonly string[] = Object.keys(operations);

function invalidParameter(error: z.ZodError): IdentityProviderError {
  const problems = error.issues.map((issue) => {
    const path = issue.path.join('.') || 'input';
    return `Value at '${path}' failed to satisfy constraint: ${issue.message}`;
  });
  const count = problems.length === 1 ? '1 validation error' : `${problems.length} validation errors`;
  return new IdentityProviderError('InvalidParameterException', `${count} detected: ${problems.join('; ')}`);
}

export interface OperationResult {
  readonly output: unknown;
  readonly mutated: boolean;
}

/**
 * Runs one operation named by an `X-Amz-Target` header on the pool.
 * @example
 * const { output } = runOperation(pool, 'AWSCognitoIdentityProviderService.AdminGetUser', {
 *   UserPoolId: pool.userPoolId,
 *   Username: 'alice',
 * });
 */
export function runOperation(pool: UserPool, target: string | undefined, body: unknown): OperationResult {
  const name = target?.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
  const definition = name === undefined ? undefined : operations[name];
  if (!definition) {
    const shown = name ?? target ?? '(no X-Amz-Target header)';
    throw new IdentityProviderError(
      'UnknownOperationException',
      `The local identity provider does not support the operation ${shown}.`,
    );
  }
  const parsed = definition.input.safeParse(body);
  if (!parsed.success) throw invalidParameter(parsed.error);
  const input = parsed.data as { UserPoolId: string };
  if (input.UserPoolId !== pool.userPoolId) {
    throw new IdentityProviderError(
      'ResourceNotFoundException',
      `User pool ${input.UserPoolId} does not exist.`,
    );
  }
  return { output: definition.run(pool, input), mutated: definition.mutates };
}
