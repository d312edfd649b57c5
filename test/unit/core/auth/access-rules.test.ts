import { describe, expect, it } from 'vitest';
import {
  assertAdmin,
  assertScopeAllows,
  canAccess,
  listingOwner,
  requireAccess,
} from '../../../../functions/core/auth/access-rules.ts';
import type { Principal } from '../../../../functions/core/auth/principal.ts';
import { ForbiddenError, NotFoundError } from '../../../../functions/core/errors.ts';

const alice: Principal = { userId: 'u-alice', username: 'alice', role: 'user', via: 'token', scope: 'full' };
const admin: Principal = { userId: 'u-admin', username: 'admin', role: 'admin', via: 'token', scope: 'full' };
const predictKey: Principal = { ...alice, via: 'apiKey', keyId: 'k', scope: 'predict' };

describe('canAccess', () => {
  it('lets owners do anything with their objects', () => {
    for (const op of ['read', 'predict', 'write'] as const)
      expect(canAccess(alice, { ownerId: 'u-alice' }, op)).toBe(true);
  });

  it("keeps users off other owners' objects", () => {
    for (const op of ['read', 'predict', 'write'] as const)
      expect(canAccess(alice, { ownerId: 'u-bob' }, op)).toBe(false);
  });

  it('lets every user read and predict with a team-visible object, not change it', () => {
    const shared = { ownerId: 'u-bob', teamVisible: true };
    expect(canAccess(alice, shared, 'read')).toBe(true);
    expect(canAccess(alice, shared, 'predict')).toBe(true);
    expect(canAccess(alice, shared, 'write')).toBe(false);
  });

  it('lets admins do anything', () => {
    expect(canAccess(admin, { ownerId: 'u-bob' }, 'write')).toBe(true);
  });
});

describe('requireAccess', () => {
  it("answers 404 alike for missing objects and other owners' objects", () => {
    expect(() => requireAccess(alice, undefined, 'read', 'No such key')).toThrow(NotFoundError);
    expect(() => requireAccess(alice, { ownerId: 'u-bob' }, 'read', 'No such key')).toThrow(NotFoundError);
    expect(requireAccess(alice, { ownerId: 'u-alice', id: 1 }, 'read', 'x')).toEqual({
      ownerId: 'u-alice',
      id: 1,
    });
  });
});

describe('assertAdmin and assertScopeAllows', () => {
  it('refuses users admin actions with 403', () => {
    expect(() => assertAdmin(alice, 'approve versions')).toThrow(ForbiddenError);
    expect(() => assertAdmin(admin, 'approve versions')).not.toThrow();
  });

  it('confines predict keys to predict routes', () => {
    expect(() => assertScopeAllows(predictKey, 'full')).toThrow(ForbiddenError);
    expect(() => assertScopeAllows(predictKey, 'predict')).not.toThrow();
    expect(() => assertScopeAllows(alice, 'full')).not.toThrow();
  });
});

describe('listingOwner', () => {
  it("gives users their own listing and refuses others'", () => {
    expect(listingOwner(alice, undefined)).toBe('u-alice');
    expect(listingOwner(alice, 'u-alice')).toBe('u-alice');
    expect(() => listingOwner(alice, 'u-bob')).toThrow(ForbiddenError);
  });

  it('gives admins everything or the owner they ask for', () => {
    expect(listingOwner(admin, undefined)).toBeUndefined();
    expect(listingOwner(admin, 'u-bob')).toBe('u-bob');
  });
});
