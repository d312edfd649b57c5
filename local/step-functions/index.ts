/** The local Step Functions: the platform's workflows, run in-process behind the Step Functions API. */
export { SUPPORTED_OPERATIONS } from './api.ts';
export type { LoadedWorkflow, LocalFunction, TaskBinding } from './definitions.ts';
export { LAMBDA_INVOKE, loadWorkflow, localFunctionArn, placeholdersOf, substitute } from './definitions.ts';
export type { StepFunctionsErrorType } from './errors.ts';
export { StepFunctionsError } from './errors.ts';
export type { Execution, ExecutionStatus } from './executions.ts';
export type { LambdaErrorPayload } from './lambda-runtime.ts';
export { LambdaInvocationFailure, lambdaErrorPayload } from './lambda-runtime.ts';
export type { LocalStepFunctionsOptions, StepFunctionsEnvironment } from './step-functions.ts';
export { LocalStepFunctions } from './step-functions.ts';
