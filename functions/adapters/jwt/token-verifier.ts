/**
 * Verifies Cognito tokens, and the local identity provider's, which are shaped the same way:
 * RS256 only (so `alg: none` and HMAC confusion are refused), the exact issuer, a key from the
 * issuer's JWKS, an unexpired token, and one of our app clients (`aud` for ID tokens, `client_id`
 * for access tokens, as Cognito puts it).
 */
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import { type Principal, principalFromClaims, type TokenClaims } from '#core/auth/principal.ts';
import { AuthenticationError, DependencyUnavailableError } from '#core/errors.ts';

export interface TokenVerifierOptions {
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly clientIds: readonly string[];
  /** Seconds of clock skew tolerated on exp/nbf/iat. */
  readonly clockToleranceSeconds?: number;
}

export class JoseTokenVerifier {
  readonly #options: TokenVerifierOptions;
  readonly #keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(options: TokenVerifierOptions) {
    this.#options = options;
    // jose caches the key set and refetches on an unknown `kid` (key rotation), at most every 30 s.
    this.#keys = createRemoteJWKSet(new URL(options.jwksUrl), {
      cooldownDuration: 30_000,
      timeoutDuration: 5_000,
    });
  }

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#keys, {
        issuer: this.#options.issuer,
        algorithms: ['RS256'],
        clockTolerance: this.#options.clockToleranceSeconds ?? 5,
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
    const clientId = payload.token_use === 'id' ? payload.aud : payload.client_id;
    if (payload.token_use !== 'access' && payload.token_use !== 'id') {
      throw new AuthenticationError('The token is neither an access token nor an ID token.');
    }
    const audiences = Array.isArray(clientId) ? clientId : [clientId];
    if (!audiences.some((aud) => typeof aud === 'string' && this.#options.clientIds.includes(aud))) {
      throw new AuthenticationError('The token was issued for another application (audience mismatch).');
    }
    return principalFromClaims(payload as TokenClaims);
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
