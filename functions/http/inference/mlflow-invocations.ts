import { parseCsvTable } from '#core/inference/csv-table.ts';
import { invokeMlflow, type MlflowRequest } from '#core/inference/mlflow-scoring.ts';
import { httpHandler } from '../lib/http-handler.ts';
import { routes } from '../routes.ts';
import { predictDeps } from './inference-deps.ts';

/** A CSV body arrives as bytes: a table with a header row, as MLflow reads it with pandas. */
function csvRequest(bytes: Uint8Array): MlflowRequest {
  const { columns, rows } = parseCsvTable(new TextDecoder().decode(bytes));
  return { dataframe_split: { columns, data: rows } };
}

export const handler = httpHandler(
  routes.mlflowInvocations,
  async ({ principal, params, query, body, binary }) => {
    const request = binary === undefined ? (body as MlflowRequest) : csvRequest(binary);
    const result = await invokeMlflow(principal, params.name, query, request, predictDeps);
    return {
      status: 200,
      body: { predictions: result.predictions },
      headers: { 'x-model-version': String(result.version) },
    };
  },
);
