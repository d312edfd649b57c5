import { describe, expect, it } from 'vitest';
import { FormValueError, instanceFrom, predictFormFor } from '../../../console/src/predict-form.ts';

describe('predictFormFor', () => {
  it('makes one field per column of a single [batch, n] tensor, sent as an array', () => {
    const form = predictFormFor({
      kind: 'classifier',
      inputs: [{ name: 'X', type: 'float32', shape: [null, 3] }],
      outputs: [],
    });
    expect(form).toMatchObject({ layout: 'array' });
    expect(instanceFrom(form, { 'X[0]': '1.5', 'X[1]': '', 'X[2]': '-2' })).toEqual([1.5, null, -2]);
  });

  it('makes one field per named input, typed by its element type, sent as an object', () => {
    const form = predictFormFor({
      kind: 'classifier',
      inputs: [
        { name: 'tenure_months', type: 'float32', shape: [null, 1] },
        { name: 'contract', type: 'string', shape: [null, 1] },
        { name: 'seats', type: 'int64', shape: [null, 1] },
      ],
      outputs: [],
    });
    expect(form.layout === 'object' && form.fields.map((f) => f.kind)).toEqual(['number', 'text', 'integer']);
    expect(instanceFrom(form, { tenure_months: '12', contract: 'monthly', seats: '3' })).toEqual({
      tenure_months: 12,
      contract: 'monthly',
      seats: 3,
    });
    expect(() => instanceFrom(form, { seats: '2.5' })).toThrow(FormValueError);
    expect(() => instanceFrom(form, { tenure_months: 'twelve' })).toThrow(/not a number/);
  });

  it('says why a signature cannot be a form', () => {
    expect(
      predictFormFor({
        kind: 'other',
        inputs: [{ name: 'image', type: 'float32', shape: [null, 3, 224, 224] }],
        outputs: [],
      }),
    ).toMatchObject({ layout: 'unsupported' });
    expect(
      predictFormFor({
        kind: 'other',
        inputs: [{ name: 'm', type: 'map(int64,float)', shape: null }],
        outputs: [],
      }),
    ).toMatchObject({
      layout: 'unsupported',
    });
  });
});
