import { describe, expect, it } from 'vitest';
import { planChunks } from '../../../../functions/core/batch/chunk-plan.ts';
import { type BatchModel, runChunk } from '../../../../functions/core/batch/chunk-runner.ts';
import type { OutputSpec } from '../../../../functions/core/batch/output-format.ts';
import { instanceMapping } from '../../../../functions/core/batch/row-instances.ts';
import { UnprocessableError } from '../../../../functions/core/errors.ts';
import { feedsFromInstances } from '../../../../functions/core/inference/instances.ts';
import type { TensorInfo } from '../../../../functions/core/inference/onnx-graph.ts';

const encoder = new TextEncoder();
async function* bytesOf(text: string, size = 5): AsyncGenerator<Uint8Array> {
  const bytes = encoder.encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const vectorInput: TensorInfo = { name: 'X', isTensor: true, type: 'float32', shape: ['N', 2] };
const namedInputs: TensorInfo[] = [
  { name: 'tenure', isTensor: true, type: 'float32', shape: ['N', 1] },
  { name: 'contract', isTensor: true, type: 'string', shape: ['N', 1] },
];

/** A classifier stand-in: the same input checks as the endpoint, then label 1 when x0 + x1 > 0. */
function vectorModel(calls: number[] = []): BatchModel {
  return {
    inputs: [vectorInput],
    classLabels: [0, 1],
    check: (instance) => feedsFromInstances([instance], [vectorInput], [], ['X']),
    async predict(instances) {
      calls.push(instances.length);
      const feeds = feedsFromInstances(instances, [vectorInput], [], ['X']);
      const data = feeds.X?.data as Float32Array;
      const predictions = [];
      const probabilities = [];
      for (let r = 0; r < instances.length; r += 1) {
        const sum = (data[2 * r] as number) + (data[2 * r + 1] as number);
        predictions.push(sum > 0 ? 1 : 0);
        probabilities.push(sum > 0 ? [0.25, 0.75] : [0.75, 0.25]);
      }
      return { predictions, probabilities, classLabels: [0, 1] };
    },
  };
}

const csvSpec: OutputSpec = { format: 'csv', passthrough: ['id'], probabilities: true };

async function runCsv(text: string, model: BatchModel, spec: OutputSpec = csvSpec, batchSize?: number) {
  const plan = await planChunks(bytesOf(text), { format: 'csv', targetChunkBytes: 1 << 20 });
  const chunk = plan.chunks[0];
  if (chunk === undefined || plan.header === undefined) throw new Error('no chunk');
  const body = bytesOf(text.slice(plan.dataStart));
  return runChunk(body, chunk, {
    format: 'csv',
    header: plan.header,
    mapping: instanceMapping(model.inputs, plan.header, { passthrough: spec.passthrough }),
    model,
    output: spec,
    modelVersion: 3,
    writeHeader: true,
    ...(batchSize === undefined ? {} : { batchSize }),
  });
}

describe('runChunk', () => {
  it('predicts every row in order with the id passed through, probabilities and the model version', async () => {
    // Act
    const result = await runCsv('id,a,b\nr1,1,2\nr2,-3,1\n"r,3",0.5,\n', vectorModel());

    // Assess
    expect(result).toEqual({
      rows: 3,
      predicted: 3,
      errors: [],
      output:
        'id,prediction,probability_0,probability_1,model_version\n' +
        'r1,1,0.25,0.75,3\nr2,0,0.75,0.25,3\n"r,3",0,0.75,0.25,3\n',
    });
  });

  it('writes refused rows to the errors with file row, line, field and reason, and predicts the rest of their batch', async () => {
    // Prepare: row 2 has text in a numeric column, row 4 a quoted line break, row 5 too few fields.
    const text = 'id,a,b\nr1,1,2\nr2,abc,1\nr3,1,1\n"r\n4",inf,1\nr5,1\nr6,2,2\n';
    const calls: number[] = [];

    // Act
    const result = await runCsv(text, vectorModel(calls));

    // Assess
    expect(result.rows).toBe(6);
    expect(result.predicted).toBe(3);
    expect(result.errors).toEqual([
      {
        row: 2,
        line: 3,
        field: 'X[0]',
        reason: 'expected a finite number (or null for a missing value), got a string ("abc")',
      },
      {
        row: 4,
        line: 5,
        field: 'X[0]',
        reason: 'expected a finite number, got "inf" (send null for a missing value)',
      },
      { row: 5, line: 7, field: 'record', reason: 'expected 3 fields, got 2' },
    ]);
    expect(
      result.output
        .split('\n')
        .slice(1, -1)
        .map((line) => line.split(',')[0]),
    ).toEqual(['r1', 'r3', 'r6']);
    // One call refused, then the good rows in one call.
    expect(calls).toEqual([5, 3]);
  });

  it('drops a row whose answer the model refuses (a NaN output), after its inputs passed, and predicts the rest', async () => {
    // Prepare: row r3's inputs are fine, but the model cannot answer it.
    const base = vectorModel();
    const model: BatchModel = {
      ...base,
      async predict(instances) {
        const at = instances.findIndex((instance) => (instance as number[])[0] === 999);
        if (at >= 0) {
          throw new UnprocessableError(`Row ${at + 1}, label: the model answered NaN`, {
            row: at + 1,
            field: 'label',
          });
        }
        return base.predict(instances);
      },
    };

    // Act
    const result = await runCsv('id,a,b\nr1,1,1\nr2,abc,1\nr3,999,1\nr4,2,2\n', model);

    // Assess
    expect(result.errors.map((e) => [e.row, e.field, e.reason])).toEqual([
      [2, 'X[0]', 'expected a finite number (or null for a missing value), got a string ("abc")'],
      [3, 'label', 'the model answered NaN'],
    ]);
    expect(
      result.output
        .split('\n')
        .slice(1, -1)
        .map((line) => line.split(',')[0]),
    ).toEqual(['r1', 'r4']);
  });

  it('refuses an empty field where the model does not declare it handles missing values, as predict does', async () => {
    // Prepare
    const strict: BatchModel = {
      inputs: [vectorInput],
      check: (instance) => feedsFromInstances([instance], [vectorInput]),
      predict: async (instances) => {
        feedsFromInstances(instances, [vectorInput]);
        return { predictions: instances.map(() => 0) };
      },
    };

    // Act
    const result = await runCsv('id,a,b\nr1,1,\nr2,1,1\n', strict, { ...csvSpec, probabilities: false });

    // Assess
    expect(result.errors).toEqual([
      expect.objectContaining({
        row: 1,
        field: 'X[1]',
        reason: expect.stringMatching(/missing value \(null\) is not allowed/),
      }),
    ]);
    expect(result.predicted).toBe(1);
  });

  it('runs the model in batches of at most the row limit', async () => {
    // Prepare
    const rows = Array.from({ length: 25 }, (_, i) => `${i},${i},1`).join('\n');
    const calls: number[] = [];

    // Act
    const result = await runCsv(`id,a,b\n${rows}\n`, vectorModel(calls), csvSpec, 10);

    // Assess
    expect(calls).toEqual([10, 10, 5]);
    expect(result.predicted).toBe(25);
  });

  it('fails the chunk when the model itself fails', async () => {
    // Prepare
    const broken: BatchModel = {
      ...vectorModel(),
      predict: async () => {
        throw new UnprocessableError('The model failed on this input: bad shape');
      },
    };

    // Act / Assess
    await expect(runCsv('id,a,b\nr1,1,2\n', broken)).rejects.toThrow(/model failed/);
  });

  it('reads JSON Lines by input name and writes JSON Lines, numbering rows past blank lines', async () => {
    // Prepare
    const seen: unknown[] = [];
    const model: BatchModel = {
      inputs: namedInputs,
      check: (instance) => feedsFromInstances([instance], namedInputs, [], ['tenure', 'contract']),
      async predict(instances) {
        feedsFromInstances(instances, namedInputs, [], ['tenure', 'contract']);
        seen.push(...instances);
        return { predictions: instances.map((_, i) => i * 10) };
      },
    };
    const text =
      '{"id":7,"tenure":2,"contract":"monthly"}\n\nnot json\n{"id":8,"tenure":null,"contract":"yearly"}\n';
    const spec: OutputSpec = { format: 'jsonl', passthrough: ['id'], probabilities: false };

    // Act
    const result = await runChunk(
      bytesOf(text),
      { firstRow: 1, firstLine: 1 },
      {
        format: 'jsonl',
        mapping: instanceMapping(namedInputs, undefined, { passthrough: ['id'] }),
        model,
        output: spec,
        modelVersion: 2,
        writeHeader: true,
      },
    );

    // Assess
    expect(seen).toEqual([
      { tenure: 2, contract: 'monthly' },
      { tenure: null, contract: 'yearly' },
    ]);
    expect(result.output).toBe(
      '{"id":7,"prediction":0,"modelVersion":2}\n{"id":8,"prediction":10,"modelVersion":2}\n',
    );
    expect(result.errors).toEqual([
      expect.objectContaining({
        row: 2,
        line: 3,
        field: 'record',
        reason: expect.stringMatching(/^not valid JSON/),
      }),
    ]);
  });
});

describe('instanceMapping', () => {
  it('converts CSV text by input type: numbers, missing tokens as null, other text kept for the core to refuse', () => {
    // Act
    const mapping = instanceMapping(namedInputs, ['contract', 'id', 'tenure'], { passthrough: ['id'] });

    // Assess
    expect(mapping.fromCsv(['yearly', '1', ' 12.5 '])).toEqual({ tenure: 12.5, contract: 'yearly' });
    expect(mapping.fromCsv(['', '1', 'NA'])).toEqual({ tenure: null, contract: null });
    expect(mapping.fromCsv(['x', '1', '0x10'])).toEqual({ tenure: '0x10', contract: 'x' });
  });

  it('refuses a file that cannot feed the model, naming what is missing', () => {
    // Act / Assess
    expect(() => instanceMapping(namedInputs, ['id', 'tenure'], { passthrough: [] })).toThrow(
      /no column "contract"/,
    );
    expect(() => instanceMapping([vectorInput], ['id', 'a', 'b', 'c'], { passthrough: ['id'] })).toThrow(
      /takes 2 features per row; the input gives 3/,
    );
    expect(() => instanceMapping([vectorInput], ['a', 'b'], { passthrough: ['id'] })).toThrow(
      /no column "id" to pass through/,
    );
  });
});
