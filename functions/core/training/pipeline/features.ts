/**
 * Step 2, features: the feature set (the fitted pipeline and the train and validation matrices,
 * missing numeric values kept as NaN: see missing-values.ts),
 * fitted and saved, or reused when an earlier job made the same one. Its id is a hash of everything
 * that decides its content, so equal settings on the same dataset version give the same id.
 */
import { createHash } from 'node:crypto';
import { fitFeaturePipeline, transformRows } from '../feature-transform.ts';
import type { JobRecord } from '../jobs.ts';
import { keepingMissing } from '../missing-values.ts';
import {
  activeJob,
  beginStep,
  endStep,
  FEATURE_CODE_VERSION,
  jsonCodec,
  loadPrepared,
  runKeys,
  type StepDeps,
} from './job-run.ts';
import { encodeArrays } from './matrix-codec.ts';
import { type PreparedData, requestRows } from './prepared-data.ts';
import type { StepState } from './step-state.ts';

const DEFAULT_MAX_CATEGORIES = 50;

export function featureSetIdFor(job: JobRecord, prepared: PreparedData, maxCategories: number): string {
  const settings = {
    code: FEATURE_CODE_VERSION,
    dataset: job.request.datasetName,
    version: job.resolved?.datasetVersion,
    target: prepared.target,
    task: prepared.task,
    columns: prepared.columns.map((c) => [c.name, c.kind]),
    validation: job.request.validation,
    maxCategories,
  };
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 32);
}

async function saveFeatureSet(
  job: JobRecord,
  prepared: PreparedData,
  featureSetId: string,
  maxCategories: number,
  deps: StepDeps,
): Promise<void> {
  const pipeline = fitFeaturePipeline(prepared.columns, prepared.train, maxCategories);
  // Missing numbers stay NaN in the stored matrices: trees learn from them, linear models impute.
  const kept = keepingMissing(pipeline);
  const matrix = (rows: readonly number[]) => transformRows(kept, requestRows(prepared, rows));
  const target = (rows: readonly number[]) =>
    Float64Array.from(rows.map((row) => prepared.y[row] ?? Number.NaN));
  await deps.store.put(runKeys.featurePipeline(featureSetId), jsonCodec.encode(pipeline));
  await deps.store.put(
    runKeys.featureData(featureSetId),
    encodeArrays(
      {
        trainX: matrix(prepared.train),
        trainY: target(prepared.train),
        validationX: matrix(prepared.validation),
        validationY: target(prepared.validation),
      },
      { width: pipeline.width, classes: prepared.classes ?? null },
    ),
  );
  // Written last: a record means its files are complete.
  await deps.featureSets.createIfAbsent({
    featureSetId,
    datasetName: job.request.datasetName,
    datasetVersion: job.resolved?.datasetVersion ?? 0,
    pipelineKey: runKeys.featurePipeline(featureSetId),
    dataKey: runKeys.featureData(featureSetId),
    width: pipeline.width,
    trainRows: prepared.train.length,
    validationRows: prepared.validation.length,
    createdAt: deps.now().toISOString(),
    createdByJob: job.jobId,
  });
}

export async function features(state: StepState, deps: StepDeps): Promise<StepState> {
  const job = await beginStep(await activeJob(state.jobId, deps), 'features', 16, deps);
  const prepared = await loadPrepared(job.jobId, deps);
  const maxCategories = job.request.featureSettings?.maxCategories ?? DEFAULT_MAX_CATEGORIES;
  const featureSetId = featureSetIdFor(job, prepared, maxCategories);
  const existing = await deps.featureSets.get(featureSetId);
  if (existing === undefined) await saveFeatureSet(job, prepared, featureSetId, maxCategories, deps);
  await endStep(job, 'features', 25, { featureSetId, featureSetReused: existing !== undefined }, deps);
  return { jobId: job.jobId, featureSetId, trainRows: prepared.train.length };
}
