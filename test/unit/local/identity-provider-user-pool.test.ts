import { describe, expect, it } from 'vitest';
import { runOperation, SUPPORTED_OPERATIONS } from '../../../local/identity-provider/cognito-api.ts';
import { parseUserFilter, UserPool } from '../../../local/identity-provider/user-pool.ts';

const POOL_ID = 'us-east-1_local';
const target = (operation: string) => `AWSCognitoIdentityProviderService.${operation}`;

function poolWith(...usernames: string[]): UserPool {
  const pool = new UserPool(POOL_ID, {
    version: 1,
    groups: [
      { name: 'admin', createdAt: 0, updatedAt: 0 },
      { name: 'user', createdAt: 0, updatedAt: 0 },
    ],
    users: [],
  });
  for (const username of usernames) {
    pool.createUser({ username, attributes: { email: `${username}@example.com` }, status: 'CONFIRMED' });
  }
  return pool;
}

describe('parseUserFilter', () => {
  it.each([
    ['username = "alice"', { attribute: 'username', operator: '=', value: 'alice' }],
    ['sub="abc"', { attribute: 'sub', operator: '=', value: 'abc' }],
    ['email ^= "al"', { attribute: 'email', operator: '^=', value: 'al' }],
    ['username = "a\\"b"', { attribute: 'username', operator: '=', value: 'a"b' }],
  ])('parses %s', (filter, expected) => {
    // Act / Assess
    expect(parseUserFilter(filter)).toEqual(expected);
  });

  it('treats an empty filter as none', () => {
    expect(parseUserFilter('')).toBeUndefined();
    expect(parseUserFilter(undefined)).toBeUndefined();
  });

  it.each(['username = alice', 'custom:team = "x"', 'username == "x"'])('refuses %s', (filter) => {
    expect(() => parseUserFilter(filter)).toThrow(
      expect.objectContaining({ type: 'InvalidParameterException' }),
    );
  });
});

