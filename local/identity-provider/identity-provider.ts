/**
 * The local stand-in for Cognito: one HTTP server that serves
 * - `GET /.well-known/jwks.json` and `GET /.well-known/openid-configuration`, as a Cognito user pool does,
 *   so the platform's jose verifier checks local tokens with the same code (issuer = `url`);
 * - `POST /` with `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`: the subset of the Cognito
 *   JSON protocol in `cognito-api.ts`, so the AWS SDK client works unchanged through
 *   `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`;
 * - `POST /local/token`: tokens for a user, without a password (local only, see below);
 * - the OAuth endpoints of a Cognito user pool domain (`oauth/endpoints.ts`): authorization code with
 *   PKCE through a sign-in page, refresh, revocation and sign-out, for the app clients in `oauthClients`.
 * Keys, users and groups live in `dataDir` and survive restarts.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONWebKeySet } from 'jose';
import { z } from 'zod';
import { BodyTooLargeError, parseJsonBody, readBody as readBoundedBody, sendJson } from '../http-json.ts';
import { runOperation } from './cognito-api.ts';
import type { CognitoErrorType } from './errors.ts';
import { IdentityProviderError } from './errors.ts';
import type { OAuthClient } from './oauth/clients.ts';
import { OAUTH_PATHS, OAuthEndpoints } from './oauth/endpoints.ts';
import { RefreshTokens } from './oauth/refresh-tokens.ts';
import type { SigningKey } from './state.ts';
import { loadOrCreateSigningKey, loadUserPoolState, writeUserPoolState } from './state.ts';
import type { IssuedTokens, TokenOptions } from './tokens.ts';
import { assertCanSignIn, TokenSigner } from './tokens.ts';
import type { UserStatus } from './user-pool.ts';
import { UserPool } from './user-pool.ts';

export interface LocalIdentityProviderOptions {
  /** Where keys and users are kept (created if missing), e.g. `.local-data/identity`. */
  readonly dataDir: string;
  /** Interface to listen on and host name of the issuer; default `127.0.0.1`. Keep it on loopback. */
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** The app client id: `aud` of ID tokens, `client_id` of access tokens. */
  readonly clientId: string;
  /** The only `UserPoolId` the Cognito API accepts, e.g. `us-east-1_local`. */
  readonly userPoolId: string;
  /** Default `us-east-1`. */
  readonly region?: string;
  /** App clients that sign in through the OAuth endpoints; their ids join `USER_POOL_CLIENT_IDS`. */
  readonly oauthClients?: readonly OAuthClient[];
  /** Where unexpected server errors are reported; default stderr. */
  readonly onError?: (error: unknown) => void;
}

export interface SeedUser {
  readonly username: string;
  readonly email: string;
  /** Existing groups only (`admin` and `user` always exist). */
  readonly groups?: readonly string[];
}

/** A user as the provider sees it (a copy; changing it changes nothing). */
export interface LocalUser {
  readonly username: string;
  /** The stable id tokens carry as `sub`. */
  readonly sub: string;
  readonly email?: string;
  readonly groups: readonly string[];
  readonly enabled: boolean;
  readonly status: UserStatus;
}

/** The platform's environment variables that point it at this provider. */
export interface IdentityProviderEnvironment {
  readonly TOKEN_ISSUER: string;
  readonly JWKS_URL: string;
  readonly AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: string;
  readonly USER_POOL_ID: string;
  readonly USER_POOL_CLIENT_IDS: string;
}

const MAX_BODY_BYTES = 1024 * 1024;
const AMZ_JSON = 'application/x-amz-json-1.1';

const localTokenRequestSchema = z.strictObject({
  username: z.string().min(1).max(128),
  expiresInSeconds: z.int().optional(),
});

const LOCAL_TOKEN_STATUS: Partial<Record<CognitoErrorType, number>> = {
  InvalidParameterException: 400,
  SerializationException: 400,
  NotAuthorizedException: 403,
  UserNotFoundException: 404,
};

/** A URL authority for a host: IPv6 literals need brackets. */
const authority = (host: string, port: number): string =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

