/**
 * The predict function's bundle, built as CDK builds it (esbuild, ESM, Node 22, onnxruntime-node
 * external), carries only what a prediction uses: every byte of it is read and compiled at each cold
 * start (`npm run bench:cold-start` measures that). The AWS clients and adapters are `@__PURE__`
 * (functions/adapters/aws-clients.ts, dependencies.ts), and zod is imported as a namespace, so
 * esbuild drops what the handler never reaches.
 */
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { OnnxRuntimeLayer } from '../../infra/constructs/onnx-runtime-layer.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the predict function bundle', () => {
  let inputs: string[];

  beforeAll(async () => {
    // Prepare
    const result = await build({
      entryPoints: [`${root}functions/http/inference/predict.ts`],
      bundle: true,
      write: false,
      minify: true,
      metafile: true,
      outfile: 'index.mjs',
      platform: 'node',
      format: 'esm',
      target: 'node22',
      mainFields: ['module', 'main'],
      tsconfig: `${root}tsconfig.json`,
      external: [...OnnxRuntimeLayer.externalModules],
      logLevel: 'silent',
    });
    const output = Object.entries((result.metafile as Metafile).outputs).find(([name]) =>
      name.endsWith('index.mjs'),
    );
    inputs = Object.keys(output?.[1].inputs ?? {});
  }, 60_000);

  it('holds what a prediction needs: DynamoDB, S3 and the ONNX graph reader', () => {
    // Assess: the guard below means nothing if the build lost these.
    for (const needed of ['@aws-sdk/client-dynamodb/', '@aws-sdk/client-s3/', 'onnx-proto/']) {
      expect(inputs.some((input) => input.includes(`node_modules/${needed}`))).toBe(true);
    }
  });

  it.each([
    ['the Cognito client', 'node_modules/@aws-sdk/client-cognito-identity-provider/'],
    ['the Step Functions client', 'node_modules/@aws-sdk/client-sfn/'],
    ['jose (tokens are verified by the authorizer, not here)', 'node_modules/jose/'],
  ])('leaves out %s', (_what, path) => {
    // Assess
    expect(inputs.filter((input) => input.includes(path))).toEqual([]);
  });

  it('carries no zod locale but the default English one', () => {
    // Assess
    const locales = inputs.filter((input) => input.includes('node_modules/zod/v4/locales/'));
    expect(locales.map((input) => input.replace(/.*\/locales\//, ''))).toEqual(['en.js']);
  });
});
