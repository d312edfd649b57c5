/**
 * The one error type of the local Step Functions server. `type` is the Step Functions error code the
 * JSON protocol sends as `__type`, so an SDK client sees the same `error.name` it would see against AWS
 * (`ExecutionDoesNotExist`, `ExecutionAlreadyExists`, ...).
 */

export type StepFunctionsErrorType =
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'StateMachineDoesNotExist'
  | 'InvalidArn'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidToken'
  | 'ValidationException'
  | 'UnknownOperationException'
  | 'SerializationException';

export class StepFunctionsError extends Error {
  /** The Step Functions error code (`__type` on the wire). */
  readonly type: StepFunctionsErrorType;

  constructor(type: StepFunctionsErrorType, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StepFunctionsError';
    this.type = type;
  }
}