async function listen(server: Server, host: string, port: number): Promise<number> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new Error(
        `Local identity provider: port ${port} on ${host} is already in use; stop what uses it or pick another port.`,
        {
          cause: error,
        },
      );
    }
    if (code === 'EACCES') {
      throw new Error(`Local identity provider: not allowed to listen on port ${port} on ${host}.`, {
        cause: error,
      });
    }
    throw error;
  }
  return (server.address() as AddressInfo).port;
}

class RequestError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'RequestError';
    this.status = status;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  try {
    return await readBoundedBody(request, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new RequestError(413, error.message);
    throw error;
  }
}

function parseJson(text: string): unknown {
  return parseJsonBody(
    text,
    (cause) =>
      new IdentityProviderError('SerializationException', 'The request body is not valid JSON.', { cause }),
  );
}

const send = sendJson;

/**
 * The local identity provider. Start one per local platform; point the platform at it with `environment()`.
 * @example
 * const idp = await LocalIdentityProvider.create({
 *   dataDir: '.local-data/identity',
 *   port: 9229,
 *   clientId: 'local-client',
 *   userPoolId: 'us-east-1_local',
 * });
 * await idp.seedUsers([{ username: 'admin', email: 'admin@example.com', groups: ['admin'] }]);
 * Object.assign(process.env, idp.environment());
 * const { accessToken } = await idp.issueTokens('admin');
 * await idp.close();
 */
export class LocalIdentityProvider {
  /** The issuer (`iss` of every token): `http://<host>:<port>`. Also the Cognito API endpoint. */
  readonly url: string;
  readonly jwksUrl: string;
  readonly host: string;
  readonly port: number;
  readonly clientId: string;
  readonly userPoolId: string;
  readonly region: string;
  readonly dataDir: string;
  /** The `kid` of the signing key. */
  readonly kid: string;

  readonly #server: Server;
  readonly #pool: UserPool;
  readonly #signer: TokenSigner;
  readonly #signingKey: SigningKey;
  readonly #oauth: OAuthEndpoints;
  readonly #refreshTokens: RefreshTokens;
  readonly #onError: (error: unknown) => void;
  #writes: Promise<void> = Promise.resolve();
  #closing: Promise<void> | undefined;

