import { computeRequestedDriftReport } from '#core/monitoring/drift-report-runs.ts';
import { stepHandler } from '../step-handler.ts';
import { driftRunIdSchema, driftStepDeps } from './drift-step-deps.ts';

export const handler = stepHandler('compute-drift-report', driftRunIdSchema, (event) =>
  computeRequestedDriftReport(event, driftStepDeps),
);
