/**
 * Cognito pre-token-generation trigger (event version 2): withholds the `admin` group from the
 * tokens of an admin without MFA (see core/auth/admin-mfa.ts). Users outside the admin group cost
 * no Cognito call. A failure here fails the sign-in, which is the safe way to fail.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { groupsForTokens } from '#core/auth/admin-mfa.ts';
import { logger } from '#observability';
import { type CognitoMfaEnrolment, mfaEnrolment } from '../adapters/cognito/mfa-enrolment.ts';

export async function withholdAdminWithoutMfa(
  event: PreTokenGenerationV2TriggerEvent,
  enrolment: Pick<CognitoMfaEnrolment, 'hasTotp'> = mfaEnrolment,
): Promise<PreTokenGenerationV2TriggerEvent> {
  const groups = event.request.groupConfiguration.groupsToOverride ?? [];
  if (!groups.includes('admin')) return event;
  const hasMfa = await enrolment.hasTotp(event.userPoolId, event.userName);
  const decision = groupsForTokens(groups, hasMfa);
  if (decision.adminWithheld) {
    logger.info('Admin group withheld: no MFA enrolled', { username: event.userName });
    event.response.claimsAndScopeOverrideDetails = {
      ...event.response.claimsAndScopeOverrideDetails,
      groupOverrideDetails: {
        ...event.request.groupConfiguration,
        groupsToOverride: [...decision.groups],
      },
    };
  }
  return event;
}

export const handler = middy<PreTokenGenerationV2TriggerEvent, PreTokenGenerationV2TriggerEvent>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event) => withholdAdminWithoutMfa(event));