  private constructor(init: {
    server: Server;
    pool: UserPool;
    signer: TokenSigner;
    signingKey: SigningKey;
    refreshTokens: RefreshTokens;
    host: string;
    port: number;
    options: LocalIdentityProviderOptions;
  }) {
    this.#server = init.server;
    this.#pool = init.pool;
    this.#signer = init.signer;
    this.#signingKey = init.signingKey;
    this.#refreshTokens = init.refreshTokens;
    this.#oauth = new OAuthEndpoints(init.options.oauthClients ?? [], {
      refreshTokens: init.refreshTokens,
      canSignIn: (username) => {
        const user = this.#pool.findUser(username);
        return user?.enabled === true;
      },
      issueTokens: (username, options) => this.issueTokens(username, options),
      readBody,
    });
    this.#onError = init.options.onError ?? ((error) => console.error('Local identity provider:', error));
    this.url = init.signer.issuer;
    this.jwksUrl = `${this.url}/.well-known/jwks.json`;
    this.host = init.host;
    this.port = init.port;
    this.clientId = init.options.clientId;
    this.userPoolId = init.options.userPoolId;
    this.region = init.options.region ?? 'us-east-1';
    this.dataDir = init.options.dataDir;
    this.kid = init.signingKey.kid;
  }

  /**
   * Loads (or makes) the key pair and user pool in `dataDir`, starts listening, and records the issuer
   * in `dataDir` so `local/token.ts` signs tokens this server's verifiers accept.
   * Throws a one-line error naming the port when it is taken.
   */
  static async create(options: LocalIdentityProviderOptions): Promise<LocalIdentityProvider> {
    const host = options.host ?? '127.0.0.1';
    const signingKey = await loadOrCreateSigningKey(options.dataDir);
    const pool = new UserPool(options.userPoolId, await loadUserPoolState(options.dataDir));
    const refreshTokens = await RefreshTokens.load(options.dataDir);

    let provider: LocalIdentityProvider | undefined;
    const server = createServer((request, response) => {
      if (provider) {
        void provider.#handle(request, response);
      } else {
        send(response, 503, { error: 'Starting', message: 'The local identity provider is starting.' });
      }
    });
    const port = await listen(server, host, options.port ?? 0);
    try {
      const issuer = `http://${authority(host, port)}`;
      const signer = await TokenSigner.create({ signingKey, issuer, clientId: options.clientId });
      pool.server = {
        issuer,
        clientId: options.clientId,
        userPoolId: options.userPoolId,
        region: options.region ?? 'us-east-1',
        startedAt: new Date().toISOString(),
      };
      await writeUserPoolState(options.dataDir, pool.snapshot());
      provider = new LocalIdentityProvider({
        server,
        pool,
        signer,
        signingKey,
        refreshTokens,
        host,
        port,
        options,
      });
      return provider;
    } catch (error) {
      await new Promise((resolve) => server.close(resolve));
      throw error;
    }
  }

  /** The public key set served at `jwksUrl`. */
  get jwks(): JSONWebKeySet {
    return { keys: [{ ...this.#signingKey.publicJwk }] };
  }

  /** Environment variables for the platform's functions in local mode. */
  environment(): IdentityProviderEnvironment {
    return {
      TOKEN_ISSUER: this.url,
      JWKS_URL: this.jwksUrl,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: this.url,
      USER_POOL_ID: this.userPoolId,
      USER_POOL_CLIENT_IDS: [this.clientId, ...this.#oauth.clientIds].join(','),
    };
  }

  /** The URL of one of the OAuth endpoints, e.g. `endpoint('authorize')`. */
  endpoint(name: keyof typeof OAUTH_PATHS): string {
    return `${this.url}${OAUTH_PATHS[name]}`;
  }

  /**
   * Adds an OAuth app client, or replaces the one with its id: the console's redirect URIs name the
   * API's port, known only once the API listens. Its id must already be in `environment()` to be
   * accepted by the platform, so register clients at creation and replace them here.
   */
  registerOAuthClient(client: OAuthClient): void {
    this.#oauth.register(client);
  }

  findUser(username: string): LocalUser | undefined {
    const user = this.#pool.findUser(username);
    if (!user) return undefined;
    return {
      username: user.username,
      sub: user.sub,
      ...(user.attributes.email === undefined ? {} : { email: user.attributes.email }),
      groups: [...user.groups],
      enabled: user.enabled,
      status: user.status,
    };
  }

  /**
   * Creates the users that do not exist yet (status CONFIRMED, email verified) and leaves existing ones
   * as they are, so seeding at every start is harmless. Returns the usernames it created.
   */
  async seedUsers(users: readonly SeedUser[]): Promise<string[]> {
    const created: string[] = [];
    for (const user of users) {
      if (this.#pool.findUser(user.username)) continue;
      this.#pool.createUser({
        username: user.username,
        attributes: { email: user.email, email_verified: 'true' },
        status: 'CONFIRMED',
        groups: user.groups ?? [],
      });
      created.push(user.username);
    }
    if (created.length > 0) await this.#persist();
    return created;
  }

  /**
   * Signs an access token and an ID token for a user, as a Cognito sign-in would.
   * Throws `IdentityProviderError` (`UserNotFoundException`, `NotAuthorizedException` when disabled).
   */
  async issueTokens(username: string, options: TokenOptions = {}): Promise<IssuedTokens> {
    return this.#signer.sign(assertCanSignIn(this.#pool.findUser(username)), options);
  }

  /** Stops listening, drops open connections and waits for pending writes. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await new Promise<void>((resolve) => {
        this.#server.close(() => resolve());
        this.#server.closeAllConnections();
      });
      await this.#writes;
      await this.#refreshTokens.flushed();
    })();
    return this.#closing;
  }

  /** Writes the pool, one write at a time; resolves when this change is on disk. */
  #persist(): Promise<void> {
    const write = this.#writes.then(() => writeUserPoolState(this.dataDir, this.#pool.snapshot()));
    this.#writes = write.catch(() => undefined);
    return write;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const method = request.method ?? 'GET';
    try {
      if (await this.#oauth.handle(path, method, request, response)) return;
      if (path === '/' && method === 'POST') return await this.#cognito(request, response);
      if (path === '/local/token' && method === 'POST') return await this.#localToken(request, response);
      if (path === '/.well-known/jwks.json' && method === 'GET') {
        return send(response, 200, this.jwks, { 'cache-control': 'public, max-age=300' });
      }
      if (path === '/.well-known/openid-configuration' && method === 'GET') {
        return send(response, 200, {
          issuer: this.url,
          jwks_uri: this.jwksUrl,
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          authorization_endpoint: this.endpoint('authorize'),
          token_endpoint: this.endpoint('token'),
          revocation_endpoint: this.endpoint('revoke'),
          end_session_endpoint: this.endpoint('logout'),
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code', 'refresh_token'],
          code_challenge_methods_supported: ['S256'],
          scopes_supported: ['openid', 'email', 'profile'],
          token_endpoint_auth_methods_supported: ['none'],
          claims_supported: ['sub', 'email', 'email_verified', 'cognito:username', 'cognito:groups'],
        });
      }
      const known = ['/', '/local/token', '/.well-known/jwks.json', '/.well-known/openid-configuration'];
      if (known.includes(path)) throw new RequestError(405, `${method} is not allowed on ${path}.`);
      throw new RequestError(404, `Nothing at ${path}.`);
    } catch (error) {
      if (error instanceof RequestError) {
        return send(response, error.status, { error: error.name, message: error.message });
      }
      this.#onError(error);
      if (!response.headersSent) send(response, 500, { error: 'InternalError', message: 'Internal error.' });
    }
  }

  /** The Cognito Identity Provider JSON protocol: errors as 400 + `__type`, as the SDK expects. */
  async #cognito(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const headers = { 'x-amzn-requestid': requestId };
    try {
      const body = parseJson(await readBody(request));
      const { output, mutated } = runOperation(
        this.#pool,
        request.headers['x-amz-target'] as string | undefined,
        body,
      );
      if (mutated) await this.#persist();
      send(response, 200, output ?? {}, headers, AMZ_JSON);
    } catch (error) {
      if (error instanceof RequestError) {
        send(
          response,
          400,
          { __type: 'InvalidParameterException', message: error.message },
          headers,
          AMZ_JSON,
        );
        return;
      }
      if (error instanceof IdentityProviderError) {
        // The SDK reads `__type` first, then `code`, then the header; all three agree here.
        send(
          response,
          400,
          { __type: error.type, message: error.message },
          {
            ...headers,
            'x-amzn-errortype': error.type,
          },
          AMZ_JSON,
        );
        return;
      }
      this.#onError(error);
      send(
        response,
        500,
        { __type: 'InternalErrorException', message: 'Internal error.' },
        {
          ...headers,
          'x-amzn-errortype': 'InternalErrorException',
        },
        AMZ_JSON,
      );
    }
  }

  /**
   * `POST /local/token` `{"username": "alice", "expiresInSeconds": 600}` →
   * `{"accessToken", "idToken", "tokenType": "Bearer", "expiresIn"}`.
   * LOCAL ONLY: Cognito has no such endpoint (there users sign in with a password through the hosted UI
   * or InitiateAuth). It hands out tokens for any enabled user without a password, which is what tests
   * and scripts need and why this server listens on loopback.
   */
  async #localToken(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const parsed = localTokenRequestSchema.safeParse(parseJson(await readBody(request)));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new IdentityProviderError(
          'InvalidParameterException',
          `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}. Send {"username": "...", "expiresInSeconds"?: 3600}.`,
        );
      }
      const { username, expiresInSeconds } = parsed.data;
      const tokens = await this.issueTokens(
        username,
        expiresInSeconds === undefined ? {} : { expiresInSeconds },
      );
      send(response, 200, { ...tokens, tokenType: 'Bearer' });
    } catch (error) {
      if (error instanceof IdentityProviderError) {
        send(response, LOCAL_TOKEN_STATUS[error.type] ?? 500, { error: error.type, message: error.message });
        return;
      }
      throw error;
    }
  }
}
