/**
 * Predict from an array of row objects: split into requests within the API's row and body limits,
 * sent one after another, answers joined in row order.
 */
import { type PlatformClient, type Schemas, unwrap } from './client.ts';

export type Prediction = Schemas['Prediction'];

/** The API's row limit per request (MAX_INSTANCES). */
export const MAX_ROWS_PER_REQUEST = 10_000;
/** Under the route's 6 MiB body limit, with room for the envelope. */
export const MAX_BODY_BYTES_PER_REQUEST = 5 * 1024 * 1024;

export interface PredictOptions {
  readonly version?: number;
  readonly alias?: string;
  readonly routingKey?: string;
  readonly maxRowsPerRequest?: number;
  readonly maxBodyBytesPerRequest?: number;
  /** After each request: rows answered so far of the total. */
  readonly onProgress?: (progress: { readonly doneRows: number; readonly totalRows: number }) => void;
}

/** Rows in order, cut where the next row would pass either limit. */
export function chunkRows<T>(rows: readonly T[], maxRows: number, maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const row of rows) {
    const rowBytes = Buffer.byteLength(JSON.stringify(row)) + 1;
    if (current.length > 0 && (current.length >= maxRows || bytes + rowBytes > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += rowBytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * @returns one answer for all rows: the model and version that answered (each chunk's must agree,
 * else the version changed midway and this throws), predictions and probabilities in row order.
 * @throws ApiError for a refused chunk; its detail names the row within that chunk.
 * @example
 * const { predictions } = await predictRows(client, 'iris', [{ sepal_length_cm: 5.1, … }]);
 */
export async function predictRows(
  client: PlatformClient,
  name: string,
  rows: readonly unknown[],
  options: PredictOptions = {},
): Promise<Prediction> {
  if (rows.length === 0) throw new RangeError('Give at least one row to predict.');
  const chunks = chunkRows(
    rows,
    options.maxRowsPerRequest ?? MAX_ROWS_PER_REQUEST,
    options.maxBodyBytesPerRequest ?? MAX_BODY_BYTES_PER_REQUEST,
  );
  const query = {
    ...(options.version === undefined ? {} : { version: options.version }),
    ...(options.alias === undefined ? {} : { alias: options.alias }),
  };
  let joined: Prediction | undefined;
  let doneRows = 0;
  for (const chunk of chunks) {
    const answer = unwrap(
      await client.api.POST('/v1/models/{name}/predict', {
        params: { path: { name }, query },
        body: {
          instances: chunk,
          ...(options.routingKey === undefined ? {} : { routingKey: options.routingKey }),
        },
      }),
    );
    if (joined === undefined) joined = { ...answer, predictions: [...answer.predictions] };
    else {
      if (answer.version !== joined.version) {
        throw new Error(
          `Version ${answer.version} answered rows ${doneRows + 1}… but version ${joined.version} the rows before; pin --version to predict with one.`,
        );
      }
      joined.predictions.push(...answer.predictions);
      if (joined.probabilities && answer.probabilities) joined.probabilities.push(...answer.probabilities);
    }
    doneRows += chunk.length;
    options.onProgress?.({ doneRows, totalRows: rows.length });
  }
  return joined as Prediction;
}
