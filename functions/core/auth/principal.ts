/**
 * Who is calling. Roles are read from token claims here and nowhere else; the authorizer turns a
 * verified token or API key into a Principal and hands it to the handlers through the request context.
 */
import { AuthenticationError, ForbiddenError } from '../errors.ts';

export const ROLES = ['admin', 'user'] as const;
export type Role = (typeof ROLES)[number];

export const API_KEY_SCOPES = ['predict', 'full'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface Principal {
  /** Stable owner id: Cognito `sub`. Objects are owned by this id. */
  readonly userId: string;
  readonly username: string;
  readonly role: Role;
  readonly via: 'token' | 'apiKey';
  /** Set when the caller used an API key. */
  readonly keyId?: string;
  /** `full` for tokens; a key's scope otherwise. */
  readonly scope: ApiKeyScope;
  /** A per-key budget overriding the platform default. */
  readonly rateLimitPerMinute?: number;
}

/** The claims of a verified Cognito (or local identity provider) token that matter to us. */
export interface TokenClaims {
  readonly sub?: unknown;
  readonly username?: unknown;
  readonly 'cognito:username'?: unknown;
  readonly 'cognito:groups'?: unknown;
}

/** Picks the strongest platform role among a user's groups; null when the user is in neither group. */
export function roleFromGroups(groups: readonly string[]): Role | null {
  if (groups.includes('admin')) return 'admin';
  if (groups.includes('user')) return 'user';
  return null;
}

export function principalFromClaims(claims: TokenClaims): Principal {
  if (typeof claims.sub !== 'string' || claims.sub.length === 0) {
    throw new AuthenticationError('The token has no subject.');
  }
  const username = [claims.username, claims['cognito:username']].find((v) => typeof v === 'string') as
    | string
    | undefined;
  const rawGroups = claims['cognito:groups'];
  const groups = Array.isArray(rawGroups) ? rawGroups.filter((g): g is string => typeof g === 'string') : [];
  const role = roleFromGroups(groups);
  if (role === null) {
    throw new ForbiddenError(
      'Your account is not in the platform groups (admin or user); ask an admin to add you.',
    );
  }
  return { userId: claims.sub, username: username ?? claims.sub, role, via: 'token', scope: 'full' };
}
