/**
 * MLflow's scoring protocol (`mlflow models serve`'s /invocations): a request in one of its four
 * JSON shapes, or a CSV table, becomes the platform's rows, which the real-time predict core runs;
 * the answer is `{"predictions": [...]}`, one per row, as MLflow's scikit-learn flavor answers.
 *
 * Tabular rows meet the model as MLflow's ONNX flavor feeds a DataFrame: a model with named inputs
 * takes each column as the input of that name; a model with a single input takes each row's values
 * in column order (DataFrame.values).
 */
import type { Principal } from '../auth/principal.ts';
import { ValidationError } from '../errors.ts';
import { resolveServingVersion } from '../registry/aliases.ts';
import type { PredictDeps, Selector } from './predict.ts';

type Row = Readonly<Record<string, unknown>> | readonly unknown[] | unknown;
/** Columns as `{name: [value per row]}` (TF Serving's columnar format). */
type Columns = Readonly<Record<string, readonly unknown[]>>;

export type MlflowRequest =
  | {
      readonly dataframe_split: {
        readonly columns?: readonly string[];
        readonly data: readonly (readonly unknown[])[];
        readonly index?: readonly unknown[];
      };
    }
  | { readonly dataframe_records: readonly Readonly<Record<string, unknown>>[] }
  | { readonly instances: readonly Row[] | Columns }
  | { readonly inputs: readonly Row[] | Columns };

export interface MlflowPrediction {
  readonly predictions: readonly unknown[];
  /** Not in MLflow's answer body: the handler sends it as the `x-model-version` header. */
  readonly version: number;
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError(`${field}: ${message}`, [{ field, message }]);
}

function rowsFromColumns(columns: Columns, field: string): Record<string, unknown>[] {
  const names = Object.keys(columns);
  if (names.length === 0) throw invalid(field, 'give at least one column');
  const length = columns[names[0] as string]?.length ?? 0;
  for (const name of names) {
    const values = columns[name];
    if (!Array.isArray(values))
      throw invalid(`${field}.${name}`, 'a column is an array of one value per row');
    if (values.length !== length) {
      throw invalid(`${field}.${name}`, `has ${values.length} values; column ${names[0]} has ${length}`);
    }
  }
  return Array.from({ length }, (_, i) =>
    Object.fromEntries(names.map((name) => [name, columns[name]?.[i]])),
  );
}

/** The request's rows, objects keyed by column where the request names columns. */
export function rowsOfMlflowRequest(request: MlflowRequest): unknown[] {
  if ('dataframe_split' in request) {
    const { columns, data } = request.dataframe_split;
    if (columns === undefined) return data.map((row) => [...row]);
    return data.map((row, i) => {
      if (row.length !== columns.length) {
        throw invalid(`dataframe_split.data[${i}]`, `has ${row.length} values for ${columns.length} columns`);
      }
      return Object.fromEntries(columns.map((name, j) => [name, row[j]]));
    });
  }
  if ('dataframe_records' in request) return [...request.dataframe_records];
  const [field, value] =
    'instances' in request ? ['instances', request.instances] : ['inputs', request.inputs];
  return Array.isArray(value) ? [...value] : rowsFromColumns(value as Columns, field);
}

/** Rows keyed by column, for a model of one input that is not among the columns: the values in column order. */
export function alignRowsToInputs(
  rows: readonly unknown[],
  inputs: readonly { readonly name: string }[],
): unknown[] {
  const [only, ...others] = inputs;
  if (only === undefined || others.length > 0) return [...rows];
  return rows.map((row) =>
    row !== null && typeof row === 'object' && !Array.isArray(row) && !(only.name in row)
      ? Object.values(row)
      : row,
  );
}

/**
 * The version is resolved once (a split alias picks one version for the whole request), its rows
 * aligned to its inputs, then run by the same model runner as POST /v1/models/{name}/predict.
 * @throws ValidationError for a malformed request; the predict core's errors (404, 422 naming the row) otherwise.
 * @example
 * await invokeMlflow(principal, 'iris', {}, { dataframe_split: { columns: ['a', 'b'], data: [[1, 2]] } }, deps);
 * // { predictions: ['setosa'], version: 3 }
 */
export async function invokeMlflow(
  principal: Principal,
  name: string,
  selector: Selector,
  request: MlflowRequest,
  deps: PredictDeps,
): Promise<MlflowPrediction> {
  const rows = rowsOfMlflowRequest(request);
  if (rows.length === 0) throw invalid('body', 'give at least one row');
  const choice = await resolveServingVersion(principal, name, selector, deps);
  const instances = alignRowsToInputs(rows, choice.version.signature.inputs);
  const result = await deps.runner.predict(choice.version, instances);
  return { predictions: result.predictions, version: choice.version.version };
}