describe('runOperation', () => {
  it('lists every operation it supports', () => {
    expect(SUPPORTED_OPERATIONS).toEqual(
      expect.arrayContaining([
        'AdminCreateUser',
        'AdminGetUser',
        'ListUsers',
        'AdminListGroupsForUser',
        'AdminAddUserToGroup',
        'AdminRemoveUserFromGroup',
        'AdminDisableUser',
        'AdminEnableUser',
        'AdminUserGlobalSignOut',
      ]),
    );
  });

  it('creates a user in FORCE_CHANGE_PASSWORD with a uuid sub and epoch-second dates', () => {
    // Prepare
    const pool = poolWith();
    const before = Date.now() / 1000;

    // Act
    const { output, mutated } = runOperation(pool, target('AdminCreateUser'), {
      UserPoolId: POOL_ID,
      Username: 'carol',
      UserAttributes: [{ Name: 'email', Value: 'carol@example.com' }],
      MessageAction: 'SUPPRESS',
      TemporaryPassword: 'ignored-locally',
    });

    // Assess
    expect(mutated).toBe(true);
    const user = (output as { User: Record<string, unknown> }).User;
    expect(user).toMatchObject({ Username: 'carol', Enabled: true, UserStatus: 'FORCE_CHANGE_PASSWORD' });
    expect(user.Attributes).toEqual([
      { Name: 'sub', Value: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      { Name: 'email', Value: 'carol@example.com' },
    ]);
    expect(user.UserCreateDate).toBeGreaterThanOrEqual(before - 1);
    expect(user.UserCreateDate).toBeLessThan(before + 60);
  });

  it.each([
    ['AdminCreateUser', { Username: 'alice' }, 'UsernameExistsException'],
    ['AdminGetUser', { Username: 'nobody' }, 'UserNotFoundException'],
    ['AdminDisableUser', { Username: 'nobody' }, 'UserNotFoundException'],
    ['AdminUserGlobalSignOut', { Username: 'nobody' }, 'UserNotFoundException'],
    ['AdminAddUserToGroup', { Username: 'alice', GroupName: 'wizards' }, 'ResourceNotFoundException'],
    ['AdminGetUser', { Username: '' }, 'InvalidParameterException'],
    [
      'AdminCreateUser',
      { Username: 'x', UserAttributes: [{ Name: 'sub', Value: 'y' }] },
      'InvalidParameterException',
    ],
    [
      'AdminCreateUser',
      { Username: 'x', UserAttributes: [{ Name: 'email', Value: 'nope' }] },
      'InvalidParameterException',
    ],
    [
      'AdminCreateUser',
      { Username: 'x', UserAttributes: [{ Name: 'team', Value: 'a' }] },
      'InvalidParameterException',
    ],
    ['ListUsers', { Limit: 61 }, 'InvalidParameterException'],
    ['ListUsers', { PaginationToken: 'garbage' }, 'InvalidParameterException'],
  ])('%s %j fails with %s', (operation, input, type) => {
    // Prepare
    const pool = poolWith('alice');

    // Act / Assess
    expect(() => runOperation(pool, target(operation), { UserPoolId: POOL_ID, ...input })).toThrow(
      expect.objectContaining({ type }),
    );
  });

  it('refuses another user pool id with ResourceNotFoundException', () => {
    expect(() =>
      runOperation(poolWith('alice'), target('AdminGetUser'), {
        UserPoolId: 'eu-west-1_x',
        Username: 'alice',
      }),
    ).toThrow(
      expect.objectContaining({
        type: 'ResourceNotFoundException',
        message: 'User pool eu-west-1_x does not exist.',
      }),
    );
  });

  it('names an unknown operation', () => {
    expect(() => runOperation(poolWith(), target('InitiateAuth'), {})).toThrow(
      expect.objectContaining({
        type: 'UnknownOperationException',
        message: expect.stringContaining('InitiateAuth'),
      }),
    );
  });

  it('pages through ListUsers with opaque tokens until the last page', () => {
    // Prepare
    const pool = poolWith('erin', 'alice', 'dave', 'bob', 'carol');
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;

    // Act
    do {
      const { output } = runOperation(pool, target('ListUsers'), {
        UserPoolId: POOL_ID,
        Limit: 2,
        ...(token ? { PaginationToken: token } : {}),
      });
      const page = output as { Users: { Username: string }[]; PaginationToken?: string };
      seen.push(...page.Users.map((u) => u.Username));
      token = page.PaginationToken;
      pages += 1;
    } while (token);

    // Assess
    expect(seen).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
    expect(pages).toBe(3);
  });

  it('filters ListUsers by username and by sub', () => {
    // Prepare
    const pool = poolWith('alice', 'bob');
    const bobSub = pool.getUser('bob').sub;

    // Act
    const byName = runOperation(pool, target('ListUsers'), {
      UserPoolId: POOL_ID,
      Filter: 'username = "alice"',
    });
    const bySub = runOperation(pool, target('ListUsers'), {
      UserPoolId: POOL_ID,
      Filter: `sub = "${bobSub}"`,
    });

    // Assess
    expect((byName.output as { Users: { Username: string }[] }).Users.map((u) => u.Username)).toEqual([
      'alice',
    ]);
    expect((bySub.output as { Users: { Username: string }[] }).Users.map((u) => u.Username)).toEqual(['bob']);
  });

  it('adds and removes group memberships idempotently', () => {
    // Prepare
    const pool = poolWith('alice');
    const membership = { UserPoolId: POOL_ID, Username: 'alice', GroupName: 'admin' };
    const groupsOf = () =>
      (
        runOperation(pool, target('AdminListGroupsForUser'), { UserPoolId: POOL_ID, Username: 'alice' })
          .output as {
          Groups: { GroupName: string; UserPoolId: string }[];
        }
      ).Groups;

    // Act / Assess
    runOperation(pool, target('AdminAddUserToGroup'), membership);
    runOperation(pool, target('AdminAddUserToGroup'), membership);
    expect(groupsOf()).toEqual([expect.objectContaining({ GroupName: 'admin', UserPoolId: POOL_ID })]);
    runOperation(pool, target('AdminRemoveUserFromGroup'), membership);
    runOperation(pool, target('AdminRemoveUserFromGroup'), membership);
    expect(groupsOf()).toEqual([]);
  });

  it('disables and enables a user', () => {
    // Prepare
    const pool = poolWith('alice');
    const input = { UserPoolId: POOL_ID, Username: 'alice' };

    // Act / Assess
    runOperation(pool, target('AdminDisableUser'), input);
    expect(runOperation(pool, target('AdminGetUser'), input).output).toMatchObject({ Enabled: false });
    runOperation(pool, target('AdminEnableUser'), input);
    expect(runOperation(pool, target('AdminGetUser'), input).output).toMatchObject({ Enabled: true });
  });
});
