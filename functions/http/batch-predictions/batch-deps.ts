/** The batch prediction use cases' dependencies, shared by the batch handlers. */
import { batchDatasetAccess } from '#core/batch/batch-datasets.ts';
import { batchFiles, batchJobRepository, batchWorkflow } from '../../adapters/batch-dependencies.ts';
import {
  datasetRepository,
  datasetVersionRepository,
  modelRepository,
  versionRepository,
} from '../../adapters/dependencies.ts';

export const batchDeps = {
  jobs: batchJobRepository,
  workflow: batchWorkflow,
  // Read through, not cached: the version a job fixes is the one the alias points to now.
  registry: { models: modelRepository, versions: versionRepository },
  datasets: batchDatasetAccess(datasetRepository, datasetVersionRepository),
  files: batchFiles,
  transfers: batchFiles,
  now: () => new Date(),
};
