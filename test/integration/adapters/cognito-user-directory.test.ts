/**
 * The Cognito user directory through the real Cognito SDK client, pointed at the local identity
 * provider: the same code the deployed functions run, endpoint override only.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CognitoUserDirectory } from '../../../functions/adapters/cognito/cognito-user-directory.ts';
import { ConflictError } from '../../../functions/core/errors.ts';
import { CursorSigner } from '../../../functions/core/pagination.ts';
import { LocalIdentityProvider } from '../../../local/identity-provider/identity-provider.ts';

const cursors = new CursorSigner('integration-test-cursor-signing-key');

let identity: LocalIdentityProvider;
let client: CognitoIdentityProviderClient;
let directory: CognitoUserDirectory;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mlp-idp-'));
  identity = await LocalIdentityProvider.create({ dataDir, clientId: 'c', userPoolId: 'us-east-1_test' });
  await identity.seedUsers([{ username: 'root', email: 'root@example.local', groups: ['admin'] }]);
  client = new CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint: identity.url,
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
  directory = new CognitoUserDirectory(client, 'us-east-1_test', cursors);
});
afterAll(async () => {
  client?.destroy();
  await identity?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('CognitoUserDirectory', () => {
  it('creates a user in the role’s group and reads back role, email and a stable id', async () => {
    const created = await directory.createUser({
      username: 'dana',
      email: 'dana@example.local',
      role: 'user',
    });
    expect(created).toMatchObject({
      username: 'dana',
      email: 'dana@example.local',
      role: 'user',
      enabled: true,
    });
    expect(created.userId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await directory.getUser('dana'))?.userId).toBe(created.userId);
    await expect(
      directory.createUser({ username: 'dana', email: 'd@example.local', role: 'user' }),
    ).rejects.toThrow(ConflictError);
  });

  it('moves a user between roles and disables them', async () => {
    await directory.createUser({ username: 'eve', email: 'eve@example.local', role: 'user' });
    await directory.setRole('eve', 'admin');
    expect((await directory.getUser('eve'))?.role).toBe('admin');
    await directory.setRole('eve', 'user');
    expect((await directory.getUser('eve'))?.role).toBe('user');
    await directory.setEnabled('eve', false);
    expect((await directory.getUser('eve'))?.enabled).toBe(false);
    await directory.setEnabled('eve', true);
    expect((await directory.getUser('eve'))?.enabled).toBe(true);
  });

  it('signs a user out globally (the local provider answers AdminUserGlobalSignOut as Cognito does)', async () => {
    await expect(directory.signOut('eve')).resolves.toBeUndefined();
    await expect(directory.signOut('nobody')).rejects.toMatchObject({ name: 'UserNotFoundException' });
  });

  it('answers undefined for an unknown user and pages through everyone', async () => {
    expect(await directory.getUser('nobody')).toBeUndefined();
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await directory.listUsers({ limit: 1, cursor });
      seen.push(...page.items.map((u) => u.username));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(seen.sort()).toEqual(['dana', 'eve', 'root']);
  });
});
