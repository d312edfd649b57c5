/**
 * Recorded drift reports, the async job pattern: a request is checked (access, window, a version
 * with a baseline) → a PENDING run → the drift-reports workflow computes it → SUCCEEDED with the
 * report, or FAILED with a reason. The hourly schedule records its reports as runs too (SUCCEEDED
 * from the start), so a version's listing shows both, newest first. A finished run never changes.
 */
import { randomBytes } from 'node:crypto';
import { requireAccess } from '../auth/access-rules.ts';
import type { Principal } from '../auth/principal.ts';
import { NotFoundError } from '../errors.ts';
import type { Page, PageRequest } from '../pagination.ts';
import { notFound } from '../registry/models.ts';
import type { WorkflowStarter } from '../training/jobs.ts';
import {
  type CaptureReader,
  computeDriftReport,
  type DriftDeps,
  type DriftReport,
  driftSubject,
} from './drift-report.ts';

export type DriftRunStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';
export type DriftRunTrigger = 'schedule' | 'request';

export interface DriftReportRun {
  readonly reportId: string;
  readonly model: string;
  readonly version: number;
  readonly trigger: DriftRunTrigger;
  readonly status: DriftRunStatus;
  /** The user who asked, or `scheduler`. */
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly completedAt?: string;
  /** The window of captured predictions compared. */
  readonly from: string;
  readonly to: string;
  /** SUCCEEDED only. */
  readonly report?: DriftReport;
  /** FAILED only. */
  readonly error?: string;
}

export interface DriftReportStore {
  create(run: DriftReportRun): Promise<void>;
  get(model: string, version: number, reportId: string): Promise<DriftReportRun | undefined>;
  /** A version's runs, newest first. */
  list(model: string, version: number, page: PageRequest): Promise<Page<DriftReportRun>>;
  /** A version's newest SUCCEEDED runs, at most `limit`. */
  latestSucceeded(model: string, version: number, limit: number): Promise<DriftReportRun[]>;
  /** Ends a PENDING run; undefined when it had ended already (a retried step). */
  finish(
    model: string,
    version: number,
    reportId: string,
    outcome: { readonly report: DriftReport } | { readonly error: string },
    at: string,
  ): Promise<DriftReportRun | undefined>;
}

/**
 * Sortable by time (the store lists newest first by it) and unique: the request time to the
 * millisecond, then 8 random hex digits. Also the workflow execution's name.
 */
export function driftReportId(at: Date, random: string = randomBytes(4).toString('hex')): string {
  return `${at.toISOString().replace(/[-:.]/g, '')}-${random}`;
}

/** The drift-reports workflow's time limit (its ASL's TimeoutSeconds). */
export const DRIFT_RUN_TIME_LIMIT_MS = 2 * 3_600_000;

/**
 * A run as callers see it: one still PENDING past the workflow's time limit will never finish (an
 * execution that timed out or was aborted skips the failure path), so it reads as FAILED.
 */
export function runAsSeen(run: DriftReportRun, now: Date): DriftReportRun {
  if (run.status !== 'PENDING' || now.getTime() - Date.parse(run.requestedAt) <= DRIFT_RUN_TIME_LIMIT_MS)
    return run;
  return { ...run, status: 'FAILED', error: 'The report did not finish within 2 hours; ask for it again.' };
}

export function driftReportNotFound(name: string, version: number, reportId: string): NotFoundError {
  return new NotFoundError(`Model ${name} version ${version} has no drift report ${reportId}.`);
}

export interface RequestDriftDeps extends Pick<DriftDeps, 'models' | 'versions'> {
  readonly reports: Pick<DriftReportStore, 'create'>;
  readonly workflow: Pick<WorkflowStarter, 'start'>;
  readonly now: () => Date;
}

