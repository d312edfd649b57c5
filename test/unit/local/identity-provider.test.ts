import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalIdentityProvider } from '../../../local/identity-provider/identity-provider.ts';

const options = {
  host: '127.0.0.1',
  port: 0,
  clientId: 'local-client',
  userPoolId: 'us-east-1_local',
  region: 'us-east-1',
};
const seed = [
  { username: 'admin', email: 'admin@example.com', groups: ['admin'] },
  { username: 'alice', email: 'alice@example.com', groups: ['user'] },
  { username: 'bob', email: 'bob@example.com', groups: ['user'] },
];

describe('LocalIdentityProvider', () => {
  let dataDir: string;
  const open: LocalIdentityProvider[] = [];
  const start = async (extra: Partial<typeof options> = {}) => {
    const provider = await LocalIdentityProvider.create({ ...options, ...extra, dataDir });
    open.push(provider);
    return provider;
  };

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'idp-unit-'));
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((provider) => provider.close()));
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('create', () => {
    it('uses http://<host>:<port> as the issuer and serves the JWKS under it', async () => {
      // Act
      const provider = await start();

      // Assess
      expect(provider.port).toBeGreaterThan(0);
      expect(provider.url).toBe(`http://127.0.0.1:${provider.port}`);
      expect(provider.jwksUrl).toBe(`${provider.url}/.well-known/jwks.json`);
      expect(provider.environment()).toEqual({
        TOKEN_ISSUER: provider.url,
        JWKS_URL: provider.jwksUrl,
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: provider.url,
        USER_POOL_ID: 'us-east-1_local',
        USER_POOL_CLIENT_IDS: 'local-client',
      });
    });

    it('publishes only the public key, with alg, use and kid', async () => {
      // Act
      const { jwks, kid } = await start();

      // Assess
      expect(jwks.keys).toHaveLength(1);
      expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid });
      for (const privatePart of ['d', 'p', 'q', 'dp', 'dq', 'qi'])
        expect(jwks.keys[0]).not.toHaveProperty(privatePart);
    });

    it('keeps the key, the kid and the users across a restart on the same data directory', async () => {
      // Prepare
      const first = await start();
      await first.seedUsers(seed);
      const aliceBefore = first.findUser('alice');
      await first.close();

      // Act
      const second = await start();

      // Assess
      expect(second.kid).toBe(first.kid);
      expect(second.jwks).toEqual(first.jwks);
      expect(second.findUser('alice')).toEqual(aliceBefore);
      expect(second.findUser('admin')?.groups).toEqual(['admin']);
      const { accessToken } = await second.issueTokens('alice');
      const { payload } = await jwtVerify(accessToken, createLocalJWKSet(first.jwks), { issuer: second.url });
      expect(payload.sub).toBe(aliceBefore?.sub);
    });

    it('writes its state atomically, readable by the owner only, and records the issuer', async () => {
      // Act
      const provider = await start();
      await provider.seedUsers(seed);

      // Assess
      expect((await readdir(dataDir)).sort()).toEqual(['signing-key.json', 'user-pool.json']);
      expect((await stat(join(dataDir, 'signing-key.json'))).mode & 0o077).toBe(0);
      const state = JSON.parse(await readFile(join(dataDir, 'user-pool.json'), 'utf8'));
      expect(state.server).toMatchObject({
        issuer: provider.url,
        clientId: 'local-client',
        userPoolId: 'us-east-1_local',
      });
      expect(state.users.map((u: { username: string }) => u.username)).toEqual(['admin', 'alice', 'bob']);
      expect(state.groups.map((g: { name: string }) => g.name)).toEqual(['admin', 'user']);
    });

    it('fails with one line naming the port when the port is taken', async () => {
      // Prepare
      const first = await start();

      // Act
      const attempt = LocalIdentityProvider.create({ ...options, dataDir, port: first.port });

      // Assess
      const error = await attempt.then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toContain(String(first.port));
      expect(error?.message).toContain('already in use');
      expect(error?.message).not.toContain('\n');
    });

    it('refuses a corrupted state file with a message naming it', async () => {
      // Prepare
      const provider = await start();
      await provider.close();
      const { writeFile } = await import('node:fs/promises');
      await writeFile(join(dataDir, 'user-pool.json'), '{"version": 2}');

      // Act / Assess
      await expect(start()).rejects.toThrow(/user-pool\.json is not a valid state file/);
    });
  });

  describe('seedUsers', () => {
    it('creates missing users as CONFIRMED with a verified email, and only once', async () => {
      // Prepare
      const provider = await start();

      // Act
      const created = await provider.seedUsers(seed);
      const again = await provider.seedUsers(seed);

      // Assess
      expect(created).toEqual(['admin', 'alice', 'bob']);
      expect(again).toEqual([]);
      expect(provider.findUser('bob')).toMatchObject({
        email: 'bob@example.com',
        groups: ['user'],
        enabled: true,
        status: 'CONFIRMED',
      });
    });

    it('refuses a group that does not exist', async () => {
      // Prepare
      const provider = await start();

      // Act / Assess
      await expect(
        provider.seedUsers([{ username: 'x', email: 'x@example.com', groups: ['wizards'] }]),
      ).rejects.toMatchObject({
        type: 'ResourceNotFoundException',
      });
    });
  });

  describe('issueTokens', () => {
    it('issues tokens carrying the user’s sub, groups and the configured client', async () => {
      // Prepare
      const provider = await start();
      await provider.seedUsers(seed);

      // Act
      const tokens = await provider.issueTokens('admin', { expiresInSeconds: 120 });

      // Assess
      expect(tokens.expiresIn).toBe(120);
      expect(decodeJwt(tokens.accessToken)).toMatchObject({
        sub: provider.findUser('admin')?.sub,
        iss: provider.url,
        client_id: 'local-client',
        'cognito:groups': ['admin'],
      });
      expect(decodeJwt(tokens.idToken)).toMatchObject({ aud: 'local-client', 'cognito:username': 'admin' });
    });

    it('refuses unknown users and disabled users', async () => {
      // Prepare
      const provider = await start();
      await provider.seedUsers(seed);
      await fetch(provider.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AWSCognitoIdentityProviderService.AdminDisableUser',
        },
        body: JSON.stringify({ UserPoolId: 'us-east-1_local', Username: 'bob' }),
      });

      // Act / Assess
      await expect(provider.issueTokens('nobody')).rejects.toMatchObject({ type: 'UserNotFoundException' });
      await expect(provider.issueTokens('bob')).rejects.toMatchObject({ type: 'NotAuthorizedException' });
    });
  });
});
