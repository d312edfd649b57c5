import { beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { logger } from '#observability';
import {
  ConflictError,
  DependencyUnavailableError,
  NotFoundError,
  UnprocessableError,
} from '../../../functions/core/errors.ts';
import { failureKind } from '../../../functions/core/training/failure-kind.ts';
import { stepHandler } from '../../../functions/steps/step-handler.ts';
import { lambdaContext } from '../../../local/api-gateway/lambda-context.ts';

beforeEach(() => {
  for (const level of ['info', 'warn', 'error'] as const)
    vi.spyOn(logger, level).mockImplementation(() => undefined);
});

const failingWith = (error: unknown) =>
  stepHandler('preprocess', z.object({ jobId: z.string() }), async () => {
    throw error;
  });
const invoke = (handler: ReturnType<typeof failingWith>) =>
  handler({ jobId: 'job-1' }, lambdaContext('preprocess', 'request-1'));

describe('stepHandler failures', () => {
  it.each([
    new UnprocessableError('"label" has a single class; nothing to learn.'),
    new ConflictError('A model named x belongs to another user.'),
  ])("names a refusal of the user's data UserDataError, keeping the message ($name)", async (error) => {
    // Act
    const failure = await invoke(failingWith(error)).catch((thrown: Error) => thrown);

    // Assess
    expect(failure).toMatchObject({ name: 'UserDataError', message: error.message, cause: error });
  });

  it.each([
    new NotFoundError('The prepared data is missing from storage.'),
    new DependencyUnavailableError('DynamoDB did not answer.'),
    new TypeError('x is undefined'),
  ])('keeps the name of a platform fault ($name)', async (error) => {
    // Act
    const failure = await invoke(failingWith(error)).catch((thrown: Error) => thrown);

    // Assess
    expect(failure).toBe(error);
  });

  it('names an error the SDK marks retryable TransientError', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $retryable: {},
    });

    // Act
    const failure = await invoke(failingWith(throttled)).catch((thrown: Error) => thrown);

    // Assess
    expect(failure).toMatchObject({ name: 'TransientError', message: 'preprocess: Rate exceeded' });
  });
});

describe('failureKind', () => {
  it("tells the user's failures from the platform's by the caught error's name", () => {
    expect(failureKind({ Error: 'UserDataError' })).toBe('UserData');
    expect(failureKind({ Error: 'States.Timeout' })).toBe('PlatformFault');
    expect(failureKind({ Error: 'UnprocessableError' })).toBe('PlatformFault');
    expect(failureKind(undefined)).toBe('PlatformFault');
  });
});
