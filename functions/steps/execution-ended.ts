/**
 * EventBridge's "Step Functions Execution Status Change" event for a training execution that ended
 * FAILED, TIMED_OUT or ABORTED → the job, if the workflow left it active, ends FAILED with the reason.
 * The local Step Functions sends the same event, also for executions a stopped process took along.
 */
import { endJobOfExecution } from '#core/training/execution-ended.ts';
import { logger } from '#observability';
import { executionStatusChangeSchema } from './execution-status-change.ts';
import { stepDeps } from './step-deps.ts';
import { stepHandler } from './step-handler.ts';

export const handler = stepHandler('execution-ended', executionStatusChangeSchema, async (event) => {
  const result = await endJobOfExecution(event, stepDeps);
  logger.info('Execution end reconciled', { status: event.status, outcome: result.outcome });
  return result;
});
