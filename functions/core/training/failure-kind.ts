/**
 * Whose fault a failed job is. A step that refuses the user's data or request (a single-class target,
 * a column that is not there, a model name someone else owns) fails the job for a reason the user can
 * act on; anything else (a missing object, a bug, a dependency that stays down) is the platform's and
 * is what operators are alarmed on. The workflow tells them apart by the error's name.
 */
import { ConflictError, ForbiddenError, UnprocessableError, ValidationError } from '../errors.ts';

/** The error name a step fails with when the user's data or request is the cause; the ASL matches it. */
export const USER_DATA_ERROR = 'UserDataError';

export type FailureKind = 'UserData' | 'PlatformFault';

/** Whether a step's error says the user's data or request cannot be trained on. */
export function isUserCaused(error: unknown): boolean {
  return (
    error instanceof UnprocessableError ||
    error instanceof ValidationError ||
    error instanceof ForbiddenError ||
    error instanceof ConflictError
  );
}

/** The kind of a failure the workflow caught, from its `Error` name. */
export function failureKind(caught: { readonly Error?: string } | undefined): FailureKind {
  return caught?.Error === USER_DATA_ERROR ? 'UserData' : 'PlatformFault';
}
