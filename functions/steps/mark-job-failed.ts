/**
 * The training workflow's Catch: records the failed step's reason on the job, and counts the failure
 * by whose it is (`TrainingJobsFailed`, dimension `kind`: `UserData` or `PlatformFault`), so that
 * users' data errors are visible without raising the platform alarms.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { failureKind } from '#core/training/failure-kind.ts';
import { markJobFailed } from '#core/training/pipeline/job-run.ts';
import { metrics } from '#observability';
import { failureReason } from './failure-cause.ts';
import { stepDeps } from './step-deps.ts';
import { stepHandler } from './step-handler.ts';

export const FAILED_JOBS_METRIC = 'TrainingJobsFailed';

export const handler = stepHandler(
  'mark-job-failed',
  z.object({
    jobId: z.string().min(1),
    error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
  }),
  async (event) => {
    const result = await markJobFailed({ jobId: event.jobId, reason: failureReason(event.error) }, stepDeps);
    const single = metrics.singleMetric();
    single.addDimension('kind', failureKind(event.error));
    single.addMetric(FAILED_JOBS_METRIC, MetricUnit.Count, 1);
    return result;
  },
);
