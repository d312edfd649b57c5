/**
 * A training request as the API takes it (the body of `POST /v1/training-jobs`) and as an execution
 * started by hand carries it: one schema for both, so the workflow reads what the API accepts.
 */
import * as z from 'zod';
import { boundedRecord, FIELD_LIMITS, withinBytes } from '../field-limits.ts';
import { MODEL_NAME_PATTERN, MODEL_NAME_RULE } from '../registry/model-records.ts';
import type { TrainingRequest } from './jobs.ts';
import { CLASSIFICATION_METRICS, REGRESSION_METRICS } from './metrics.ts';
import { XGBOOST_HYPER_PARAMETERS } from './pipeline/sagemaker.ts';
import { ALGORITHMS, TRAINERS } from './trainers/index.ts';
import { hyperParameterIssues } from './trainers/trainer.ts';

/** The grid key of the SageMaker branch's built-in XGBoost, which takes one set. */
const XGBOOST = 'xgboost';

const { hyperParameters: gridLimits } = FIELD_LIMITS;
const hyperParameterSetSchema = boundedRecord(
  z
    .string()
    .max(gridLimits.maxKeyLength)
    .regex(/^[A-Za-z][A-Za-z0-9_]*$/),
  z.number(),
  gridLimits.maxParameters,
);

export const createTrainingJobBodySchema = z
  .strictObject({
    dataset: z.string().min(1).max(63).describe('The dataset to train on (yours; admins: any).'),
    datasetVersion: z.int().positive().optional().describe("Default: the dataset's newest ready version."),
    target: z.string().min(1).max(256).describe('The column to predict.'),
    task: z.enum(['classification', 'regression', 'auto']).default('auto'),
    algorithms: z
      .array(z.enum(ALGORITHMS))
      .min(1)
      .max(10)
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
      .describe(
        'The seed shuffles the stratified cross-validation folds (under 20,000 rows) or the hold-out split of holdoutFraction (from 20,000 rows on).',
      ),
    hyperParameters: withinBytes(
      boundedRecord(
        z.string().min(1).max(gridLimits.maxKeyLength),
        z.array(hyperParameterSetSchema).min(1).max(50),
        gridLimits.maxAlgorithms,
      ),
      gridLimits.maxBytes,
    )
      .optional()
      .describe(
        'Per algorithm, the grid to search, e.g. {"logistic-regression": [{"C": 0.5}, {"C": 2}]}; ' +
          `"${XGBOOST}": one set for the built-in XGBoost that trains data too large for Lambda. ` +
          `At most ${gridLimits.maxAlgorithms} algorithms, 50 sets each, ${gridLimits.maxParameters} parameters a set, ${gridLimits.maxBytes} bytes in all.`,
      ),
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
  .superRefine(checkAlgorithms)
  .meta({ id: 'CreateTrainingJobRequest' });

type Issue = { path: (string | number)[]; message: string };

/**
 * The checks the shape alone cannot make, so a request that cannot train is refused when it is
 * made rather than at the train step: each requested algorithm does the task (when the task is
 * given), every grid names an algorithm the job trains, and each set holds hyper-parameters its
 * trainer knows, with values in range.
 */
function checkAlgorithms(
  body: {
    task: string;
    algorithms?: string[] | undefined;
    hyperParameters?: Record<string, Record<string, number>[]> | undefined;
  },
  context: z.RefinementCtx,
): void {
  const issues: Issue[] = [];
  body.algorithms?.forEach((algorithm, index) => {
    const trainer = TRAINERS.find((t) => t.algorithm === algorithm);
    if (trainer !== undefined && body.task !== 'auto' && !trainer.tasks.includes(body.task as never)) {
      issues.push({
        path: ['algorithms', index],
        message: `${algorithm} does not do ${body.task} (it does ${trainer.tasks.join(', ')}).`,
      });
    }
  });
  for (const [algorithm, grid] of Object.entries(body.hyperParameters ?? {})) {
    issues.push(...gridIssues(algorithm, grid, body.algorithms));
  }
  for (const issue of issues) context.addIssue({ code: 'custom', ...issue });
}

function gridIssues(algorithm: string, grid: Record<string, number>[], requested?: string[]): Issue[] {
  const path = ['hyperParameters', algorithm];
  if (algorithm === XGBOOST) {
    if (grid.length > 1) return [{ path, message: 'XGBoost on SageMaker takes one set, not a grid.' }];
    const known = XGBOOST_HYPER_PARAMETERS as readonly string[];
    return Object.keys(grid[0] ?? {})
      .filter((name) => !known.includes(name))
      .map((name) => ({
        path: [...path, 0, name],
        message: `Unknown hyper-parameter (known: ${known.join(', ')}).`,
      }));
  }
  const trainer = TRAINERS.find((t) => t.algorithm === algorithm);
  if (trainer === undefined) {
    return [{ path, message: `Unknown algorithm (known: ${[...ALGORITHMS, XGBOOST].join(', ')}).` }];
  }
  if (requested !== undefined && !requested.includes(algorithm)) {
    return [
      {
        path,
        message: `A grid for an algorithm the job does not train (algorithms: ${requested.join(', ')}).`,
      },
    ];
  }
  return grid.flatMap((set, index) =>
    hyperParameterIssues(trainer.hyperParameterSpecs, set).map(({ name, message }) => ({
      path: [...path, index, name],
      message,
    })),
  );
}

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
