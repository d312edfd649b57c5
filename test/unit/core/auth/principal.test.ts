import { describe, expect, it } from 'vitest';
import { principalFromClaims, roleFromGroups } from '../../../../functions/core/auth/principal.ts';
import { AuthenticationError, ForbiddenError } from '../../../../functions/core/errors.ts';

describe('roleFromGroups', () => {
  it('picks admin over user and ignores other groups', () => {
    expect(roleFromGroups(['user', 'admin'])).toBe('admin');
    expect(roleFromGroups(['analysts', 'user'])).toBe('user');
    expect(roleFromGroups(['analysts'])).toBeNull();
    expect(roleFromGroups([])).toBeNull();
  });
});

describe('principalFromClaims', () => {
  it('reads the role from cognito:groups and the name from username or cognito:username', () => {
    expect(principalFromClaims({ sub: 's1', username: 'alice', 'cognito:groups': ['user'] })).toEqual({
      userId: 's1',
      username: 'alice',
      role: 'user',
      via: 'token',
      scope: 'full',
    });
    expect(
      principalFromClaims({ sub: 's2', 'cognito:username': 'root', 'cognito:groups': ['admin'] }).role,
    ).toBe('admin');
  });

  it('refuses a token without subject (401) or without a platform group (403)', () => {
    expect(() => principalFromClaims({ 'cognito:groups': ['user'] })).toThrow(AuthenticationError);
    expect(() => principalFromClaims({ sub: 's1' })).toThrow(ForbiddenError);
    expect(() => principalFromClaims({ sub: 's1', 'cognito:groups': 'admin' })).toThrow(ForbiddenError);
  });
});
