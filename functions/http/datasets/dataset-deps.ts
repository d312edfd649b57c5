/** The dataset use cases' dependencies, shared by the dataset handlers. */
import { COMMIT_TIME_BUDGET_MS, type CommitDeps, MAX_DATASET_BYTES } from '#core/datasets/commit.ts';
import {
  datasetObjectStore,
  datasetRepository,
  datasetVersionRepository,
} from '../../adapters/dependencies.ts';

export const datasetDeps: CommitDeps = {
  datasets: datasetRepository,
  versions: datasetVersionRepository,
  objects: datasetObjectStore,
  maxDatasetBytes: MAX_DATASET_BYTES,
  limits: { timeBudgetMs: COMMIT_TIME_BUDGET_MS },
  now: () => new Date(),
};
