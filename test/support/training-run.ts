/** A training job and its step dependencies in memory, for unit tests of the workflow's steps. */
import type { Principal } from '../../functions/core/auth/principal.ts';
import type { ColumnType } from '../../functions/core/datasets/dataset-records.ts';
import type { ModelValidator } from '../../functions/core/registry/ports.ts';
import { newJobRecord, type TrainingRequest } from '../../functions/core/training/jobs.ts';
import type { StepDeps } from '../../functions/core/training/pipeline/job-run.ts';
import type { LoadedDataset } from '../../functions/core/training/pipeline/ports.ts';
import { InMemoryArtifacts, InMemoryModels, InMemoryVersions } from './in-memory-registry.ts';
import { datasetSourceOf, InMemoryFeatureSets, InMemoryJobs, InMemoryStore } from './in-memory-training.ts';

export const NOW = new Date('2026-12-01T10:00:00.000Z');

export const admin: Principal = {
  userId: 'u-admin',
  username: 'admin',
  role: 'admin',
  via: 'token',
  scope: 'full',
};

/** A dataset from columns of raw text (null: missing) and their profiled types. */
export function datasetOf(
  columns: Record<string, readonly (string | null)[]>,
  types: Record<string, ColumnType>,
): LoadedDataset {
  const names = Object.keys(columns);
  return {
    table: {
      columns: names,
      rowCount: columns[names[0] ?? '']?.length ?? 0,
      values: new Map(Object.entries(columns)),
    },
    types: new Map(
      names.map((name) => [
        name,
        {
          type: types[name] ?? 'categorical',
          distinct: new Set((columns[name] ?? []).filter((v) => v !== null)).size,
        },
      ]),
    ),
  };
}

/** `n` rows of a two-feature classification: y is 'yes' when x + noise is large. */
export function separableDataset(n = 40): LoadedDataset {
  const x = Array.from({ length: n }, (_, i) => String(i));
  const colour = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 'red' : 'blue'));
  const y = Array.from({ length: n }, (_, i) => (i >= n / 2 ? 'yes' : 'no'));
  return datasetOf({ x, colour, y }, { x: 'integer', colour: 'categorical', y: 'categorical' });
}

export function trainingRequest(overrides: Partial<TrainingRequest> = {}): TrainingRequest {
  return {
    datasetName: 'data',
    datasetVersion: 1,
    target: 'y',
    task: 'auto',
    validation: { holdoutFraction: 0.25, seed: 7 },
    modelName: 'model',
    ...overrides,
  };
}

/** A validator that reads nothing from the file: the register step's own logic is under test. */
export const acceptingValidator: ModelValidator = {
  async validate() {
    return {
      framework: 'onnx',
      signature: { inputs: [{ name: 'x', type: 'float64', shape: [null, 1] }], outputs: [], kind: 'other' },
    };
  },
};

export function stepDepsWith(dataset: LoadedDataset = separableDataset()) {
  const deps = {
    jobs: new InMemoryJobs(),
    datasets: datasetSourceOf({ data: dataset }),
    store: new InMemoryStore(),
    featureSets: new InMemoryFeatureSets(),
    now: () => NOW,
  } satisfies StepDeps;
  return {
    ...deps,
    models: new InMemoryModels(),
    versions: new InMemoryVersions(),
    artifacts: new InMemoryArtifacts(),
    validator: acceptingValidator,
    maxModelBytes: 10_000_000,
    codeVersion: 'test',
  };
}

export async function createJob(
  deps: ReturnType<typeof stepDepsWith>,
  request: TrainingRequest = trainingRequest(),
  jobId = 'job-1',
  owner: Principal = admin,
): Promise<string> {
  await deps.jobs.create(newJobRecord(jobId, owner, request, NOW.toISOString()));
  return jobId;
}
