/** The training job use cases' dependencies, shared by the job handlers. */
import { config } from '#config';
import { modelRepository } from '../../adapters/dependencies.ts';
import {
  jobRepository,
  trainingDatasetAccess,
  trainingWorkflow,
} from '../../adapters/training-dependencies.ts';

export const jobDeps = {
  jobs: jobRepository,
  workflow: trainingWorkflow,
  datasets: trainingDatasetAccess,
  models: modelRepository,
  maxActiveJobsPerUser: config().limits.maxActiveJobsPerUser,
  now: () => new Date(),
};
