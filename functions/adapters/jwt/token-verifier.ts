/**
 * Verifies Cognito tokens, and the local identity provider's, which are shaped the same way:
 * RS256 only (so `alg: none` and HMAC confusion are refused), the exact issuer, a key from the
 * issuer's JWKS, an unexpired token issued no later than `MAX_ISSUED_AT_SKEW_SECONDS` from now, and
 * one of our app clients (`aud` for ID tokens, `client_id` for access tokens, as Cognito puts it).
 */
import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { TokenVerifier, VerifiedToken } from '#core/auth/authenticate.ts';
import { principalFromClaims, type TokenClaims } from '#core/auth/principal.ts';
import { AuthenticationError, DependencyUnavailableError } from '#core/errors.ts';

/**
 * How far in the future a token's `iat` may lie before it is refused: clocks drift a little, but a
 * token "issued" minutes from now was minted by a skewed or forged issuer and would outlive its
 * stated lifetime, and would slip past a "valid after" revocation time.
 */
export const MAX_ISSUED_AT_SKEW_SECONDS = 60;

export interface TokenVerifierOptions {
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly clientIds: readonly string[];
  /** Seconds of clock skew tolerated on exp/nbf. */
  readonly clockToleranceSeconds?: number;
  /** The signing keys; default the issuer's JWKS at `jwksUrl` (tests pass a local set). */
  readonly keys?: JWTVerifyGetKey;
  /** Default the system clock. */
  readonly now?: () => Date;
}

export class JoseTokenVerifier implements TokenVerifier {
  readonly #options: TokenVerifierOptions;
  readonly #keys: JWTVerifyGetKey;
  readonly #now: () => Date;

  constructor(options: TokenVerifierOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    // jose caches the key set and refetches on an unknown `kid` (key rotation), at most every 30 s.
    this.#keys =
      options.keys ??
      createRemoteJWKSet(new URL(options.jwksUrl), {
        cooldownDuration: 30_000,
        timeoutDuration: 5_000,
      });
  }

  async verify(token: string): Promise<VerifiedToken> {
    const now = this.#now();
    const clockTolerance = this.#options.clockToleranceSeconds ?? 5;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#keys, {
        issuer: this.#options.issuer,
        algorithms: ['RS256'],
        clockTolerance,
        currentDate: now,
        requiredClaims: ['exp', 'iat', 'sub', 'token_use'],
      }));
    } catch (error) {
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
        throw new DependencyUnavailableError(
          'The identity provider could not be reached to check the token.',
          {
            cause: error,
          },
        );
      }
      throw new AuthenticationError(describe(error), { cause: error });
    }
    // jose checked that `iat` is a number (requiredClaims and its NumericDate check).
    const issuedAt = payload.iat as number;
    if (issuedAt > now.getTime() / 1000 + MAX_ISSUED_AT_SKEW_SECONDS) {
      throw new AuthenticationError('The token claims to be issued in the future ("iat"); it is not valid.');
    }
    const clientId = payload.token_use === 'id' ? payload.aud : payload.client_id;
    if (payload.token_use !== 'access' && payload.token_use !== 'id') {
      throw new AuthenticationError('The token is neither an access token nor an ID token.');
    }
    const audiences = Array.isArray(clientId) ? clientId : [clientId];
    if (!audiences.some((aud) => typeof aud === 'string' && this.#options.clientIds.includes(aud))) {
      throw new AuthenticationError('The token was issued for another application (audience mismatch).');
    }
    // jose refuses a token once `exp <= now - clockTolerance` (whole seconds): valid until exp + tolerance.
    const validUntil = (payload.exp as number) + clockTolerance;
    return { principal: principalFromClaims(payload as TokenClaims), issuedAt, validUntil };
  }
}

function describe(error: errors.JOSEError): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired; sign in again.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.claim === 'iss'
      ? "The token was not issued by this platform's identity provider."
      : `The token's "${error.claim}" claim is not valid.`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The token signature is not valid.';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The token is not signed with RS256.';
  if (error instanceof errors.JWKSNoMatchingKey)
    return 'The token was signed with a key this platform does not know.';
  return 'The token is not valid.';
}
