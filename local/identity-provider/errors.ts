/**
 * The one error type of the local identity provider. `type` is the Cognito error code the JSON protocol
 * sends as `__type`, so an SDK client sees the same `error.name` it would see against Cognito.
 */

export type CognitoErrorType =
  | 'InvalidParameterException'
  | 'ResourceNotFoundException'
  | 'UserNotFoundException'
  | 'UsernameExistsException'
  | 'NotAuthorizedException'
  | 'UnknownOperationException'
  | 'SerializationException'
  | 'InternalErrorException';

export class IdentityProviderError extends Error {
  /** The Cognito error code (`__type` on the wire). */
  readonly type: CognitoErrorType;

  constructor(type: CognitoErrorType, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'IdentityProviderError';
    this.type = type;
  }
}

export const userNotFound = (): IdentityProviderError =>
  new IdentityProviderError('UserNotFoundException', 'User does not exist.');
