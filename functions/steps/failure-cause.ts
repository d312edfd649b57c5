/**
 * The reason a failed workflow step gives, read from the error a Step Functions Catch passes on:
 * `{ Error, Cause }`, where a Lambda task's Cause is JSON with `errorMessage`, a SageMaker
 * `createTrainingJob.sync` task's Cause is the DescribeTrainingJob answer (`FailureReason` says
 * why), and anything else is plain text.
 */

export interface WorkflowError {
  readonly Error?: string;
  readonly Cause?: string;
}

const NO_REASON = 'The step failed without a reason.';

/**
 * @example
 * failureReason({ Error: 'UnprocessableError', Cause: '{"errorMessage":"No rows."}' }); // 'No rows.'
 */
export function failureReason(error: WorkflowError | undefined): string {
  const text = error?.Cause ?? error?.Error ?? NO_REASON;
  let cause: unknown;
  try {
    cause = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof cause !== 'object' || cause === null) return text;
  const { errorMessage, FailureReason, TrainingJobName } = cause as Record<string, unknown>;
  if (typeof errorMessage === 'string') return errorMessage;
  if (typeof FailureReason === 'string') {
    const job = typeof TrainingJobName === 'string' ? `${TrainingJobName} ` : '';
    return `SageMaker training job ${job}failed: ${FailureReason}`;
  }
  return text;
}
