/**
 * Step 5, register: the exported model becomes a new version of the request's model (made if
 * needed), with its metrics, lineage and a drift baseline of the training rows; approved at once
 * when an admin's job asked for it and the chosen candidate reached the threshold. A replayed step
 * finds the version it registered before instead of making a second one.
 */
import type { Principal } from '../../auth/principal.ts';
import { NotFoundError, UnprocessableError } from '../../errors.ts';
import { createModel } from '../../registry/models.ts';
import type {
  ArtifactStore,
  ModelRepository,
  ModelValidator,
  VersionRepository,
} from '../../registry/ports.ts';
import { registerVersion, reviewVersion } from '../../registry/versions.ts';
import { categoricalBaseline, type FeatureBaseline, numericBaseline } from '../drift-baseline.ts';
import type { CandidateResult, JobRecord } from '../jobs.ts';
import { isBetter, type Metric } from '../metrics.ts';
import type { FeaturePipeline } from '../model-contracts.ts';
import {
  activeJob,
  beginStep,
  endStep,
  loadFeatureSet,
  loadPrepared,
  runKeys,
  type StepDeps,
} from './job-run.ts';
import type { PreparedColumn, PreparedData } from './prepared-data.ts';
import type { StepState } from './step-state.ts';

export interface RegisterDeps extends StepDeps {
  readonly models: ModelRepository;
  readonly versions: VersionRepository;
  readonly artifacts: ArtifactStore;
  readonly validator: ModelValidator;
  readonly maxModelBytes: number;
  readonly codeVersion: string;
}

/** What the training rows looked like, per raw input column, for later drift checks. */
export function driftBaselineOf(prepared: PreparedData, pipeline: FeaturePipeline): FeatureBaseline[] {
  const train = (column: PreparedColumn) => prepared.train.map((row) => column.values[row] ?? null);
  return prepared.columns.map((column) => {
    const feature = pipeline.features.find((f) => f.column === column.name);
    return feature?.kind === 'categorical'
      ? categoricalBaseline(column.name, train(column), feature.categories)
      : numericBaseline(column.name, train(column));
  });
}

function ownerOf(job: JobRecord): Principal {
  return {
    userId: job.ownerId,
    username: job.ownerUsername,
    role: job.ownerRole,
    via: 'token',
    scope: 'full',
  };
}

async function ensureModel(owner: Principal, job: JobRecord, deps: RegisterDeps): Promise<void> {
  const name = job.request.modelName;
  if ((await deps.models.get(name)) !== undefined) return;
  await createModel(
    owner,
    {
      name,
      description: `Trained on ${job.request.datasetName} to predict ${job.request.target}.`,
      task: job.resolved?.task ?? 'other',
      tags: ['trained'],
      teamVisible: false,
    },
    deps,
  );
}

async function registerNewVersion(
  owner: Principal,
  job: JobRecord,
  chosen: CandidateResult,
  state: StepState,
  deps: RegisterDeps,
) {
  await ensureModel(owner, job, deps);
  const prepared = await loadPrepared(job.jobId, deps);
  const { pipeline } = await loadFeatureSet(state.featureSetId ?? job.featureSetId ?? '', deps);
  const bytes = await deps.store.get(state.modelKey ?? runKeys.model(job.jobId));
  if (bytes === undefined) throw new NotFoundError('The exported model is missing from storage.');
  return registerVersion(
    owner,
    job.request.modelName,
    bytes,
    {
      metrics: chosen.metrics,
      metadata: {
        target: job.request.target,
        task: job.resolved?.task,
        metric: job.resolved?.metric,
        // The rows the registered model was fitted on: all of them after the refit.
        trainingRows: chosen.trainingRows ?? prepared.train.length,
        validationRows: prepared.validation.length,
        ...(job.resolved?.selection ? { selection: job.resolved.selection } : {}),
        droppedColumns: prepared.dropped,
        driftBaseline: driftBaselineOf(prepared, pipeline),
      },
      lineage: {
        datasetName: job.request.datasetName,
        ...(job.resolved ? { datasetVersion: job.resolved.datasetVersion } : {}),
        trainingJobId: job.jobId,
        ...(job.featureSetId ? { featureSetId: job.featureSetId } : {}),
        algorithm: chosen.algorithm,
        parameters: chosen.hyperParameters,
        codeVersion: deps.codeVersion,
      },
    },
    deps,
  );
}

export async function registerModel(state: StepState, deps: RegisterDeps): Promise<StepState> {
  const job = await beginStep(await activeJob(state.jobId, deps), 'register', 93, deps);
  const owner = ownerOf(job);
  const chosen = job.chosen;
  if (chosen === undefined) throw new UnprocessableError('No model was selected.');
  const name = job.request.modelName;

  // A replayed step finds the version it registered before.
  let version =
    (await deps.versions.list(name, { limit: 20 })).items.find(
      (v) => v.lineage?.trainingJobId === job.jobId,
    ) ?? (await registerNewVersion(owner, job, chosen, state, deps));
  const threshold = job.request.autoApprove?.threshold;
  const metric = (job.resolved?.metric ?? 'accuracy') as Metric;
  if (
    threshold !== undefined &&
    owner.role === 'admin' &&
    version.status === 'pending' &&
    !isBetter(metric, threshold, chosen.score)
  ) {
    version = await reviewVersion(
      owner,
      name,
      version.version,
      { to: 'approved', comment: `auto-approved: ${metric} ${chosen.score} reached ${threshold}` },
      deps,
    );
  }
  await endStep(
    job,
    'register',
    100,
    {
      status: 'SUCCEEDED',
      finishedAt: deps.now().toISOString(),
      registered: { model: name, version: version.version, status: version.status },
    },
    deps,
  );
  return { jobId: job.jobId };
}
