/**
 * The API's one authorizer, on AWS and locally: verifies a Cognito token or an API key and passes
 * the caller (or why there is none) to the route's handler. See authorizer-context.ts for why it
 * never denies itself. API Gateway invokes it only for requests that carry an `Authorization`
 * header (its identity source); failed credentials are counted per key id and source IP, and past
 * their limit answered 429 instead of 401. Infrastructure failures are thrown, which API Gateway
 * answers with 500.
 *
 * A token's verification (signature, issuer, audience, times) is done once per container and kept
 * until the token expires (verified-token-cache.ts); the revocation check and API keys, which can
 * change under a live credential, are read on every request. The same code decides locally and on
 * AWS, where API Gateway's own result cache stays off (infra/constructs/api.ts says why).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { authenticate, type Credential, credentialFrom, keyIdOf } from '#core/auth/authenticate.ts';
import { FailedAttemptGuard } from '#core/auth/failed-attempts.ts';
import { CachedTokenRevocations } from '#core/auth/token-revocation.ts';
import { CachedTokenVerifier } from '#core/auth/verified-token-cache.ts';
import { AuthenticationError, ForbiddenError } from '#core/errors.ts';
import { logger } from '#observability';
import { apiKeyRepository, rateCounter, tokenRevocations, tokenVerifier } from '../adapters/dependencies.ts';
import { type AuthorizerContext, contextForPrincipal } from './lib/authorizer-context.ts';

type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>;

/**
 * All three live as long as the container: verified tokens until they expire, revocation times for a
 * bounded time, failure verdicts for their window.
 */
const tokens = new CachedTokenVerifier(tokenVerifier);
const revocations = new CachedTokenRevocations(tokenRevocations);
const failedAttempts = new FailedAttemptGuard(rateCounter);

export async function authorize(event: APIGatewayRequestAuthorizerEventV2): Promise<AuthorizerResult> {
  const allow = (context: AuthorizerContext): AuthorizerResult => ({ isAuthorized: true, context });
  const now = new Date();
  let credential: Credential | undefined;
  try {
    credential = credentialFrom(event.headers ?? {});
    if (credential === undefined) {
      return allow({
        outcome: 'anonymous',
        reason: 'This route needs credentials: "Authorization: Bearer <token or API key>".',
      });
    }
    const principal = await authenticate(credential, {
      tokens,
      apiKeys: apiKeyRepository,
      revocations,
      now: () => now,
    });
    return allow(contextForPrincipal(principal));
  } catch (error) {
    if (error instanceof AuthenticationError) {
      logger.info('Credentials refused', { reason: error.message });
      const keyId = credential === undefined ? undefined : keyIdOf(credential);
      const tooMany = await failedAttempts.recordFailure(
        { sourceIp: event.requestContext.http.sourceIp, ...(keyId === undefined ? {} : { keyId }) },
        now,
      );
      if (tooMany !== undefined) {
        return allow({
          outcome: 'rateLimited',
          reason: tooMany.message,
          retryAfterSeconds: tooMany.retryAfterSeconds,
        });
      }
      return allow({ outcome: 'unauthenticated', reason: error.message });
    }
    if (error instanceof ForbiddenError) return allow({ outcome: 'forbidden', reason: error.message });
    throw error;
  }
}

export const handler = middy<APIGatewayRequestAuthorizerEventV2, AuthorizerResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(authorize);
