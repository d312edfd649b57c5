/**
 * Whether a user has a TOTP app enrolled, read with AdminGetUser. Used by the pre-token-generation
 * trigger, which runs outside the API and gets no platform configuration: the pool id comes with
 * each trigger event, the region from the Lambda runtime.
 */
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { tracer } from '#observability';

export class CognitoMfaEnrolment {
  readonly #client: CognitoIdentityProviderClient;

  constructor(client: CognitoIdentityProviderClient) {
    this.#client = client;
  }

  async hasTotp(userPoolId: string, username: string): Promise<boolean> {
    const user = await this.#client.send(
      new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }),
    );
    return (user.UserMFASettingList ?? []).includes('SOFTWARE_TOKEN_MFA');
  }
}

export const mfaEnrolment = new CognitoMfaEnrolment(
  tracer.captureAWSv3Client(new CognitoIdentityProviderClient({})),
);
