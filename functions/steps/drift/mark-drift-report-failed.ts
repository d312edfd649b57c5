import * as z from 'zod';
import { failRequestedDriftReport } from '#core/monitoring/drift-report-runs.ts';
import { failureReason } from '../failure-cause.ts';
import { stepHandler } from '../step-handler.ts';
import { driftRunIdSchema, driftStepDeps } from './drift-step-deps.ts';

export const handler = stepHandler(
  'mark-drift-report-failed',
  driftRunIdSchema.extend({
    error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
  }),
  (event) => failRequestedDriftReport(event, failureReason(event.error), driftStepDeps),
);
