/**
 * Training workflow, SageMaker branch: writes the feature set as CSV channels for SageMaker's
 * built-in XGBoost and returns the training job's settings (the ASL's `ExportForSageMaker` task).
 */
import { z } from 'zod';
import { config } from '#config';
import { exportForSageMaker } from '#core/training/pipeline/sagemaker.ts';
import { stepDeps } from './step-deps.ts';
import { stepHandler } from './step-handler.ts';

const { buckets } = config();

export const handler = stepHandler(
  'export-for-sagemaker',
  z.object({ jobId: z.string().min(1), featureSetId: z.string().min(1).optional() }),
  (state) => exportForSageMaker(state, { ...stepDeps, bucket: buckets.datasets }),
);
