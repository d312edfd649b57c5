/**
 * How the console shows a failure: an API problem body (title, detail, the offending fields, the
 * request id to quote), a sign-in error, or any other error's message, in an alert region.
 */
import { ApiError } from '../api.ts';
import { SignInError } from '../auth/oidc.ts';

export interface ProblemSummary {
  readonly title: string;
  readonly detail: string;
  readonly status?: number;
  readonly fields: readonly { field: string; message: string }[];
  readonly requestId?: string;
}

export function summarize(error: unknown): ProblemSummary {
  if (error instanceof ApiError) {
    const { problem } = error;
    const fields = Array.isArray(problem.errors) ? problem.errors : [];
    const requestId = typeof problem.requestId === 'string' ? problem.requestId : error.requestId;
    return {
      title: typeof problem.title === 'string' ? problem.title : `HTTP ${error.status}`,
      detail: error.message,
      status: error.status,
      fields:
        typeof problem.field === 'string' && fields.length === 0
          ? [{ field: problem.field, message: error.message }]
          : fields,
      ...(requestId === undefined ? {} : { requestId }),
    };
  }
  if (error instanceof SignInError) return { title: 'Sign-in failed', detail: error.message, fields: [] };
  if (error instanceof TypeError) {
    // fetch's network failure: no answer at all.
    return {
      title: 'No answer',
      detail: `The request did not reach the platform (${error.message}).`,
      fields: [],
    };
  }
  return {
    title: 'Something went wrong',
    detail: error instanceof Error ? error.message : String(error),
    fields: [],
  };
}

export function ProblemView({ error, onRetry }: { readonly error: unknown; readonly onRetry?: () => void }) {
  const problem = summarize(error);
  return (
    <div class="problem" role="alert">
      <p class="problem-title">
        {problem.title}
        {problem.status === undefined ? null : <span class="problem-status"> ({problem.status})</span>}
      </p>
      <p class="problem-detail">{problem.detail}</p>
      {problem.fields.length > 1 ||
      (problem.fields.length === 1 && problem.fields[0]?.message !== problem.detail) ? (
        <ul class="problem-fields">
          {problem.fields.map((field) => (
            <li key={field.field}>
              <code>{field.field}</code>: {field.message}
            </li>
          ))}
        </ul>
      ) : null}
      {problem.requestId === undefined ? null : (
        <p class="problem-request">
          Request id: <code>{problem.requestId}</code>
        </p>
      )}
      {onRetry === undefined ? null : (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
