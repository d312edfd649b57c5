/**
 * The API's one authorizer, on AWS and locally: verifies a Cognito token or an API key and passes
 * the caller (or why there is none) to the route's handler. See authorizer-context.ts for why it
 * never denies itself. Infrastructure failures are thrown, which API Gateway answers with 500.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { authenticate, credentialFrom } from '#core/auth/authenticate.ts';
import { AuthenticationError, ForbiddenError } from '#core/errors.ts';
import { logger } from '#observability';
import { apiKeyRepository, tokenVerifier } from '../adapters/dependencies.ts';
import { type AuthorizerContext, contextForPrincipal } from './lib/authorizer-context.ts';

type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>;

export async function authorize(event: APIGatewayRequestAuthorizerEventV2): Promise<AuthorizerResult> {
  const allow = (context: AuthorizerContext): AuthorizerResult => ({ isAuthorized: true, context });
  try {
    const credential = credentialFrom(event.headers ?? {});
    if (credential === undefined) {
      return allow({
        outcome: 'anonymous',
        reason: 'This route needs credentials: "Authorization: Bearer <token>" or "x-api-key: <key>".',
      });
    }
    const principal = await authenticate(credential, {
      tokens: tokenVerifier,
      apiKeys: apiKeyRepository,
      now: () => new Date(),
    });
    return allow(contextForPrincipal(principal));
  } catch (error) {
    if (error instanceof AuthenticationError) {
      logger.info('Credentials refused', { reason: error.message });
      return allow({ outcome: 'unauthenticated', reason: error.message });
    }
    if (error instanceof ForbiddenError) return allow({ outcome: 'forbidden', reason: error.message });
    throw error;
  }
}

export const handler = middy<APIGatewayRequestAuthorizerEventV2, AuthorizerResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(authorize);
