/** Names of the CloudWatch usage metrics: emitted by the prediction functions, graphed by CDK. */
export const USAGE_METRICS = {
  requests: 'Predictions',
  rows: 'PredictionRows',
  clientErrors: 'Prediction4xx',
  serverErrors: 'Prediction5xx',
  latency: 'PredictionLatency',
  modelLatency: 'ModelRunLatency',
} as const;
