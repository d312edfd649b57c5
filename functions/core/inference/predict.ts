/**
 * Prediction use cases, for the platform's own API and for the Open Inference Protocol (v2):
 * resolve which version answers (alias, split, version or default) → run it through the model
 * runner (cached sessions) → shape the answer.
 */
import type { Principal } from '../auth/principal.ts';
import type { PredictionObserver } from '../monitoring/prediction-observation.ts';
import { resolveServingVersion, type ServingChoice, type ServingReads } from '../registry/aliases.ts';
import type { ServedArtifact } from '../registry/artifact-integrity.ts';
import type { ModelSignature } from './onnx-graph.ts';
import { modelMetadata } from './open-inference-protocol.ts';
import type { PredictionResult, V2OutputTensor } from './outputs.ts';
import type { PredictionCache } from './prediction-cache.ts';

/**
 * Runs a registered version's file, checked against the version's SHA-256 when it is loaded; the
 * implementation keeps sessions warm per container.
 */
export interface ModelRunner {
  predict(artifact: ServedArtifact, instances: unknown): Promise<PredictionResult>;
  infer(
    artifact: ServedArtifact,
    inputs: unknown,
    outputNames: readonly string[] | undefined,
  ): Promise<V2OutputTensor[]>;
  /** The signature as served (every output a tensor), loading the model if needed. */
  servedSignature(artifact: ServedArtifact): Promise<ModelSignature>;
}

export interface PredictDeps extends ServingReads {
  readonly runner: ModelRunner;
  /** The container's prediction cache, used for models whose owner turned it on. */
  readonly predictionCache?: PredictionCache;
}

export interface Selector {
  readonly version?: number;
  readonly alias?: string;
  readonly routingKey?: string;
}

export interface PredictionResponse extends PredictionResult {
  readonly model: string;
  readonly version: number;
  readonly alias?: string;
}

export async function predict(
  principal: Principal,
  name: string,
  selector: Selector,
  instances: unknown,
  deps: PredictDeps,
  observer?: PredictionObserver,
): Promise<PredictionResponse> {
  const choice = await resolveServingVersion(principal, name, selector, deps);
  observer?.chosen({
    version: choice.version.version,
    ...(choice.alias === undefined ? {} : { alias: choice.alias }),
    ...(choice.model.capture === undefined ? {} : { capture: choice.model.capture }),
  });
  const result = await answer(choice, instances, deps, observer);
  observer?.modelRan();
  return {
    model: name,
    version: choice.version.version,
    ...(choice.alias === undefined ? {} : { alias: choice.alias }),
    ...result,
  };
}

/** The cache key of a served version: its model, number and file, so no other file shares it. */
export function servedVersionKey(version: ServedArtifact): string {
  return `${version.modelName}@${version.version}#${version.sha256}`;
}

/** The version's answer, through the prediction cache when the model's owner turned it on. */
async function answer(
  choice: ServingChoice,
  instances: unknown,
  deps: PredictDeps,
  observer: PredictionObserver | undefined,
): Promise<PredictionResult> {
  const settings = choice.model.predictionCache;
  const cache = deps.predictionCache;
  if (settings?.enabled !== true || cache === undefined)
    return deps.runner.predict(choice.version, instances);
  const { result, hits, misses } = await cache.predict(
    servedVersionKey(choice.version),
    settings,
    instances,
    (rows) => deps.runner.predict(choice.version, rows),
  );
  observer?.cached?.({ hits, misses });
  return result;
}

export interface V2InferRequest {
  readonly id?: string;
  readonly inputs: unknown;
  readonly outputs?: readonly { name: string }[];
}

export async function inferV2(
  principal: Principal,
  name: string,
  selector: Selector,
  request: V2InferRequest,
  deps: PredictDeps,
  observer?: PredictionObserver,
): Promise<{ model_name: string; model_version: string; id?: string; outputs: V2OutputTensor[] }> {
  const choice = await resolveServingVersion(principal, name, selector, deps);
  observer?.chosen({
    version: choice.version.version,
    ...(choice.alias === undefined ? {} : { alias: choice.alias }),
    ...(choice.model.capture === undefined ? {} : { capture: choice.model.capture }),
  });
  const outputs = await deps.runner.infer(
    choice.version,
    request.inputs,
    request.outputs?.map((o) => o.name),
  );
  observer?.modelRan();
  return {
    model_name: name,
    model_version: String(choice.version.version),
    ...(request.id === undefined ? {} : { id: request.id }),
    outputs,
  };
}

/** v2 model metadata: the served signature of the version that would answer, and the model's versions. */
export async function describeModelV2(
  principal: Principal,
  name: string,
  selector: Selector,
  deps: PredictDeps,
) {
  const choice = await resolveServingVersion(principal, name, selector, deps);
  const signature = await deps.runner.servedSignature(choice.version);
  const versions =
    selector.version === undefined
      ? (await deps.versions.list(name, { limit: 100 })).items
          .filter((v) => v.status !== 'rejected')
          .map((v) => v.version)
      : [choice.version.version];
  return modelMetadata(name, versions, signature);
}

/** v2 readiness: the version resolves and its model loads (which warms the session for the next call). */
export async function modelReadyV2(
  principal: Principal,
  name: string,
  selector: Selector,
  deps: PredictDeps,
): Promise<ServingChoice> {
  const choice = await resolveServingVersion(principal, name, selector, deps);
  await deps.runner.servedSignature(choice.version);
  return choice;
}
