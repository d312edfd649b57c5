/**
 * Signs access and ID tokens shaped like Cognito's (RS256, `kid` header, the same claim names), so the
 * platform's verifier accepts local tokens with the same code it runs against Cognito. Used by the
 * server and by the `local/token.ts` CLI, which signs with the persisted key without a running server.
 */
import { randomUUID } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { importJWK, SignJWT } from 'jose';
import { IdentityProviderError, userNotFound } from './errors.ts';
import type { SigningKey, StoredUser } from './state.ts';

export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;
/** Cognito's own ceiling for access and ID tokens. */
export const MAX_TOKEN_LIFETIME_SECONDS = 86_400;
/** The scope Cognito puts in access tokens obtained through its user-pool API (no OAuth scopes). */
export const COGNITO_ADMIN_SCOPE = 'aws.cognito.signin.user.admin';

export interface TokenOptions {
  /** 1 to 86,400 seconds; default 3600, like Cognito. */
  readonly expiresInSeconds?: number;
  /** When the token counts as issued (`iat`, `auth_time`); default now. Earlier times make expired tokens for tests. */
  readonly issuedAt?: Date;
  /** The app client the tokens are for (`client_id`, `aud`); default the provider's own client. */
  readonly clientId?: string;
  /** The access token's `scope`; default Cognito's user-pool API scope. OAuth sign-ins carry theirs. */
  readonly scope?: string;
  /** The OpenID Connect `nonce` of the authorization request, echoed in the ID token. */
  readonly nonce?: string;
}

export interface IssuedTokens {
  readonly accessToken: string;
  readonly idToken: string;
  /** Seconds, as Cognito's `ExpiresIn`. */
  readonly expiresIn: number;
}

/** Checks that a user may have tokens: it exists and is enabled (Cognito refuses sign-in otherwise). */
export function assertCanSignIn(user: StoredUser | undefined): StoredUser {
  if (!user) throw userNotFound();
  if (!user.enabled) throw new IdentityProviderError('NotAuthorizedException', 'User is disabled.');
  return user;
}

export function validateLifetime(expiresInSeconds: number): number {
  if (
    !Number.isInteger(expiresInSeconds) ||
    expiresInSeconds < 1 ||
    expiresInSeconds > MAX_TOKEN_LIFETIME_SECONDS
  ) {
    throw new IdentityProviderError(
      'InvalidParameterException',
      `expiresInSeconds must be an integer from 1 to ${MAX_TOKEN_LIFETIME_SECONDS}.`,
    );
  }
  return expiresInSeconds;
}

export class TokenSigner {
  readonly issuer: string;
  readonly clientId: string;
  readonly kid: string;
  readonly #privateKey: CryptoKey;

  private constructor(issuer: string, clientId: string, kid: string, privateKey: CryptoKey) {
    this.issuer = issuer;
    this.clientId = clientId;
    this.kid = kid;
    this.#privateKey = privateKey;
  }

  static async create(options: {
    readonly signingKey: SigningKey;
    readonly issuer: string;
    readonly clientId: string;
  }): Promise<TokenSigner> {
    const privateKey = await importJWK(options.signingKey.privateJwk, 'RS256');
    if (privateKey instanceof Uint8Array) throw new TypeError('The signing key is not an RSA private key.');
    return new TokenSigner(options.issuer, options.clientId, options.signingKey.kid, privateKey);
  }

  /**
   * Signs an access token and an ID token for one sign-in. Groups are omitted when the user has none,
   * as Cognito does.
   */
  async sign(user: StoredUser, options: TokenOptions = {}): Promise<IssuedTokens> {
    const expiresIn = validateLifetime(options.expiresInSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS);
    const iat = Math.floor((options.issuedAt ?? new Date()).getTime() / 1000);
    const exp = iat + expiresIn;
    const groups = user.groups.length > 0 ? { 'cognito:groups': [...user.groups] } : {};
    // One sign-in: both tokens share `origin_jti` and `event_id`, each has its own `jti`.
    const session = { origin_jti: randomUUID(), event_id: randomUUID(), auth_time: iat, iat, exp };
    const header = { alg: 'RS256', kid: this.kid } as const;
    const clientId = options.clientId ?? this.clientId;

    const accessToken = await new SignJWT({
      sub: user.sub,
      ...groups,
      iss: this.issuer,
      client_id: clientId,
      token_use: 'access',
      scope: options.scope ?? COGNITO_ADMIN_SCOPE,
      ...session,
      jti: randomUUID(),
      username: user.username,
    })
      .setProtectedHeader(header)
      .sign(this.#privateKey);

    const email = user.attributes.email;
    const idToken = await new SignJWT({
      sub: user.sub,
      ...groups,
      ...(email === undefined ? {} : { email, email_verified: user.attributes.email_verified === 'true' }),
      iss: this.issuer,
      'cognito:username': user.username,
      aud: clientId,
      ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
      token_use: 'id',
      ...session,
      jti: randomUUID(),
    })
      .setProtectedHeader(header)
      .sign(this.#privateKey);

    return { accessToken, idToken, expiresIn };
  }
}