/** Whoever may read the model may ask for a report (as they may read the live one). */
export async function requestDriftReport(
  principal: Principal,
  name: string,
  version: number,
  window: { readonly from?: Date; readonly to?: Date },
  deps: RequestDriftDeps,
): Promise<DriftReportRun> {
  const now = deps.now();
  const subject = await driftSubject(principal, name, { version, ...window }, deps, now);
  const run: DriftReportRun = {
    reportId: driftReportId(now),
    model: name,
    version,
    trigger: 'request',
    status: 'PENDING',
    requestedBy: principal.userId,
    requestedAt: now.toISOString(),
    from: subject.from.toISOString(),
    to: subject.to.toISOString(),
  };
  await deps.reports.create(run);
  await deps.workflow.start(run.reportId, { model: name, version, reportId: run.reportId });
  return run;
}

/** The workflow reads any model: the run was checked when it was requested. */
const SYSTEM: Principal = {
  userId: 'scheduler',
  username: 'drift-reports',
  role: 'admin',
  via: 'token',
  scope: 'full',
};

/**
 * The workflow's step: computes a PENDING run's report over its window, with the model's thresholds
 * as they are now. A run that has ended (a retried step) is left as it is.
 */
export async function computeRequestedDriftReport(
  id: { readonly model: string; readonly version: number; readonly reportId: string },
  deps: Pick<DriftDeps, 'models' | 'versions'> & {
    readonly captures: CaptureReader;
    readonly reports: Pick<DriftReportStore, 'get' | 'finish'>;
    readonly now: () => Date;
  },
): Promise<{ status: DriftRunStatus }> {
  const run = await deps.reports.get(id.model, id.version, id.reportId);
  if (run === undefined) throw driftReportNotFound(id.model, id.version, id.reportId);
  if (run.status !== 'PENDING') return { status: run.status };
  const subject = await driftSubject(
    SYSTEM,
    id.model,
    {
      version: id.version,
      from: new Date(run.from),
      to: new Date(run.to),
    },
    deps,
  );
  const report = await computeDriftReport(subject, deps.captures);
  const finished = await deps.reports.finish(
    id.model,
    id.version,
    id.reportId,
    { report },
    deps.now().toISOString(),
  );
  return { status: finished?.status ?? 'SUCCEEDED' };
}

/** The workflow's failure path: the run ends FAILED with the step's reason. */
export async function failRequestedDriftReport(
  id: { readonly model: string; readonly version: number; readonly reportId: string },
  reason: string,
  deps: { readonly reports: Pick<DriftReportStore, 'finish'>; readonly now: () => Date },
): Promise<void> {
  await deps.reports.finish(id.model, id.version, id.reportId, { error: reason }, deps.now().toISOString());
}

export interface ReadDriftDeps extends Pick<DriftDeps, 'models'> {
  readonly reports: Pick<DriftReportStore, 'get' | 'list'>;
  readonly now: () => Date;
}

/** The same access (and the same 404 for another owner's model) as the model itself. */
async function requireReadable(principal: Principal, name: string, deps: ReadDriftDeps): Promise<void> {
  requireAccess(principal, await deps.models.get(name), 'read', notFound(name));
}

/** A run in a listing: the report's verdict instead of its per-feature detail. */
export type DriftReportSummary = Omit<DriftReportRun, 'report'> &
  Partial<Pick<DriftReport, 'verdict' | 'driftedFeatures' | 'rows'>>;

export function summaryOf({ report, ...run }: DriftReportRun): DriftReportSummary {
  return report === undefined
    ? run
    : { ...run, verdict: report.verdict, driftedFeatures: report.driftedFeatures, rows: report.rows };
}

/** A version's recorded reports, newest first, without their per-feature detail. */
export async function listDriftReports(
  principal: Principal,
  name: string,
  version: number,
  page: PageRequest,
  deps: ReadDriftDeps,
): Promise<Page<DriftReportSummary>> {
  await requireReadable(principal, name, deps);
  const listed = await deps.reports.list(name, version, page);
  const now = deps.now();
  return { ...listed, items: listed.items.map((run) => summaryOf(runAsSeen(run, now))) };
}

export async function getDriftReportRun(
  principal: Principal,
  name: string,
  version: number,
  reportId: string,
  deps: ReadDriftDeps,
): Promise<DriftReportRun> {
  await requireReadable(principal, name, deps);
  const run = await deps.reports.get(name, version, reportId);
  if (run === undefined) throw driftReportNotFound(name, version, reportId);
  return runAsSeen(run, deps.now());
}
