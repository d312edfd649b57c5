/**
 * A training request as the API takes it (the body of `POST /v1/training-jobs`) and as an execution
 * started by hand carries it: one schema for both, so the workflow reads what the API accepts.
 */
import { z } from 'zod';
import { MODEL_NAME_PATTERN, MODEL_NAME_RULE } from '../registry/model-records.ts';
import type { TrainingRequest } from './jobs.ts';
import { CLASSIFICATION_METRICS, REGRESSION_METRICS } from './metrics.ts';

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
    modelName: z
      .string()
      .regex(MODEL_NAME_PATTERN, MODEL_NAME_RULE)
      .describe('Register the result as a new version of this model (created if needed).'),
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

export type CreateTrainingJobBody = z.output<typeof createTrainingJobBodySchema>;

/** The API's request body as the workflow's TrainingRequest. */
export function toTrainingRequest(body: CreateTrainingJobBody): TrainingRequest {
  const { dataset, datasetVersion, maxCategories, ...rest } = body;
  return {
    ...rest,
    datasetName: dataset,
    ...(datasetVersion === undefined ? {} : { datasetVersion }),
    featureSettings: { maxCategories },
  };
}
