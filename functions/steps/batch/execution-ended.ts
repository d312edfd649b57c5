/**
 * EventBridge's "Step Functions Execution Status Change" event for a batch execution that ended
 * FAILED, TIMED_OUT or ABORTED → the job, if the workflow left it active, ends FAILED with the reason.
 * The local Step Functions sends the same event, also for executions a stopped process took along.
 */
import { endBatchJobOfExecution } from '#core/batch/pipeline.ts';
import { logger } from '#observability';
import { executionStatusChangeSchema } from '../execution-status-change.ts';
import { stepHandler } from '../step-handler.ts';
import { batchStepDeps } from './batch-step-deps.ts';

export const handler = stepHandler('batch-execution-ended', executionStatusChangeSchema, async (event) => {
  const result = await endBatchJobOfExecution(event, batchStepDeps);
  logger.info('Execution end reconciled', { status: event.status, outcome: result.outcome });
  return result;
});
