/**
 * Training workflow, SageMaker branch: writes the feature set as CSV channels for SageMaker's
 * built-in XGBoost and returns the training job's settings (the ASL's `ExportForSageMaker` task).
 */
import * as z from 'zod';
import { exportForSageMaker } from '#core/training/pipeline/sagemaker.ts';
import { sageMakerDeps } from './step-deps.ts';
import { stepHandler } from './step-handler.ts';

export const handler = stepHandler(
  'export-for-sagemaker',
  z.object({ jobId: z.string().min(1), featureSetId: z.string().min(1).optional() }),
  (state) => exportForSageMaker(state, sageMakerDeps),
);
