/** The usage reports' dependencies: model reads (for access) and the usage table. */
import type { Granularity } from '#core/monitoring/usage-report.ts';
import { modelRepository } from '../../adapters/dependencies.ts';
import { usageRepository } from '../../adapters/monitoring-dependencies.ts';

export const usageDeps = { models: modelRepository, usage: usageRepository };

const HOUR_MS = 3600 * 1000;
/** How far back a report looks by default, per granularity (the platform-wide report: a day). */
const DEFAULT_WINDOW_MS: Readonly<Record<Granularity, number>> = {
  minute: HOUR_MS,
  hour: 24 * HOUR_MS,
  day: 30 * 24 * HOUR_MS,
};

/** `to` defaults to now, `from` to an hour, a day or 30 days before `to`. */
export function windowOf(
  query: { from?: Date; to?: Date },
  granularity: Granularity = 'hour',
  now = new Date(),
): { from: Date; to: Date } {
  const to = query.to ?? now;
  return { from: query.from ?? new Date(to.getTime() - DEFAULT_WINDOW_MS[granularity]), to };
}
