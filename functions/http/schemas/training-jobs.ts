import { z } from 'zod';
import { JOB_STATUSES, STEPS, type TrainingRequest } from '#core/training/jobs.ts';
import { CLASSIFICATION_METRICS, REGRESSION_METRICS } from '#core/training/metrics.ts';
import { isoTimestamp, pageOf, paginationQuerySchema } from './common.ts';
import { modelNameSchema } from './models.ts';

const hyperParameterSetSchema = z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/), z.number());

export const createTrainingJobBodySchema = z
  .strictObject({
    dataset: z.string().min(1).max(63).describe('The dataset to train on (yours; admins: any).'),
    datasetVersion: z.int().positive().optional().describe("Default: the dataset's newest ready version."),
    target: z.string().min(1).max(256).describe('The column to predict.'),
    task: z.enum(['classification', 'regression', 'auto']).default('auto'),
    algorithms: z
      .array(z.enum(['linear-regression', 'logistic-regression']))
      .min(1)
      .optional()
      .describe('Default: every algorithm that fits the task.'),
    metric: z
      .enum([...CLASSIFICATION_METRICS, ...REGRESSION_METRICS])
      .optional()
      .describe('What picks the best candidate. Default: accuracy (classification), r2 (regression).'),
    validation: z
      .strictObject({
        holdoutFraction: z.number().gt(0).lt(1).default(0.2),
        seed: z.int().nonnegative().default(42),
      })
      .default({ holdoutFraction: 0.2, seed: 42 })
      .describe('A deterministic hold-out split, stratified for classification.'),
    hyperParameters: z
      .record(z.string(), z.array(hyperParameterSetSchema).min(1).max(50))
      .optional()
      .describe('Per algorithm, the grid to search, e.g. {"logistic-regression": [{"C": 0.5}, {"C": 2}]}.'),
    modelName: modelNameSchema.describe(
      'Register the result as a new version of this model (created if needed).',
    ),
    autoApprove: z
      .strictObject({ threshold: z.number() })
      .optional()
      .describe(
        "Admins only: register the version approved when the chosen candidate's metric reaches this.",
      ),
    maxCategories: z
      .int()
      .min(1)
      .max(1000)
      .default(50)
      .describe('One-hot columns kept per categorical column.'),
  })
  .meta({ id: 'CreateTrainingJobRequest' });

const candidateSchema = z.object({
  algorithm: z.string(),
  hyperParameters: z.record(z.string(), z.number()),
  metrics: z.record(z.string(), z.unknown()),
  score: z.number(),
  trainingMs: z.number(),
});

export const trainingJobSchema = z
  .object({
    jobId: z.string(),
    ownerId: z.string(),
    ownerUsername: z.string(),
    status: z.enum(JOB_STATUSES),
    step: z.enum(STEPS).optional().describe('The step running now (or the last one).'),
    progress: z.number().min(0).max(100),
    request: z.record(z.string(), z.unknown()),
    createdAt: isoTimestamp,
    updatedAt: isoTimestamp,
    startedAt: isoTimestamp.optional(),
    finishedAt: isoTimestamp.optional(),
    stepTimings: z.record(
      z.string(),
      z.object({ startedAt: z.string(), finishedAt: z.string().optional(), ms: z.number().optional() }),
    ),
    resolved: z.object({ datasetVersion: z.int(), task: z.string(), metric: z.string() }).optional(),
    featureSetId: z.string().optional(),
    featureSetReused: z.boolean().optional(),
    candidates: z.array(candidateSchema).optional(),
    chosen: candidateSchema.optional(),
    registered: z.object({ model: z.string(), version: z.int(), status: z.string() }).optional(),
    error: z.object({ step: z.string().optional(), reason: z.string() }).optional(),
  })
  .meta({ id: 'TrainingJob' });

export const trainingJobPageSchema = pageOf(trainingJobSchema, 'TrainingJobPage');

export const listTrainingJobsQuerySchema = paginationQuerySchema.extend({
  ownerId: z.string().min(1).max(128).optional().describe('Admins only: the jobs of this owner.'),
  status: z.enum(JOB_STATUSES).optional(),
});

export const trainingJobParamsSchema = z.strictObject({ jobId: z.uuid() });

/** The API's request body as the workflow's TrainingRequest (also used for executions started by hand). */
export function toTrainingRequest(body: z.output<typeof createTrainingJobBodySchema>): TrainingRequest {
  const { dataset, datasetVersion, maxCategories, ...rest } = body;
  return {
    ...rest,
    datasetName: dataset,
    ...(datasetVersion === undefined ? {} : { datasetVersion }),
    featureSettings: { maxCategories },
  };
}
