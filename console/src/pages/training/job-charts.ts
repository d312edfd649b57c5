/**
 * A training job's records as the job page draws them: the candidates compared (one bar each, the
 * cross-validation spread as an interval), the chosen classifier's confusion matrix (one cell per
 * actual × predicted class) and the chosen regressor's residuals (predicted against actual). Pure:
 * the page hands these rows to the chart marks and to the tables beside them.
 */

export const FINISHED_STATUSES: readonly string[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/** Whether a job is done moving (no more polling). */
export const isFinished = (status: string) => FINISHED_STATUSES.includes(status);

/** Metrics where a lower value is the better one (the others: higher is better). */
const LOWER_IS_BETTER: readonly string[] = ['log_loss', 'rmse', 'mae'];

export const lowerIsBetter = (metric: string) => LOWER_IS_BETTER.includes(metric);

export interface CandidateLike {
  readonly algorithm: string;
  readonly hyperParameters: Readonly<Record<string, number>>;
  readonly score: number;
  readonly trainingMs: number;
  readonly crossValidation?: { readonly std: number; readonly standardError: number } | undefined;
}

export interface CandidateBar {
  /** Algorithm and hyper-parameters, unique within the job: the bar's label. */
  readonly label: string;
  readonly algorithm: string;
  readonly score: number;
  /** Mean ± one standard deviation of the fold scores; absent on a hold-out. */
  readonly low?: number;
  readonly high?: number;
  readonly chosen: boolean;
}

/** `gradient-boosting learningRate=0.1 maxLeaves=31`, parameters sorted by name. */
export function candidateLabel(candidate: Pick<CandidateLike, 'algorithm' | 'hyperParameters'>): string {
  const parameters = Object.entries(candidate.hyperParameters)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${value}`);
  return [candidate.algorithm, ...parameters].join(' ');
}

/**
 * The chosen record is its candidate's copy with the refit's hyper-parameters (resolved defaults,
 * boosting rounds), so it is matched by what the copy keeps: algorithm, score and training time.
 */
function sameCandidate(a: CandidateLike, b: CandidateLike): boolean {
  return a.algorithm === b.algorithm && a.score === b.score && a.trainingMs === b.trainingMs;
}

/**
 * One bar per candidate, best first, the chosen one marked.
 *
 * @example
 * candidateBars(job.candidates ?? [], job.chosen, job.resolved?.metric ?? 'accuracy');
 */
export function candidateBars(
  candidates: readonly CandidateLike[],
  chosen: CandidateLike | undefined,
  metric: string,
): CandidateBar[] {
  const direction = lowerIsBetter(metric) ? 1 : -1;
  const seen = new Map<string, number>();
  return [...candidates]
    .sort((a, b) => direction * (a.score - b.score))
    .map((candidate) => {
      const base = candidateLabel(candidate);
      const repeat = seen.get(base) ?? 0;
      seen.set(base, repeat + 1);
      const spread = candidate.crossValidation?.std;
      return {
        label: repeat === 0 ? base : `${base} (${repeat + 1})`,
        algorithm: candidate.algorithm,
        score: candidate.score,
        ...(spread === undefined ? {} : { low: candidate.score - spread, high: candidate.score + spread }),
        chosen: chosen !== undefined && sameCandidate(candidate, chosen),
      };
    });
}

export interface ConfusionCell {
  readonly actual: string;
  readonly predicted: string;
  readonly count: number;
  /** Of the actual class's rows, the share predicted as `predicted` (0 for a class with no rows). */
  readonly share: number;
}

/**
 * The confusion matrix (rows: actual class, columns: predicted) as cells, named by the version's
 * class labels when known, else by class index.
 */
export function confusionCells(
  matrix: readonly (readonly number[])[],
  labels?: readonly (string | number)[],
): ConfusionCell[] {
  const name = (index: number) => String(labels?.[index] ?? index);
  return matrix.flatMap((row, actual) => {
    const total = row.reduce((sum, count) => sum + count, 0);
    return row.map((count, predicted) => ({
      actual: name(actual),
      predicted: name(predicted),
      count,
      share: total === 0 ? 0 : count / total,
    }));
  });
}

/** The matrix a job's metrics hold, when they hold one (classification). */
export function confusionMatrixOf(
  metrics: Readonly<Record<string, unknown>> | undefined,
): number[][] | undefined {
  const matrix = metrics?.confusion_matrix;
  if (!Array.isArray(matrix) || !matrix.every((row) => Array.isArray(row))) return undefined;
  return matrix as number[][];
}

export interface ResidualPoint {
  readonly actual: number;
  readonly predicted: number;
  /** actual − predicted */
  readonly residual: number;
}

export function residualPoints(
  residuals: { readonly actual: readonly number[]; readonly predicted: readonly number[] } | undefined,
): ResidualPoint[] {
  if (residuals === undefined) return [];
  return residuals.actual.map((actual, i) => {
    const predicted = residuals.predicted[i] ?? Number.NaN;
    return { actual, predicted, residual: actual - predicted };
  });
}

/** The numeric metrics of a record, for tables and the metric picker (the matrix left out). */
export function numericMetrics(metrics: Readonly<Record<string, unknown>> | undefined): [string, number][] {
  return Object.entries(metrics ?? {}).filter(
    (entry): entry is [string, number] => typeof entry[1] === 'number',
  );
}
