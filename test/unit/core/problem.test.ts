import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  NotFoundError,
  RateLimitedError,
  UnprocessableError,
  ValidationError,
} from '../../../functions/core/errors.ts';
import { problemFromError } from '../../../functions/core/http/problem.ts';

describe('problemFromError', () => {
  it('maps each typed error to its status with a problem body', () => {
    const cases = [
      [new ValidationError('bad', [{ field: 'body.name', message: 'required' }]), 400],
      [new NotFoundError('gone'), 404],
      [new ConflictError('taken'), 409],
      [new UnprocessableError('no', { row: 7, field: 'age' }), 422],
      [new RateLimitedError('slow down', 12), 429],
    ] as const;
    for (const [error, status] of cases) {
      const problem = problemFromError(error, { requestId: 'r-1', path: '/v1/x' });
      expect(problem.status).toBe(status);
      expect(problem.headers['content-type']).toBe('application/problem+json');
      expect(problem.body).toMatchObject({
        status,
        detail: error.message,
        requestId: 'r-1',
        instance: '/v1/x',
      });
      expect(problem.body.type).toMatch(/^https:\/\//);
      expect(problem.unexpected).toBe(false);
    }
  });

  it('carries the offending field, row and every validation issue', () => {
    const problem = problemFromError(new UnprocessableError('row 7 has no age', { row: 7, field: 'age' }));
    expect(problem.body).toMatchObject({ row: 7, field: 'age' });
    const validation = problemFromError(
      new ValidationError('two problems', [
        { field: 'body.a', message: 'x' },
        { field: 'body.b', message: 'y' },
      ]),
    );
    expect(validation.body.field).toBe('body.a');
    expect(validation.body.errors).toHaveLength(2);
  });

  it('sets Retry-After on 429', () => {
    expect(problemFromError(new RateLimitedError('slow', 17)).headers['retry-after']).toBe('17');
  });

  it('hides everything about an unexpected error', () => {
    const problem = problemFromError(new TypeError('secret table name arn:aws:dynamodb:xyz is broken'));
    expect(problem.status).toBe(500);
    expect(problem.unexpected).toBe(true);
    expect(JSON.stringify(problem.body)).not.toMatch(/arn:aws|secret|TypeError/);
  });
});
