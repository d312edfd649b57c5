import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalIdentityProvider } from '../../../local/identity-provider/identity-provider.ts';
import { runTokenCli } from '../../../local/identity-provider/token-cli.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    output: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) },
  };
}

describe('runTokenCli', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'idp-cli-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Runs a server once (as the local platform would), seeds it and stops it. */
  async function runServerOnce(whileRunning?: (provider: LocalIdentityProvider) => Promise<unknown>) {
    // Where the local platform keeps it: `identity` inside the platform's data directory.
    const provider = await LocalIdentityProvider.create({
      dataDir: join(dataDir, 'identity'),
      port: 0,
      clientId: 'local-client',
      userPoolId: 'us-east-1_local',
    });
    await provider.seedUsers([
      { username: 'alice', email: 'alice@example.com', groups: ['user'] },
      { username: 'bob', email: 'bob@example.com', groups: ['user'] },
    ]);
    await whileRunning?.(provider);
    const { url, jwks } = provider;
    const aliceSub = provider.findUser('alice')?.sub;
    await provider.close();
    return { url, jwks, aliceSub };
  }

  it('prints an access token from the platform data directory npm start was given, with no server running', async () => {
    // Prepare
    const server = await runServerOnce();
    const io = capture();

    // Act
    const code = await runTokenCli(['alice', '--data-dir', dataDir], io.output);

    // Assess
    expect(code).toBe(0);
    expect(io.err).toEqual([]);
    expect(io.out).toHaveLength(1);
    const { payload } = await jwtVerify(io.out[0] ?? '', createLocalJWKSet(server.jwks), {
      issuer: server.url,
    });
    expect(payload).toMatchObject({ sub: server.aliceSub, token_use: 'access', client_id: 'local-client' });
  });

  it('prints an ID token with --id and honours --expires-in', async () => {
    // Prepare
    const server = await runServerOnce();
    const io = capture();

    // Act
    const code = await runTokenCli(['alice', '--id', '--expires-in', '600'], io.output, dataDir);

    // Assess
    expect(code).toBe(0);
    const { payload } = await jwtVerify(io.out[0] ?? '', createLocalJWKSet(server.jwks), {
      issuer: server.url,
      audience: 'local-client',
    });
    expect(payload.token_use).toBe('id');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(600);
  });

  it.each([
    [['nobody'], /No user "nobody".*known users: alice, bob\./],
    [[], /Give a username\./],
    [['alice', '--expires-in', 'soon'], /--expires-in must be a whole number/],
    [['alice', '--expires-in', '999999'], /from 1 to 86400/],
    [['alice', '--bogus'], /Unknown option '--bogus'/],
  ])('fails with one line for %j', async (argv, message) => {
    // Prepare
    await runServerOnce();
    const io = capture();

    // Act
    const code = await runTokenCli(argv, io.output, dataDir);

    // Assess
    expect(code).toBe(1);
    expect(io.out).toEqual([]);
    expect(io.err).toHaveLength(1);
    expect(io.err[0]).toMatch(message);
    expect(io.err[0]).not.toContain('\n');
  });

  it('refuses a disabled user', async () => {
    // Prepare
    await runServerOnce((provider) =>
      fetch(provider.url, {
        method: 'POST',
        headers: { 'x-amz-target': 'AWSCognitoIdentityProviderService.AdminDisableUser' },
        body: JSON.stringify({ UserPoolId: 'us-east-1_local', Username: 'bob' }),
      }),
    );
    const io = capture();

    // Act
    const code = await runTokenCli(['bob'], io.output, dataDir);

    // Assess
    expect(code).toBe(1);
    expect(io.err).toEqual([expect.stringContaining('"bob" is disabled')]);
  });

  it('says the server never ran when the data directory is empty', async () => {
    // Prepare
    const io = capture();

    // Act
    const code = await runTokenCli(['alice'], io.output, dataDir);

    // Assess
    expect(code).toBe(1);
    expect(io.err).toEqual([expect.stringContaining('has never run with data directory')]);
  });

  it('prints usage with --help', async () => {
    // Prepare
    const io = capture();

    // Act
    const code = await runTokenCli(['--help'], io.output, dataDir);

    // Assess
    expect(code).toBe(0);
    expect(io.out[0]).toContain('Usage: node local/token.ts <username>');
  });
});
