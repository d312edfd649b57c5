/** The training-job form, built from the request schema of the OpenAPI document the API serves. */
import { describe, expect, it } from 'vitest';
import {
  type FormField,
  formFields,
  initialValues,
  type JsonSchema,
  labelOf,
  leafFields,
  requestBody,
} from '../../../console/src/pages/training/schema-form.ts';
import { buildOpenApiDocument } from '../../../functions/http/openapi/build-openapi-document.ts';
import { createTrainingJobBodySchema } from '../../../functions/http/schemas/training-jobs.ts';

const document = buildOpenApiDocument({ version: 'test' }) as unknown as {
  components: { schemas: Record<string, JsonSchema> };
};
const schema = document.components.schemas.CreateTrainingJobRequest as JsonSchema;
const fields = formFields(schema);
const byPath = (path: string) => leafFields(fields).find((field) => field.path === path) as FormField;
const filled = (values: Record<string, string | string[]>) => ({
  ...initialValues(schema, fields),
  ...values,
});

describe('formFields on CreateTrainingJobRequest', () => {
  it('gives every property a field of its kind, required ones marked, groups opened', () => {
    // Act
    const kinds = leafFields(fields).map((field) => [field.path, field.kind, field.required]);

    // Assess
    expect(kinds).toEqual([
      ['dataset', 'text', true],
      ['datasetVersion', 'number', false],
      ['target', 'text', true],
      ['task', 'choice', false],
      ['algorithms', 'choices', false],
      ['metric', 'choice', false],
      ['validation.holdoutFraction', 'number', false],
      ['validation.seed', 'number', false],
      ['hyperParameters', 'json', false],
      ['modelName', 'text', true],
      ['autoApprove.threshold', 'number', true],
      ['maxCategories', 'number', false],
    ]);
  });

  it('takes the options, bounds and pattern from the schema', () => {
    expect(byPath('task')).toMatchObject({ options: ['classification', 'regression', 'auto'] });
    expect(byPath('algorithms')).toMatchObject({
      options: ['linear-regression', 'logistic-regression', 'gradient-boosting'],
      minItems: 1,
      maxItems: 10,
    });
    expect(byPath('maxCategories')).toMatchObject({ integer: true, min: 1, max: 1000 });
    expect(byPath('validation.holdoutFraction')).toMatchObject({
      integer: false,
      exclusiveMin: 0,
      exclusiveMax: 1,
    });
    // zod's "no upper bound" (the largest safe integer) is no bound for an input.
    expect(byPath('datasetVersion')).toMatchObject({ integer: true, exclusiveMin: 0 });
    expect(byPath('datasetVersion')).not.toHaveProperty('max');
    expect(byPath('modelName')).toMatchObject({ pattern: '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$' });
    expect(byPath('dataset').description).toBe('The dataset to train on (yours; admins: any).');
    expect(byPath('validation.holdoutFraction').label).toBe('Holdout fraction');
  });

  it('starts from the schema defaults, nested ones included', () => {
    // Act
    const values = initialValues(schema, fields);

    // Assess
    expect(values).toMatchObject({
      task: 'auto',
      'validation.holdoutFraction': '0.2',
      'validation.seed': '42',
      maxCategories: '50',
      algorithms: [],
      dataset: '',
      hyperParameters: '',
    });
  });
});

describe('requestBody', () => {
  it('builds a body the API schema accepts, leaving empty optional fields and groups out', () => {
    // Act
    const { body, errors } = requestBody(
      fields,
      filled({
        dataset: ' iris ',
        target: 'species',
        modelName: 'iris-trained',
        algorithms: ['logistic-regression'],
        hyperParameters: '{"logistic-regression": [{"C": 0.5}, {"C": 2}]}',
        'validation.seed': '7',
      }),
    );

    // Assess
    expect(errors).toEqual([]);
    expect(body).toEqual({
      dataset: 'iris',
      target: 'species',
      task: 'auto',
      algorithms: ['logistic-regression'],
      validation: { holdoutFraction: 0.2, seed: 7 },
      hyperParameters: { 'logistic-regression': [{ C: 0.5 }, { C: 2 }] },
      modelName: 'iris-trained',
      maxCategories: 50,
    });
    expect(createTrainingJobBodySchema.safeParse(body).success).toBe(true);
  });

  it('names each field the schema refuses, with the reason', () => {
    // Act
    const { errors } = requestBody(
      fields,
      filled({
        dataset: '',
        target: 'y',
        modelName: 'Not A Name',
        datasetVersion: '1.5',
        'validation.holdoutFraction': '1',
        maxCategories: '0',
        hyperParameters: '[1, 2]',
        'autoApprove.threshold': 'high',
      }),
    );

    // Assess
    expect(errors).toEqual([
      { path: 'dataset', message: 'Required.' },
      { path: 'datasetVersion', message: 'Enter a whole number.' },
      { path: 'validation.holdoutFraction', message: 'Less than 1.' },
      { path: 'hyperParameters', message: 'Enter a JSON object, e.g. {"logistic-regression": [{"C": 1}]}.' },
      { path: 'modelName', message: 'Does not match ^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$.' },
      { path: 'autoApprove.threshold', message: 'Enter a number.' },
      { path: 'maxCategories', message: 'At least 1.' },
    ]);
  });

  it('sends an optional group once one of its fields is set', () => {
    // Act
    const { body, errors } = requestBody(
      fields,
      filled({ dataset: 'd', target: 't', modelName: 'm', 'autoApprove.threshold': '0.9' }),
    );

    // Assess
    expect(errors).toEqual([]);
    expect(body.autoApprove).toEqual({ threshold: 0.9 });
  });
});

describe('labelOf', () => {
  it.each([
    ['modelName', 'Model name'],
    ['datasetVersion', 'Dataset version'],
    ['target', 'Target'],
  ])('%s → %s', (name, label) => {
    expect(labelOf(name)).toBe(label);
  });
});
