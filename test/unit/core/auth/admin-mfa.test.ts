/** The admin-needs-MFA rule and the Cognito trigger that applies it. */
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { groupsForTokens } from '../../../../functions/core/auth/admin-mfa.ts';
import { withholdAdminWithoutMfa } from '../../../../functions/triggers/pre-token-generation.ts';

describe('groupsForTokens', () => {
  it('keeps admin for an admin with MFA', () => {
    expect(groupsForTokens(['admin'], true)).toEqual({ groups: ['admin'], adminWithheld: false });
  });

  it('withholds admin from an admin without MFA, who keeps user rights', () => {
    expect(groupsForTokens(['admin'], false)).toEqual({ groups: ['user'], adminWithheld: true });
    expect(groupsForTokens(['admin', 'user', 'ops'], false)).toEqual({
      groups: ['user', 'ops'],
      adminWithheld: true,
    });
  });

  it('leaves users alone', () => {
    expect(groupsForTokens(['user'], false)).toEqual({ groups: ['user'], adminWithheld: false });
  });
});

function triggerEvent(groups: string[]): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_Authentication',
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_pool',
    userName: 'dave',
    callerContext: { awsSdkVersion: 'x', clientId: 'client' },
    request: { userAttributes: { sub: 'u-dave' }, groupConfiguration: { groupsToOverride: groups } },
    response: { claimsAndScopeOverrideDetails: {} },
  } as PreTokenGenerationV2TriggerEvent;
}

describe('withholdAdminWithoutMfa', () => {
  it('overrides the groups of an admin without TOTP', async () => {
    // Prepare
    const asked: string[] = [];
    const enrolment = {
      hasTotp: async (pool: string, user: string) => {
        asked.push(`${pool}/${user}`);
        return false;
      },
    };
    // Act
    const result = await withholdAdminWithoutMfa(triggerEvent(['admin']), enrolment);
    // Assess
    expect(asked).toEqual(['eu-west-1_pool/dave']);
    expect(result.response.claimsAndScopeOverrideDetails.groupOverrideDetails?.groupsToOverride).toEqual([
      'user',
    ]);
  });

  it('leaves an admin with TOTP as issued', async () => {
    const result = await withholdAdminWithoutMfa(triggerEvent(['admin']), { hasTotp: async () => true });
    expect(result.response.claimsAndScopeOverrideDetails.groupOverrideDetails).toBeUndefined();
  });

  it('asks Cognito nothing for a user outside the admin group', async () => {
    const enrolment = {
      hasTotp: async (): Promise<boolean> => {
        throw new Error('must not be called');
      },
    };
    const result = await withholdAdminWithoutMfa(triggerEvent(['user']), enrolment);
    expect(result.response.claimsAndScopeOverrideDetails.groupOverrideDetails).toBeUndefined();
  });
});
