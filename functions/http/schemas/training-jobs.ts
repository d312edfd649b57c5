import * as z from 'zod';
import { JOB_STATUSES, STEPS } from '#core/training/jobs.ts';
import { isoTimestamp, pageOf, paginationQuerySchema } from './common.ts';

// The request body is shared with the workflow (executions started by hand), so it lives in core.
export { createTrainingJobBodySchema, toTrainingRequest } from '#core/training/training-request.ts';

const selectionSchema = z
  .union([
    z.object({ kind: z.literal('cross-validation'), folds: z.int(), repeats: z.int() }),
    z.object({ kind: z.literal('hold-out') }),
  ])
  .describe(
    'How candidates were compared: stratified 5-fold cross-validation below 20,000 rows and 40,000 rows × classes (repeated 3 times below 1,000 rows), the hold-out split above.',
  );

const crossValidationSchema = z
  .object({
    folds: z.int(),
    repeats: z.int(),
    scores: z.array(z.number()).describe('The selection metric on each fold, repeat by repeat.'),
    mean: z.number(),
    std: z.number().describe('Sample standard deviation of the fold scores.'),
    standardError: z.number().describe('std / √(folds × repeats): the near-tie tolerance of selection.'),
    rounds: z
      .array(z.int())
      .optional()
      .describe(
        'Gradient boosting: the rounds each fold was scored with (one count for all: the lowest mean validation loss).',
      ),
  })
  .describe("The candidate's cross-validated scores (small data); `score` is their mean.");

const candidateSchema = z.object({
  algorithm: z.string(),
  hyperParameters: z.record(z.string(), z.number()),
  metrics: z.record(z.string(), z.unknown()),
  score: z.number(),
  trainingMs: z.number(),
  crossValidation: crossValidationSchema.optional(),
  trainingRows: z
    .int()
    .optional()
    .describe('Chosen candidate: the rows its registered model was fitted on (all of them after the refit).'),
  refitMs: z.number().optional().describe('Chosen candidate: the refit on all rows.'),
  residuals: z
    .object({ actual: z.array(z.number()), predicted: z.array(z.number()) })
    .optional()
    .describe(
      'Chosen candidate of a regression job: up to 200 rows it did not learn from (the hold-out split, or the first repeat of out-of-fold predictions), true and predicted values aligned, for a residual plot.',
    ),
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
    resolved: z
      .object({
        datasetVersion: z.int(),
        task: z.string(),
        metric: z.string(),
        selection: selectionSchema.optional(),
      })
      .optional(),
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
