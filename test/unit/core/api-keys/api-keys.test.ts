import { describe, expect, it } from 'vitest';
import {
  authenticateApiKey,
  createApiKey,
  listApiKeys,
  revokeAllKeysOf,
  revokeApiKey,
} from '../../../../functions/core/api-keys/api-keys.ts';
import type { Principal } from '../../../../functions/core/auth/principal.ts';
import {
  AuthenticationError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
} from '../../../../functions/core/errors.ts';
import type { DirectoryUser, UserDirectory } from '../../../../functions/core/users/user-directory.ts';
import { InMemoryApiKeys } from '../../../support/in-memory-api-keys.ts';

const alice: Principal = { userId: 'u-alice', username: 'alice', role: 'user', via: 'token', scope: 'full' };
const admin: Principal = { userId: 'u-admin', username: 'admin', role: 'admin', via: 'token', scope: 'full' };
const bob: DirectoryUser = {
  userId: 'u-bob',
  username: 'bob',
  role: 'user',
  enabled: true,
  status: 'CONFIRMED',
  createdAt: '2026-01-01T00:00:00.000Z',
};

function setup(now = new Date('2026-11-25T12:00:00Z')) {
  const apiKeys = new InMemoryApiKeys();
  const users: UserDirectory = {
    getUser: async (username) => (username === 'bob' ? bob : undefined),
    listUsers: async () => ({ items: [bob] }),
    createUser: async () => bob,
    setRole: async () => undefined,
    setEnabled: async () => undefined,
    signOut: async () => undefined,
  };
  return { apiKeys, users, now: () => now };
}

describe('createApiKey', () => {
  it("stores only the secret's hash and returns the key once", async () => {
    const deps = setup();
    const { key, apiKey } = await createApiKey(alice, { name: 'ci', scope: 'full' }, deps);
    const stored = deps.apiKeys.records.get(key.keyId);
    expect(stored?.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(apiKey.split('_')[2]);
    expect(key).not.toHaveProperty('secretHash');
    expect(key).toMatchObject({ ownerId: 'u-alice', role: 'user', status: 'active', createdBy: 'alice' });
  });

  it('lets an admin create a key for another user with that user’s role', async () => {
    const deps = setup();
    const { key } = await createApiKey(admin, { name: 'for bob', scope: 'predict', owner: 'bob' }, deps);
    expect(key).toMatchObject({ ownerId: 'u-bob', ownerUsername: 'bob', role: 'user', scope: 'predict' });
  });

  it('refuses users creating keys for others, or setting budgets', async () => {
    const deps = setup();
    await expect(createApiKey(alice, { name: 'x', scope: 'full', owner: 'bob' }, deps)).rejects.toThrow(
      ForbiddenError,
    );
    await expect(
      createApiKey(alice, { name: 'x', scope: 'full', rateLimitPerMinute: 10 }, deps),
    ).rejects.toThrow(ForbiddenError);
  });

  it('refuses an unknown owner and a past expiry with 422', async () => {
    const deps = setup();
    await expect(createApiKey(admin, { name: 'x', scope: 'full', owner: 'ghost' }, deps)).rejects.toThrow(
      UnprocessableError,
    );
    await expect(
      createApiKey(alice, { name: 'x', scope: 'full', expiresAt: '2026-11-25T11:59:59.000Z' }, deps),
    ).rejects.toThrow(UnprocessableError);
  });
});

describe('authenticateApiKey', () => {
  it('returns the owner with the key’s scope and budget', async () => {
    const deps = setup();
    const { apiKey, key } = await createApiKey(
      admin,
      { name: 'b', scope: 'predict', owner: 'bob', rateLimitPerMinute: 5 },
      deps,
    );
    expect(await authenticateApiKey(apiKey, deps)).toEqual({
      userId: 'u-bob',
      username: 'bob',
      role: 'user',
      via: 'apiKey',
      keyId: key.keyId,
      scope: 'predict',
      rateLimitPerMinute: 5,
    });
  });

  it('refuses revoked and expired keys', async () => {
    const deps = setup();
    const revoked = await createApiKey(alice, { name: 'r', scope: 'full' }, deps);
    await revokeApiKey(alice, revoked.key.keyId, deps);
    await expect(authenticateApiKey(revoked.apiKey, deps)).rejects.toThrow(AuthenticationError);

    const expiring = await createApiKey(
      alice,
      { name: 'e', scope: 'full', expiresAt: '2026-11-25T12:30:00.000Z' },
      deps,
    );
    const later = { ...deps, now: () => new Date('2026-11-25T12:30:01Z') };
    await expect(authenticateApiKey(expiring.apiKey, later)).rejects.toThrow(AuthenticationError);
    await expect(authenticateApiKey(expiring.apiKey, deps)).resolves.toMatchObject({ username: 'alice' });
  });
});

describe('listApiKeys and revokeApiKey', () => {
  it("lists a user's own keys only and hides others' behind 404", async () => {
    const deps = setup();
    await createApiKey(alice, { name: 'a', scope: 'full' }, deps);
    const bobs = await createApiKey(admin, { name: 'b', scope: 'full', owner: 'bob' }, deps);
    const page = await listApiKeys(alice, { limit: 10 }, deps);
    expect(page.items.map((k) => k.name)).toEqual(['a']);
    await expect(revokeApiKey(alice, bobs.key.keyId, deps)).rejects.toThrow(NotFoundError);
    expect((await listApiKeys(admin, { limit: 10 }, deps)).items).toHaveLength(2);
  });

  it('revokes all keys of an owner, optionally only some', async () => {
    const deps = setup();
    await createApiKey(admin, { name: 'b1', scope: 'full', owner: 'bob' }, deps);
    await createApiKey(admin, { name: 'b2', scope: 'predict', owner: 'bob' }, deps);
    expect(await revokeAllKeysOf('u-bob', 'admin', deps, (k) => k.scope === 'predict')).toBe(1);
    expect(await revokeAllKeysOf('u-bob', 'admin', deps)).toBe(1);
    expect([...deps.apiKeys.records.values()].every((k) => k.status === 'revoked')).toBe(true);
  });
});
