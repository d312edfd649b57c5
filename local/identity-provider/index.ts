/** The local identity provider: a Cognito stand-in for the local platform and tests. */
export { SUPPORTED_OPERATIONS } from './cognito-api.ts';
export type { CognitoErrorType } from './errors.ts';
export { IdentityProviderError } from './errors.ts';
export type {
  IdentityProviderEnvironment,
  LocalIdentityProviderOptions,
  LocalUser,
  SeedUser,
} from './identity-provider.ts';
export { LocalIdentityProvider } from './identity-provider.ts';
export type { OAuthClient } from './oauth/clients.ts';
export { OAUTH_PATHS } from './oauth/endpoints.ts';
export { s256Challenge } from './oauth/pkce.ts';
export { runTokenCli } from './token-cli.ts';
export type { IssuedTokens, TokenOptions } from './tokens.ts';
export { DEFAULT_TOKEN_LIFETIME_SECONDS, MAX_TOKEN_LIFETIME_SECONDS } from './tokens.ts';
