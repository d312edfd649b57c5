/** The ONNX fixtures: real skl2onnx exports with scikit-learn's own outputs for their rows. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURE_NAMES = [
  'iris_logreg_zipmap',
  'tenure_mixed_inputs',
  'diabetes_linear',
  'digits_logreg_tensor',
  'breast_cancer_gbdt',
] as const;
export type FixtureName = (typeof FIXTURE_NAMES)[number];

export interface Fixture {
  readonly bytes: Buffer;
  readonly rows: unknown[];
  readonly expected: { predict: (number | string)[]; predict_proba?: number[][] };
}

export function fixture(name: FixtureName): Fixture {
  const directory = fileURLToPath(new URL('../fixtures/onnx/', import.meta.url));
  const { rows, expected } = JSON.parse(readFileSync(`${directory}${name}.json`, 'utf8'));
  return { bytes: readFileSync(`${directory}${name}.onnx`), rows, expected };
}
