/** The ML platform's TypeScript SDK: the typed client and helpers for the usual flows. */

export {
  type BatchFileFormat,
  type BatchFromFileOptions,
  type BatchPrediction,
  BatchWaitTimeoutError,
  startBatchPredictionFromFile,
  waitForBatchPrediction,
} from './batch.ts';
export {
  type Api,
  ApiError,
  type Credential,
  createPlatformClient,
  type PlatformClient,
  type PlatformClientOptions,
  type Problem,
  type Schemas,
  unwrap,
} from './client.ts';
export {
  type DatasetVersion,
  datasetFormatOf,
  type UploadDatasetOptions,
  uploadDataset,
} from './datasets.ts';
export type { components, operations, paths } from './generated/api.ts';
export {
  type CreateTrainingJobRequest,
  startTrainingJob,
  type TrainingJob,
  type WaitOptions,
  WaitTimeoutError,
  waitForTrainingJob,
} from './jobs.ts';
export {
  DIRECT_UPLOAD_MAX_BYTES,
  type ModelVersion,
  type UploadModelOptions,
  uploadModel,
} from './models.ts';
export {
  chunkRows,
  MAX_BODY_BYTES_PER_REQUEST,
  MAX_ROWS_PER_REQUEST,
  type Prediction,
  type PredictOptions,
  predictRows,
} from './predict.ts';
export {
  type ProgressCallback,
  putToPresignedUrl,
  type TransferProgress,
  type UploadSource,
} from './transfer.ts';
