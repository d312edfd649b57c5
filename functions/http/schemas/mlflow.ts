import * as z from 'zod';
import { MAX_INSTANCES } from '#core/inference/instances.ts';

const FORMATS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;

const columnsSchema = z
  .record(z.string(), z.array(z.unknown()))
  .describe('Columnar: `{"<column>": [one value per row]}`.');

export const mlflowInvocationBodySchema = z
  .strictObject({
    dataframe_split: z
      .strictObject({
        columns: z.array(z.string()).optional(),
        data: z.array(z.array(z.unknown())).max(MAX_INSTANCES),
        index: z.array(z.unknown()).optional(),
      })
      .optional()
      .describe('A pandas DataFrame in the `split` orientation: `df.to_dict(orient="split")`.'),
    dataframe_records: z
      .array(z.record(z.string(), z.unknown()))
      .max(MAX_INSTANCES)
      .optional()
      .describe('A pandas DataFrame in the `records` orientation: one object per row.'),
    instances: z
      .union([z.array(z.unknown()).max(MAX_INSTANCES), columnsSchema])
      .optional()
      .describe("TF Serving's row format: one entry per row (an object, an array or a value)."),
    inputs: z
      .union([z.array(z.unknown()).max(MAX_INSTANCES), columnsSchema])
      .optional()
      .describe('As `instances` (rows), or columnar.'),
    params: z
      .record(z.string(), z.unknown())
      .optional()
      .refine((params) => params === undefined || Object.keys(params).length === 0, {
        message: 'the platform’s ONNX models take no inference params',
      }),
  })
  .refine((body) => FORMATS.filter((key) => body[key] !== undefined).length === 1, {
    message: `give exactly one of ${FORMATS.join(', ')}`,
  })
  .meta({
    id: 'MlflowInvocationRequest',
    description:
      "MLflow's scoring protocol (`mlflow models serve`'s /invocations); or send a CSV table with a header row as text/csv.",
  });

export const mlflowPredictionsSchema = z
  .object({
    predictions: z
      .array(z.unknown())
      .describe('One per row: a label for classifiers, a value for regressors.'),
  })
  .meta({ id: 'MlflowPredictions' });
