/**
 * Where the training workflow's SageMaker branch keeps its files in the datasets bucket. Shared by the
 * steps (which write the channels and read the model) and the infrastructure (whose SageMaker role may
 * read `input/` and write `output/` only), so it imports nothing.
 */
export const sageMakerKeys = {
  /** Channel files: `<inputPrefix><job>/<train|validation>/part-00000.csv`. */
  inputPrefix: 'sagemaker/input/',
  /** SageMaker writes `<outputPrefix><job>/<training job>/output/model.tar.gz`. */
  outputPrefix: 'sagemaker/output/',
  channel: (jobId: string, channel: 'train' | 'validation') => `sagemaker/input/${jobId}/${channel}/`,
  output: (jobId: string) => `sagemaker/output/${jobId}/`,
  candidate: (jobId: string) => `jobs/${jobId}/candidates/xgboost-sagemaker.json`,
} as const;
