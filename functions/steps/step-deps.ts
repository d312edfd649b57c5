/** The workflow steps' dependencies. */

import { config } from '#config';
import packageJson from '../../package.json' with { type: 'json' };
import { datasetsStore } from '../adapters/dependencies.ts';
import {
  featureSetRepository,
  jobRepository,
  trainingDatasetSource,
} from '../adapters/training-dependencies.ts';

export const stepDeps = {
  jobs: jobRepository,
  datasets: trainingDatasetSource,
  store: datasetsStore,
  featureSets: featureSetRepository,
  now: () => new Date(),
};

export const codeVersion = `${packageJson.version}`;
export const maxModelBytes = config().limits.maxModelBytes;
