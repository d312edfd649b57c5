/** User administration: disabling, demoting and signing out end sessions; retries finish the job. */
import { describe, expect, it } from 'vitest';
import type { Principal, Role } from '../../../../functions/core/auth/principal.ts';
import type { TokenRevocations } from '../../../../functions/core/auth/token-revocation.ts';
import { ForbiddenError } from '../../../../functions/core/errors.ts';
import type { DirectoryUser, UserDirectory } from '../../../../functions/core/users/user-directory.ts';
import { signOut, updateUser } from '../../../../functions/core/users/users.ts';
import { InMemoryApiKeys } from '../../../support/in-memory-api-keys.ts';

const admin: Principal = { userId: 'u-admin', username: 'admin', role: 'admin', via: 'token', scope: 'full' };
const now = new Date('2026-12-04T12:00:00.400Z');
const nowSeconds = Math.ceil(now.getTime() / 1000);

class MemoryDirectory implements UserDirectory {
  readonly users = new Map<string, DirectoryUser>();
  readonly signedOut: string[] = [];
  failSetEnabledOnce = false;
  add(username: string, role: Role): void {
    this.users.set(username, {
      userId: `u-${username}`,
      username,
      role,
      enabled: true,
      status: 'CONFIRMED',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
  }
  async getUser(username: string) {
    return this.users.get(username);
  }
  async listUsers() {
    return { items: [...this.users.values()] };
  }
  async createUser(): Promise<DirectoryUser> {
    throw new Error('not used');
  }
  async setRole(username: string, role: Role) {
    const user = this.users.get(username);
    if (user) this.users.set(username, { ...user, role });
  }
  async setEnabled(username: string, enabled: boolean) {
    if (this.failSetEnabledOnce) {
      this.failSetEnabledOnce = false;
      throw new Error('Cognito is down');
    }
    const user = this.users.get(username);
    if (user) this.users.set(username, { ...user, enabled });
  }
  async signOut(username: string) {
    this.signedOut.push(username);
  }
}

class MemoryRevocations implements TokenRevocations {
  readonly times = new Map<string, number>();
  async revokeBefore(userId: string, notBefore: number) {
    this.times.set(userId, Math.max(notBefore, this.times.get(userId) ?? 0));
  }
  async notBefore(userId: string) {
    return this.times.get(userId);
  }
}

function setup() {
  const users = new MemoryDirectory();
  users.add('carol', 'user');
  users.add('dave', 'admin');
  return { users, apiKeys: new InMemoryApiKeys(), revocations: new MemoryRevocations(), now: () => now };
}

describe('updateUser', () => {
  it('disabling voids the tokens issued so far and signs the user out', async () => {
    // Prepare
    const deps = setup();
    // Act
    const updated = await updateUser(admin, 'carol', { enabled: false }, deps);
    // Assess
    expect(updated.enabled).toBe(false);
    expect(deps.revocations.times.get('u-carol')).toBe(nowSeconds);
    expect(deps.users.signedOut).toEqual(['carol']);
  });

  it('demoting an admin voids their tokens and signs them out', async () => {
    // Prepare
    const deps = setup();
    // Act
    await updateUser(admin, 'dave', { role: 'user' }, deps);
    // Assess
    expect(deps.users.users.get('dave')?.role).toBe('user');
    expect(deps.revocations.times.get('u-dave')).toBe(nowSeconds);
    expect(deps.users.signedOut).toEqual(['dave']);
  });

  it('promoting and re-enabling end no sessions', async () => {
    // Prepare
    const deps = setup();
    // Act
    await updateUser(admin, 'carol', { role: 'admin', enabled: true }, deps);
    // Assess
    expect(deps.revocations.times.size).toBe(0);
    expect(deps.users.signedOut).toEqual([]);
  });

  it('has ended the sessions when a later step fails, and a retry completes the change', async () => {
    // Prepare
    const deps = setup();
    deps.users.failSetEnabledOnce = true;
    // Act
    await expect(updateUser(admin, 'carol', { enabled: false }, deps)).rejects.toThrow('Cognito is down');
    const revokedAfterFailure = deps.revocations.times.get('u-carol');
    const retried = await updateUser(admin, 'carol', { enabled: false }, deps);
    // Assess
    expect(revokedAfterFailure).toBe(nowSeconds);
    expect(retried.enabled).toBe(false);
  });
});

describe('signOut', () => {
  it("voids the caller's tokens and signs them out of the directory", async () => {
    // Prepare
    const deps = setup();
    const carol: Principal = {
      userId: 'u-carol',
      username: 'carol',
      role: 'user',
      via: 'token',
      scope: 'full',
    };
    // Act
    await signOut(carol, deps);
    // Assess
    expect(deps.revocations.times.get('u-carol')).toBe(nowSeconds);
    expect(deps.users.signedOut).toEqual(['carol']);
  });

  it('refuses a caller using an API key', async () => {
    // Prepare
    const deps = setup();
    const viaKey: Principal = {
      userId: 'u-carol',
      username: 'carol',
      role: 'user',
      via: 'apiKey',
      keyId: 'AAAAAAAAAAAAAAAA',
      scope: 'full',
    };
    // Act / Assess
    await expect(signOut(viaKey, deps)).rejects.toThrow(ForbiddenError);
    expect(deps.revocations.times.size).toBe(0);
  });
});
