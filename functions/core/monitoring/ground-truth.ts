/**
 * Ground truth: callers send what really happened for requests they predicted on
 * (`[{requestId, actual}]`), and the live metric of each version is computed by joining that
 * feedback with the predictions capture kept (same request id). Only captured requests can be
 * joined, so the metric is over the capture sample. A repeated request id overwrites its record,
 * unless the stored one was received later (a delayed retry never undoes a correction).
 */
import { requireAccess } from '../auth/access-rules.ts';
import type { Principal } from '../auth/principal.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { notFound } from '../registry/models.ts';
import type { ModelRepository } from '../registry/ports.ts';
import type { CaptureReader } from './drift-report.ts';
import { type LabelledPair, type LiveMetricName, liveMetric } from './live-metric.ts';
import { servedVersions } from './scheduled-drift.ts';

export type ActualValue = string | number | boolean;

export interface FeedbackRecord {
  readonly model: string;
  readonly requestId: string;
  /** One value per row of the request (a single-row request may send a scalar). */
  readonly actual: ActualValue | readonly ActualValue[];
  readonly receivedAt: string;
  readonly receivedFrom: string;
}

export interface FeedbackStore {
  /** Writes each record unless the stored one for its request id was received later. */
  save(records: readonly FeedbackRecord[]): Promise<void>;
  /** The records of these request ids that exist. */
  get(model: string, requestIds: readonly string[]): Promise<FeedbackRecord[]>;
}

export async function recordFeedback(
  principal: Principal,
  name: string,
  items: readonly { readonly requestId: string; readonly actual: FeedbackRecord['actual'] }[],
  deps: { readonly models: Pick<ModelRepository, 'get'>; readonly feedback: FeedbackStore },
  now: Date = new Date(),
): Promise<{ model: string; recorded: number }> {
  requireAccess(principal, await deps.models.get(name), 'predict', notFound(name));
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.requestId)) {
      const message = `requestId ${item.requestId} appears more than once in the batch.`;
      throw new ValidationError(message, [{ field: `body[${index}].requestId`, message }]);
    }
    seen.add(item.requestId);
  });
  const receivedAt = now.toISOString();
  await deps.feedback.save(
    items.map((item) => ({
      model: name,
      requestId: item.requestId,
      actual: item.actual,
      receivedAt,
      receivedFrom: principal.userId,
    })),
  );
  return { model: name, recorded: items.length };
}

export interface VersionLiveMetric {
  readonly version: number;
  readonly metric: LiveMetricName;
  readonly value: number | null;
  /** Rows with both a captured prediction and an actual value. */
  readonly labelledRows: number;
  /** Captured requests in the window, and those with feedback. */
  readonly capturedRequests: number;
  readonly requestsWithFeedback: number;
  /** The metric of the same name recorded at training, if any. */
  readonly trainingValue: number | null;
}

export interface LiveMetrics {
  readonly model: string;
  readonly from: string;
  readonly to: string;
  readonly versions: readonly VersionLiveMetric[];
}

const DEFAULT_WINDOW_MS = 86_400_000;
const MAX_WINDOW_MS = 7 * 86_400_000;
/** Request ids looked up per feedback read. */
const LOOKUP_BATCH = 100;

function predictionsOf(outputs: unknown): readonly unknown[] | undefined {
  const predictions = (outputs as { predictions?: unknown } | null)?.predictions;
  return Array.isArray(predictions) ? predictions : undefined;
}

function pairsOf(predictions: readonly unknown[], actual: FeedbackRecord['actual']): LabelledPair[] {
  if (!Array.isArray(actual)) return predictions.length === 1 ? [{ predicted: predictions[0], actual }] : [];
  // A count that does not match the request's rows cannot be lined up: left out, not guessed.
  if (actual.length !== predictions.length) return [];
  return predictions.map((predicted, i) => ({ predicted, actual: actual[i] }));
}

function trainingValueOf(metrics: Readonly<Record<string, unknown>>, metric: LiveMetricName): number | null {
  const value = metrics[metric];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * Accuracy (classification) or R² (regression) of each version over a window (default the last
 * 24 h, at most 7 days): every served version, or the one asked for. Whoever may read the model.
 */
export async function liveMetrics(
  principal: Principal,
  name: string,
  query: { readonly version?: number; readonly from?: Date; readonly to?: Date },
  deps: {
    readonly models: Pick<ModelRepository, 'get'>;
    readonly versions: {
      get(
        model: string,
        version: number,
      ): Promise<{ metrics: Readonly<Record<string, unknown>> } | undefined>;
    };
    readonly captures: CaptureReader;
    readonly feedback: FeedbackStore;
  },
  now: Date = new Date(),
): Promise<LiveMetrics> {
  const model = requireAccess(principal, await deps.models.get(name), 'read', notFound(name));
  const to = query.to ?? now;
  const from = query.from ?? new Date(to.getTime() - DEFAULT_WINDOW_MS);
  if (!(to > from)) {
    const message = '`to` must be after `from`.';
    throw new ValidationError(message, [{ field: 'query.to', message }]);
  }
  if (to.getTime() - from.getTime() > MAX_WINDOW_MS) {
    const message = 'Live metrics cover at most 7 days; narrow from/to.';
    throw new ValidationError(message, [{ field: 'query.from', message }]);
  }
  if (model.task === 'other') {
    return { model: name, from: from.toISOString(), to: to.toISOString(), versions: [] };
  }
  const metric: LiveMetricName = model.task === 'classification' ? 'accuracy' : 'r2';
  const versionNumbers = query.version === undefined ? servedVersions(model) : [query.version];
  const versions: VersionLiveMetric[] = [];
  for (const versionNumber of versionNumbers) {
    const version = await deps.versions.get(name, versionNumber);
    if (version === undefined) throw new NotFoundError(`Model ${name} has no version ${versionNumber}.`);
    const predicted = new Map<string, readonly unknown[]>();
    for await (const record of deps.captures.list(name, versionNumber, from, to)) {
      const predictions = predictionsOf(record.outputs);
      if (predictions !== undefined) predicted.set(record.requestId, predictions);
    }
    const ids = [...predicted.keys()];
    const pairs: LabelledPair[] = [];
    let requestsWithFeedback = 0;
    for (let start = 0; start < ids.length; start += LOOKUP_BATCH) {
      for (const feedback of await deps.feedback.get(name, ids.slice(start, start + LOOKUP_BATCH))) {
        const predictions = predicted.get(feedback.requestId);
        if (predictions === undefined) continue;
        requestsWithFeedback += 1;
        pairs.push(...pairsOf(predictions, feedback.actual));
      }
    }
    versions.push({
      version: versionNumber,
      metric,
      value: liveMetric(metric, pairs),
      labelledRows: pairs.length,
      capturedRequests: predicted.size,
      requestsWithFeedback,
      trainingValue: trainingValueOf(version.metrics, metric),
    });
  }
  return { model: name, from: from.toISOString(), to: to.toISOString(), versions };
}
