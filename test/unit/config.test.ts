import { describe, expect, it } from 'vitest';
import { ConfigurationError, parseConfig } from '../../functions/config.ts';

const valid = {
  AWS_REGION: 'eu-west-1',
  API_KEYS_TABLE: 'keys',
  USAGE_TABLE: 'usage',
  IDEMPOTENCY_TABLE: 'idem',
  MODELS_TABLE: 'models',
  MODEL_VERSIONS_TABLE: 'versions',
  MODEL_UPLOADS_TABLE: 'uploads',
  DATASETS_TABLE: 'datasets',
  DATASET_VERSIONS_TABLE: 'dataset-versions',
  TRAINING_JOBS_TABLE: 'jobs',
  FEATURE_SETS_TABLE: 'feature-sets',
  BATCH_PREDICTION_JOBS_TABLE: 'batch-prediction-jobs',
  DATASETS_BUCKET: 'datasets-bucket',
  MODELS_BUCKET: 'models-bucket',
  USER_POOL_ID: 'eu-west-1_abc',
  USER_POOL_CLIENT_IDS: 'client-a, client-b',
};

describe('parseConfig', () => {
  it('derives the Cognito issuer and JWKS URL from region and pool', () => {
    const config = parseConfig(valid);
    expect(config.auth.issuer).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc');
    expect(config.auth.jwksUrl).toBe(
      'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json',
    );
    expect(config.auth.clientIds).toEqual(['client-a', 'client-b']);
  });

  it('applies defaults and coerces numbers', () => {
    const config = parseConfig({ ...valid, RATE_LIMIT_PER_MINUTE: '42' });
    expect(config.limits).toMatchObject({
      ratePerMinute: 42,
      maxRequestBodyBytes: 1024 * 1024,
      idempotencyTtlSeconds: 3600,
    });
    expect(config.stage).toBe('local');
  });

  it('takes endpoint overrides for the emulators', () => {
    const config = parseConfig({ ...valid, AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000' });
    expect(config.endpoints.dynamodb).toBe('http://127.0.0.1:8000');
    expect(config.endpoints.s3).toBeUndefined();
  });

  it('names every missing variable', () => {
    const { API_KEYS_TABLE: _a, MODELS_BUCKET: _m, ...partial } = valid;
    expect(() => parseConfig(partial)).toThrow(ConfigurationError);
    expect(() => parseConfig(partial)).toThrow(/API_KEYS_TABLE is missing; MODELS_BUCKET is missing/);
  });

  it('names a malformed variable and says why', () => {
    expect(() => parseConfig({ ...valid, RATE_LIMIT_PER_MINUTE: 'lots' })).toThrow(/RATE_LIMIT_PER_MINUTE: /);
    expect(() => parseConfig({ ...valid, AWS_ENDPOINT_URL_S3: 'not a url' })).toThrow(
      /AWS_ENDPOINT_URL_S3: /,
    );
    expect(() => parseConfig({ ...valid, USER_POOL_CLIENT_IDS: ' , ' })).toThrow(/USER_POOL_CLIENT_IDS/);
    expect(() => parseConfig({ ...valid, MAX_REQUEST_BODY_BYTES: String(7 * 1024 * 1024) })).toThrow(
      /MAX_REQUEST_BODY_BYTES/,
    );
  });
});
