/**
 * Training workflow, SageMaker branch: reads the training job's model.tar.gz, converts the XGBoost
 * model and records it as the job's candidate for the select step (the ASL's `ConvertXgboost` task).
 */
import * as z from 'zod';
import { recordSageMakerModel } from '#core/training/pipeline/sagemaker.ts';
import { sageMakerDeps } from './step-deps.ts';
import { stepHandler } from './step-handler.ts';

export const handler = stepHandler(
  'convert-xgboost',
  z.object({
    jobId: z.string().min(1),
    featureSetId: z.string().min(1).optional(),
    trainingJob: z.object({
      name: z.string().min(1),
      modelArtifact: z.string().startsWith('s3://'),
    }),
  }),
  (state) => recordSageMakerModel(state, sageMakerDeps),
);
