/** The drift report routes' dependencies: registry reads (access, baselines) and the recorded runs. */
import { modelRepository, versionRepository } from '../../adapters/dependencies.ts';
import { driftReportRepository, driftReportWorkflow } from '../../adapters/monitoring-dependencies.ts';

export const driftReportDeps = {
  models: modelRepository,
  versions: versionRepository,
  reports: driftReportRepository,
  workflow: driftReportWorkflow,
  now: () => new Date(),
};

export const driftReportLocation = (run: { model: string; version: number; reportId: string }): string =>
  `/v1/models/${encodeURIComponent(run.model)}/versions/${run.version}/drift-reports/${run.reportId}`;
