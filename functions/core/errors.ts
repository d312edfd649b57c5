/**
 * Typed domain errors. Core code throws these; the one HTTP error mapper
 * (`#core/http/problem.ts`) turns them into `application/problem+json` responses.
 */

export interface ErrorDetails {
  /** The offending field, as a JSON path (`body.name`, `query.limit`). */
  readonly field?: string;
  /** The offending row of a file or batch, 1-based. */
  readonly row?: number;
  readonly [extra: string]: unknown;
}

export abstract class PlatformError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  readonly details: ErrorDetails;

  constructor(message: string, details: ErrorDetails = {}, options?: ErrorOptions) {
    super(message, options);
    this.details = details;
  }
}

export class ValidationError extends PlatformError {
  readonly status = 400;
  readonly title = 'Invalid request';
  readonly issues: readonly { field: string; message: string }[];
  constructor(
    message: string,
    issues: readonly { field: string; message: string }[] = [],
    options?: ErrorOptions,
  ) {
    super(message, issues[0] ? { field: issues[0].field } : {}, options);
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

/** The request is well-formed but cannot be processed as asked (a bad model file, a row that fails the signature). */
export class UnprocessableError extends PlatformError {
  readonly status = 422;
  readonly title = 'Unprocessable content';
  constructor(message: string, details: ErrorDetails = {}, options?: ErrorOptions) {
    super(message, details, options);
    this.name = 'UnprocessableError';
  }
}

export class AuthenticationError extends PlatformError {
  readonly status = 401;
  readonly title = 'Authentication required';
  constructor(message: string, options?: ErrorOptions) {
    super(message, {}, options);
    this.name = 'AuthenticationError';
  }
}

export class ForbiddenError extends PlatformError {
  readonly status = 403;
  readonly title = 'Forbidden';
  constructor(message: string, options?: ErrorOptions) {
    super(message, {}, options);
    this.name = 'ForbiddenError';
  }
}

export class NotFoundError extends PlatformError {
  readonly status = 404;
  readonly title = 'Not found';
  constructor(message: string, options?: ErrorOptions) {
    super(message, {}, options);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends PlatformError {
  readonly status = 409;
  readonly title = 'Conflict';
  constructor(message: string, details: ErrorDetails = {}, options?: ErrorOptions) {
    super(message, details, options);
    this.name = 'ConflictError';
  }
}

export class PayloadTooLargeError extends PlatformError {
  readonly status = 413;
  readonly title = 'Payload too large';
  constructor(message: string, details: ErrorDetails = {}, options?: ErrorOptions) {
    super(message, details, options);
    this.name = 'PayloadTooLargeError';
  }
}

export class UnsupportedMediaTypeError extends PlatformError {
  readonly status = 415;
  readonly title = 'Unsupported media type';
  constructor(message: string, options?: ErrorOptions) {
    super(message, {}, options);
    this.name = 'UnsupportedMediaTypeError';
  }
}

export class RateLimitedError extends PlatformError {
  readonly status = 429;
  readonly title = 'Too many requests';
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(message, { retryAfterSeconds });
    this.name = 'RateLimitedError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The model answered with a value that is not a finite number where no single request row can be
 * blamed for it: the platform returns no prediction rather than a wrong one. 502: the platform
 * worked; the model it called did not give a usable answer. The body names no internals.
 */
export class ModelOutputError extends PlatformError {
  readonly status = 502;
  readonly title = 'Invalid model output';
  constructor(message: string, options?: ErrorOptions) {
    super(message, {}, options);
    this.name = 'ModelOutputError';
  }
}

/** A dependency (table, bucket, identity provider) did not answer; safe to retry. */
export class DependencyUnavailableError extends PlatformError {
  readonly status = 503;
  readonly title = 'Service unavailable';
  constructor(message: string, options?: ErrorOptions) {
    super(message, {}, options);
    this.name = 'DependencyUnavailableError';
  }
}

/**
 * A per-user limit (stored bytes, running jobs) would be exceeded. 409 rather than 429: waiting does
 * not help by itself; the caller frees room (deletes versions, lets or makes jobs end) and retries.
 */
export class QuotaExceededError extends PlatformError {
  readonly status = 409;
  readonly title = 'Quota exceeded';
  constructor(message: string, details: ErrorDetails & { quota: string; limit: number; used: number }) {
    super(message, details);
    this.name = 'QuotaExceededError';
  }
}

/**
 * A stored model file is not the one that was checked at registration (its SHA-256 differs). 503
 * and a message without keys or checksums: the caller did nothing wrong and can do nothing about
 * it; the operators are alarmed and restore the version, after which the same request succeeds.
 */
export class ModelUnavailableError extends PlatformError {
  readonly status = 503;
  readonly title = 'Model unavailable';
  constructor(message: string, options?: ErrorOptions) {
    super(message, {}, options);
    this.name = 'ModelUnavailableError';
  }
}
