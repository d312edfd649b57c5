/**
 * Fitted models as JSON for the workflow's working files: typed arrays (weights, tree nodes) are
 * written as `{ "$typed": "Float32Array", "data": [...] }` and restored as the same array type, so
 * float32 thresholds and int32 node links come back bit for bit. JSON has no NaN or Infinity (a
 * tree's missing-versus-present split has an infinite threshold), so those travel as strings.
 */
import type { FittedModel } from './model-contracts.ts';

const TYPED = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint8Array,
} as const;
type TypedName = keyof typeof TYPED;

export function encodeModel(model: FittedModel): string {
  return JSON.stringify(model, (_key, value: unknown) => {
    for (const name of Object.keys(TYPED) as TypedName[]) {
      if (value instanceof TYPED[name]) {
        const data = Array.from(value as ArrayLike<number>, (n) => (Number.isFinite(n) ? n : String(n)));
        return { $typed: name, data };
      }
    }
    return value;
  });
}

export function decodeModel(text: string): FittedModel {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && '$typed' in value && 'data' in value) {
      const { $typed, data } = value as { $typed: TypedName; data: (number | string)[] };
      const Constructor = TYPED[$typed];
      if (Constructor !== undefined) return Constructor.from(data.map(Number));
    }
    return value;
  }) as FittedModel;
}
