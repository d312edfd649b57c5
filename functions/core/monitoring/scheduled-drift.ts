/**
 * The scheduled drift run: every model whose owner turned capture on → the versions it serves (its
 * newest and those its aliases route to) → a drift report over the last 24 h → recorded as a
 * SUCCEEDED run beside the requested ones, so owners can see how drift moved over time
 * (`GET /v1/models/{name}/versions/{version}/drift-reports`). Versions without a
 * baseline (uploaded files) are skipped; one model's failure does not stop the others.
 */
import type { Principal } from '../auth/principal.ts';
import { UnprocessableError } from '../errors.ts';
import type { ModelRecord } from '../registry/model-records.ts';
import type { ModelRepository } from '../registry/ports.ts';
import { type DriftDeps, type DriftReport, driftReport } from './drift-report.ts';
import { type DriftReportStore, driftReportId } from './drift-report-runs.ts';

/** The scheduler reads every model: it acts as an admin, and only ever reads and records reports. */
const SCHEDULER: Principal = {
  userId: 'scheduler',
  username: 'drift-scheduler',
  role: 'admin',
  via: 'token',
  scope: 'full',
};

export function servedVersions(model: ModelRecord): number[] {
  const versions = new Set<number>();
  if (model.latestVersion > 0) versions.add(model.latestVersion);
  for (const alias of Object.values(model.aliases))
    for (const route of alias.routes) versions.add(route.version);
  return [...versions].sort((a, b) => a - b);
}

export async function recordDriftReports(
  deps: DriftDeps & {
    readonly models: Pick<ModelRepository, 'get' | 'list'>;
    readonly reports: Pick<DriftReportStore, 'create'>;
    readonly now: () => Date;
    readonly onError?: (model: string, error: unknown) => void;
  },
): Promise<{ models: number; reports: number }> {
  let models = 0;
  let reports = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.models.list({}, { limit: 100, ...(cursor === undefined ? {} : { cursor }) });
    for (const model of page.items) {
      if (model.capture === undefined) continue;
      models += 1;
      for (const version of servedVersions(model)) {
        try {
          const now = deps.now();
          const report = await driftReport(SCHEDULER, model.name, { version }, deps, now);
          const at = now.toISOString();
          await deps.reports.create({
            reportId: driftReportId(now),
            model: model.name,
            version,
            trigger: 'schedule',
            status: 'SUCCEEDED',
            requestedBy: SCHEDULER.userId,
            requestedAt: at,
            completedAt: at,
            from: report.from,
            to: report.to,
            report,
          });
          reports += 1;
        } catch (error) {
          if (error instanceof UnprocessableError) continue; // no baseline: nothing to compare with
          deps.onError?.(model.name, error);
        }
      }
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return { models, reports };
}

export interface DriftVerdictRecord {
  readonly recordedAt: string;
  readonly from: string;
  readonly to: string;
  readonly verdict: DriftReport['verdict'];
  readonly driftedFeatures: readonly string[];
  readonly rows: number;
}

/** How many recorded verdicts a live report carries. */
export const HISTORY_LENGTH = 24;

/**
 * The live drift report of a version, with the verdicts the schedule recorded for it (newest
 * first), so one call shows the window asked for and the trend. Access as `driftReport`.
 */
export async function driftWithHistory(
  principal: Principal,
  name: string,
  query: { readonly version?: number; readonly from?: Date; readonly to?: Date },
  deps: DriftDeps & { readonly reports: Pick<DriftReportStore, 'latestSucceeded'> },
  now: Date = new Date(),
): Promise<DriftReport & { history: DriftVerdictRecord[] }> {
  const report = await driftReport(principal, name, query, deps, now);
  const recorded = await deps.reports.latestSucceeded(name, report.version, HISTORY_LENGTH);
  return {
    ...report,
    history: recorded.flatMap(({ report: r, completedAt, requestedAt }) =>
      r === undefined
        ? []
        : [
            {
              recordedAt: completedAt ?? requestedAt,
              from: r.from,
              to: r.to,
              verdict: r.verdict,
              driftedFeatures: r.driftedFeatures,
              rows: r.rows,
            },
          ],
    ),
  };
}
