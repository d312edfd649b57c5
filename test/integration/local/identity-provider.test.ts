/**
 * The local identity provider driven the way the platform drives Cognito: the real AWS SDK client with
 * only its endpoint overridden, and a jose verifier fetching the JWKS over HTTP.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
  paginateListUsers,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityDataDir } from '../../../local/data-dir.ts';
import { LocalIdentityProvider } from '../../../local/identity-provider/identity-provider.ts';

const UserPoolId = 'us-east-1_local';
const clientId = 'local-client';
const repoRoot = new URL('../../../', import.meta.url);

describe('LocalIdentityProvider over HTTP', () => {
  let dataDir: string;
  let provider: LocalIdentityProvider;
  let cognito: CognitoIdentityProviderClient;

  beforeAll(async () => {
    // A platform data directory, as `npm start --data-dir` and `npm run token --data-dir` take it.
    dataDir = await mkdtemp(join(tmpdir(), 'idp-integration-'));
    provider = await LocalIdentityProvider.create({
      dataDir: identityDataDir(dataDir),
      host: '127.0.0.1',
      port: 0,
      clientId,
      userPoolId: UserPoolId,
      region: 'us-east-1',
    });
    await provider.seedUsers([
      { username: 'admin', email: 'admin@example.com', groups: ['admin'] },
      { username: 'alice', email: 'alice@example.com', groups: ['user'] },
      { username: 'bob', email: 'bob@example.com', groups: ['user'] },
    ]);
    // What AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER does for the platform's shared client.
    cognito = new CognitoIdentityProviderClient({
      region: 'us-east-1',
      endpoint: provider.environment().AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    cognito.destroy();
    await provider.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('Cognito API through CognitoIdentityProviderClient', () => {
    it('creates a user and reads it back', async () => {
      // Act
      const created = await cognito.send(
        new AdminCreateUserCommand({
          UserPoolId,
          Username: 'carol',
          UserAttributes: [
            { Name: 'email', Value: 'carol@example.com' },
            { Name: 'email_verified', Value: 'true' },
          ],
          DesiredDeliveryMediums: ['EMAIL'],
          TemporaryPassword: 'Ignored-1',
        }),
      );
      const fetched = await cognito.send(new AdminGetUserCommand({ UserPoolId, Username: 'carol' }));

      // Assess
      expect(created.User).toMatchObject({
        Username: 'carol',
        Enabled: true,
        UserStatus: 'FORCE_CHANGE_PASSWORD',
      });
      expect(created.User?.UserCreateDate).toBeInstanceOf(Date);
      expect(Math.abs((created.User?.UserCreateDate?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
      const sub = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
      expect(sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(fetched.Username).toBe('carol');
      expect(fetched.UserAttributes).toEqual(
        expect.arrayContaining([
          { Name: 'sub', Value: sub },
          { Name: 'email', Value: 'carol@example.com' },
        ]),
      );
      expect(fetched.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
    });

    it('answers a duplicate with UsernameExistsException', async () => {
      // Act
      const attempt = cognito.send(new AdminCreateUserCommand({ UserPoolId, Username: 'alice' }));

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(UsernameExistsException);
      await expect(attempt).rejects.toMatchObject({
        name: 'UsernameExistsException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      });
    });

    it('answers an unknown user with UserNotFoundException', async () => {
      // Act
      const attempt = cognito.send(new AdminGetUserCommand({ UserPoolId, Username: 'nobody' }));

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(UserNotFoundException);
      await expect(attempt).rejects.toMatchObject({
        name: 'UserNotFoundException',
        message: 'User does not exist.',
      });
    });

    it('answers another pool id with ResourceNotFoundException', async () => {
      // Act / Assess
      await expect(
        cognito.send(new AdminGetUserCommand({ UserPoolId: 'us-east-1_other', Username: 'alice' })),
      ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });

    it('lists users a page at a time, and with the SDK paginator', async () => {
      // Prepare
      const names: string[] = [];
      let PaginationToken: string | undefined;

      // Act
      do {
        const page = await cognito.send(new ListUsersCommand({ UserPoolId, Limit: 2, PaginationToken }));
        expect(page.Users?.length).toBeLessThanOrEqual(2);
        names.push(...(page.Users ?? []).map((u) => u.Username ?? ''));
        PaginationToken = page.PaginationToken;
      } while (PaginationToken);
      const viaPaginator: string[] = [];
      for await (const page of paginateListUsers({ client: cognito, pageSize: 1 }, { UserPoolId })) {
        viaPaginator.push(...(page.Users ?? []).map((u) => u.Username ?? ''));
      }

      // Assess
      expect(names).toEqual(expect.arrayContaining(['admin', 'alice', 'bob']));
      expect(new Set(names).size).toBe(names.length);
      expect(viaPaginator).toEqual(names);
    });

    it('filters users by username and by sub', async () => {
      // Prepare
      const bobSub = provider.findUser('bob')?.sub;

      // Act
      const byName = await cognito.send(new ListUsersCommand({ UserPoolId, Filter: 'username = "alice"' }));
      const bySub = await cognito.send(new ListUsersCommand({ UserPoolId, Filter: `sub = "${bobSub}"` }));

      // Assess
      expect(byName.Users?.map((u) => u.Username)).toEqual(['alice']);
      expect(bySub.Users?.map((u) => u.Username)).toEqual(['bob']);
    });

    it('adds a user to a group and removes them', async () => {
      // Prepare
      const groupsOfBob = async () =>
        (await cognito.send(new AdminListGroupsForUserCommand({ UserPoolId, Username: 'bob' }))).Groups?.map(
          (g) => g.GroupName,
        );

      // Act / Assess
      await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: 'bob', GroupName: 'admin' }));
      expect(await groupsOfBob()).toEqual(['admin', 'user']);
      await cognito.send(
        new AdminRemoveUserFromGroupCommand({ UserPoolId, Username: 'bob', GroupName: 'admin' }),
      );
      expect(await groupsOfBob()).toEqual(['user']);
      await expect(
        cognito.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: 'bob', GroupName: 'wizards' })),
      ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });

    it('disables a user, whose tokens are then refused, and enables them again', async () => {
      // Act
      await cognito.send(new AdminDisableUserCommand({ UserPoolId, Username: 'bob' }));
      const disabled = await cognito.send(new AdminGetUserCommand({ UserPoolId, Username: 'bob' }));
      const refused = await fetch(`${provider.url}/local/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'bob' }),
      });
      await cognito.send(new AdminEnableUserCommand({ UserPoolId, Username: 'bob' }));
      const enabled = await cognito.send(new AdminGetUserCommand({ UserPoolId, Username: 'bob' }));

      // Assess
      expect(disabled.Enabled).toBe(false);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ error: 'NotAuthorizedException' });
      expect(enabled.Enabled).toBe(true);
    });

    it('accepts a global sign-out for a known user only', async () => {
      // Act / Assess
      await expect(
        cognito.send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username: 'alice' })),
      ).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
      await expect(
        cognito.send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username: 'nobody' })),
      ).rejects.toMatchObject({ name: 'UserNotFoundException' });
    });

    it('answers an unsupported operation with UnknownOperationException naming it', async () => {
      // Act
      const response = await fetch(provider.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
        },
        body: '{}',
      });

      // Assess
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
      expect(await response.json()).toEqual({
        __type: 'UnknownOperationException',
        message: expect.stringContaining('InitiateAuth'),
      });
    });
  });

  describe('tokens and JWKS', () => {
    it('serves an OpenID configuration pointing at the JWKS', async () => {
      // Act
      const response = await fetch(`${provider.url}/.well-known/openid-configuration`);

      // Assess
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ issuer: provider.url, jwks_uri: provider.jwksUrl });
    });

    it('issues tokens over POST /local/token that a remote-JWKS verifier accepts', async () => {
      // Prepare
      const { TOKEN_ISSUER, JWKS_URL } = provider.environment();
      const jwks = createRemoteJWKSet(new URL(JWKS_URL));

      // Act
      const response = await fetch(`${provider.url}/local/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', expiresInSeconds: 900 }),
      });
      const body = (await response.json()) as {
        accessToken: string;
        idToken: string;
        tokenType: string;
        expiresIn: number;
      };

      // Assess
      expect(response.status).toBe(200);
      expect(body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
      const id = await jwtVerify(body.idToken, jwks, {
        issuer: TOKEN_ISSUER,
        audience: clientId,
        algorithms: ['RS256'],
      });
      expect(id.payload).toMatchObject({
        sub: provider.findUser('alice')?.sub,
        token_use: 'id',
        'cognito:username': 'alice',
        'cognito:groups': ['user'],
      });
      const access = await jwtVerify(body.accessToken, jwks, { issuer: TOKEN_ISSUER, algorithms: ['RS256'] });
      expect(access.payload).toMatchObject({ client_id: clientId, token_use: 'access', username: 'alice' });
      await expect(
        jwtVerify(body.idToken, jwks, { issuer: TOKEN_ISSUER, audience: 'another-client' }),
      ).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
    });

    it('answers /local/token for an unknown user with 404 and a bad body with 400', async () => {
      // Act
      const post = (body: string) =>
        fetch(`${provider.url}/local/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
      const unknown = await post(JSON.stringify({ username: 'nobody' }));
      const bad = await post('{"user": "alice"}');
      const notJson = await post('alice');

      // Assess
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error: 'UserNotFoundException' });
      expect(bad.status).toBe(400);
      expect(notJson.status).toBe(400);
    });

    it('signs the same kind of token from the CLI, with no request to the server', async () => {
      // Act
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['local/token.ts', 'admin', '--id', '--data-dir', dataDir],
        { cwd: repoRoot },
      );

      // Assess
      const { payload } = await jwtVerify(stdout.trim(), createRemoteJWKSet(new URL(provider.jwksUrl)), {
        issuer: provider.url,
        audience: clientId,
      });
      expect(payload).toMatchObject({ 'cognito:username': 'admin', 'cognito:groups': ['admin'] });
    });

    it('exits 1 with one line from the CLI for an unknown user', async () => {
      // Act
      const failure = await promisify(execFile)(
        process.execPath,
        ['local/token.ts', 'nobody', '--data-dir', dataDir],
        {
          cwd: repoRoot,
        },
      ).then(
        () => undefined,
        (error: { code?: number; stderr?: string; stdout?: string }) => error,
      );

      // Assess
      expect(failure?.code).toBe(1);
      expect(failure?.stdout).toBe('');
      expect(failure?.stderr?.trim()).toMatch(/^No user "nobody"[^\n]*$/);
    });
  });
});
