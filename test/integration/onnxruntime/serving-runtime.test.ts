/** The parity check's runtime takes validation sets larger than one prediction request. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { onnxServingRuntime } from '../../../functions/adapters/onnxruntime/serving-runtime.ts';
import { MAX_INSTANCES } from '../../../functions/core/inference/instances.ts';

describe('onnxServingRuntime', () => {
  it('predicts more rows than one request may carry, in batches, in order', async () => {
    const onnx = readFileSync(new URL('../../fixtures/onnx/iris_logreg_zipmap.onnx', import.meta.url));
    const setosa = [5.1, 3.5, 1.4, 0.2];
    const virginica = [6.7, 3.0, 5.2, 2.3];
    const rows = Array.from({ length: MAX_INSTANCES * 2 + 5 }, (_, i) => (i % 2 === 0 ? setosa : virginica));
    const result = await onnxServingRuntime.predict(onnx, rows as never);
    expect(result.predictions).toHaveLength(rows.length);
    expect(result.probabilities).toHaveLength(rows.length);
    expect(result.predictions.slice(0, 4)).toEqual([0, 2, 0, 2]);
    expect(result.predictions.at(-1)).toBe(0);
  });
});
