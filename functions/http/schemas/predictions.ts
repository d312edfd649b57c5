import * as z from 'zod';
import { FIELD_LIMITS, jsonObject } from '#core/field-limits.ts';
import { MAX_INSTANCES } from '#core/inference/instances.ts';
import { ALIAS_NAME_PATTERN } from '#core/registry/model-records.ts';
import { modelNameSchema } from './models.ts';

export const predictQuerySchema = z.strictObject({
  alias: z
    .string()
    .regex(ALIAS_NAME_PATTERN)
    .optional()
    .describe('Default: `production`, else the newest version.'),
  version: z.coerce.number().int().positive().optional().describe('Call this version directly.'),
});

export const predictBodySchema = z
  .strictObject({
    instances: z
      .array(z.unknown())
      .min(1)
      .max(MAX_INSTANCES)
      .describe(
        'Rows: objects of named feature values (models with named inputs), or arrays in signature order. `null` is a missing value.',
      ),
    routingKey: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe('Keeps a caller on the same version of a split alias (also as the `x-routing-key` header).'),
  })
  .meta({ id: 'PredictRequest' });

export const predictionSchema = z
  .object({
    model: z.string(),
    version: z.int().positive().describe('The version that answered.'),
    alias: z.string().optional().describe('The alias that routed the call, if any.'),
    predictions: z
      .array(z.unknown())
      .describe('One per row: a label for classifiers, a value for regressors.'),
    probabilities: z
      .array(z.array(z.number()))
      .optional()
      .describe('Classifiers: one row per instance, in classLabels order.'),
    classLabels: z.array(z.union([z.number(), z.string()])).optional(),
  })
  .meta({ id: 'Prediction' });

export const v2ModelParamsSchema = z.strictObject({ name: modelNameSchema });
export const v2VersionParamsSchema = z.strictObject({
  name: modelNameSchema,
  version: z.coerce.number().int().positive(),
});

const v2Parameters = jsonObject(FIELD_LIMITS.v2Parameters);
/** More tensors than any model has inputs or outputs for; tabular models may have one per column. */
const MAX_V2_TENSORS = 1024;

const v2TensorSchema = z.strictObject({
  name: z.string().min(1).max(256),
  shape: z.array(z.int().nonnegative()).max(32),
  datatype: z.string().min(1).max(16),
  parameters: v2Parameters.optional(),
  data: z.array(z.unknown()),
});

export const v2InferRequestSchema = z
  .strictObject({
    id: z.string().max(256).optional(),
    parameters: v2Parameters.optional(),
    inputs: z.array(v2TensorSchema).min(1).max(MAX_V2_TENSORS),
    outputs: z
      .array(z.strictObject({ name: z.string().min(1).max(256), parameters: v2Parameters.optional() }))
      .max(MAX_V2_TENSORS)
      .optional(),
  })
  .meta({ id: 'V2InferRequest', description: 'Open Inference Protocol v2 inference request.' });

export const v2InferResponseSchema = z
  .object({
    model_name: z.string(),
    model_version: z.string(),
    id: z.string().optional(),
    outputs: z.array(
      z.object({
        name: z.string(),
        shape: z.array(z.int()),
        datatype: z.string(),
        data: z.array(z.unknown()),
      }),
    ),
  })
  .meta({ id: 'V2InferResponse' });

const v2TensorMetadataSchema = z.object({ name: z.string(), datatype: z.string(), shape: z.array(z.int()) });

export const v2ModelMetadataSchema = z
  .object({
    name: z.string(),
    versions: z.array(z.string()),
    platform: z.string(),
    inputs: z.array(v2TensorMetadataSchema),
    outputs: z.array(v2TensorMetadataSchema),
  })
  .meta({ id: 'V2ModelMetadata' });

export const v2ServerMetadataSchema = z
  .object({ name: z.string(), version: z.string(), extensions: z.array(z.string()) })
  .meta({ id: 'V2ServerMetadata' });

export const v2LiveSchema = z.object({ live: z.boolean() }).meta({ id: 'V2ServerLive' });
export const v2ReadySchema = z.object({ ready: z.boolean() }).meta({ id: 'V2ServerReady' });
export const v2ModelReadySchema = z
  .object({ name: z.string(), ready: z.boolean() })
  .meta({ id: 'V2ModelReady' });
