import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '#http/openapi/build-openapi-document.ts';
import { TRAINERS } from '../../../functions/core/training/trainers/index.ts';
import { createTrainingJobBodySchema } from '../../../functions/core/training/training-request.ts';

const base = { dataset: 'd', target: 'y', modelName: 'm' };

function issues(body: Record<string, unknown>): { path: string; message: string }[] {
  const result = createTrainingJobBodySchema.safeParse({ ...base, ...body });
  return result.success
    ? []
    : result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

describe('the training request', () => {
  it('accepts every algorithm the platform trains, by name', () => {
    for (const trainer of TRAINERS) expect(issues({ algorithms: [trainer.algorithm] })).toEqual([]);
    expect(issues({ algorithms: ['gradient-boosting'] })).toEqual([]);
    expect(issues({ algorithms: ['random-forest'] }).map((i) => i.path)).toEqual(['algorithms.0']);
  });

  it('lists them in the OpenAPI document', () => {
    const document = buildOpenApiDocument({ version: 'test' });
    const schema = document.components?.schemas?.CreateTrainingJobRequest as {
      properties: { algorithms: { items: { enum: string[] } } };
    };
    expect(schema.properties.algorithms.items.enum).toEqual(TRAINERS.map((t) => t.algorithm));
    expect(schema.properties.algorithms.items.enum).toContain('gradient-boosting');
  });

  it('checks every grid against its trainer, naming the field', () => {
    expect(
      issues({
        hyperParameters: {
          'gradient-boosting': [{ learningRate: 0.1 }, { learningRate: 2, maxLeaves: 1.5 }],
          'logistic-regression': [{ C: 0, gamma: 1 }],
        },
      }),
    ).toEqual([
      { path: 'hyperParameters.gradient-boosting.1.learningRate', message: 'Must be at most 1.' },
      { path: 'hyperParameters.gradient-boosting.1.maxLeaves', message: 'Must be an integer.' },
      {
        path: 'hyperParameters.logistic-regression.0.gamma',
        message: expect.stringMatching(/^Unknown hyper-parameter \(known: C, /),
      },
      { path: 'hyperParameters.logistic-regression.0.C', message: 'Must be greater than 0.' },
    ]);
    expect(issues({ hyperParameters: { 'gradient-boosting': [{ maxLeaves: 15, l2: 1 }] } })).toEqual([]);
  });

  it('refuses a grid for an unknown algorithm or one the job does not train', () => {
    expect(issues({ hyperParameters: { 'gradient-bosting': [{ maxLeaves: 15 }] } })).toEqual([
      {
        path: 'hyperParameters.gradient-bosting',
        message: expect.stringMatching(/^Unknown algorithm \(known: .*gradient-boosting/),
      },
    ]);
    expect(
      issues({
        algorithms: ['logistic-regression'],
        hyperParameters: { 'gradient-boosting': [{ maxLeaves: 15 }] },
      }).map((i) => i.path),
    ).toEqual(['hyperParameters.gradient-boosting']);
  });

  it('refuses an algorithm that does not do the given task', () => {
    expect(issues({ task: 'classification', algorithms: ['linear-regression'] })).toEqual([
      {
        path: 'algorithms.0',
        message: 'linear-regression does not do classification (it does regression).',
      },
    ]);
    expect(issues({ task: 'auto', algorithms: ['linear-regression'] })).toEqual([]);
  });

  it("checks the SageMaker branch's XGBoost set by name, and takes one set only", () => {
    expect(issues({ hyperParameters: { xgboost: [{ eta: 0.3, max_depth: 4 }] } })).toEqual([]);
    expect(issues({ hyperParameters: { xgboost: [{ booster: 1 }] } }).map((i) => i.path)).toEqual([
      'hyperParameters.xgboost.0.booster',
    ]);
    expect(issues({ hyperParameters: { xgboost: [{ eta: 0.1 }, { eta: 0.2 }] } }).map((i) => i.path)).toEqual(
      ['hyperParameters.xgboost'],
    );
  });
});
