/** The wiring of the drift-reports workflow's steps: the registry reads, the captures and the runs. */
import * as z from 'zod';
import { modelRepository, modelsStore, versionRepository } from '../../adapters/dependencies.ts';
import { driftReportRepository } from '../../adapters/monitoring-dependencies.ts';
import { S3CaptureReader } from '../../adapters/s3/capture-reader.ts';

export const driftStepDeps = {
  models: modelRepository,
  versions: versionRepository,
  captures: new S3CaptureReader(modelsStore),
  reports: driftReportRepository,
  now: () => new Date(),
};

/** What the workflow hands each step: the run's key (the execution's input). */
export const driftRunIdSchema = z.object({
  model: z.string().min(1),
  version: z.number().int().positive(),
  reportId: z.string().min(1),
});
