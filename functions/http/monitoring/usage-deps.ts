/** The usage reports' dependencies: model reads (for access) and the usage table. */
import { modelRepository } from '../../adapters/dependencies.ts';
import { usageRepository } from '../../adapters/monitoring-dependencies.ts';

export const usageDeps = { models: modelRepository, usage: usageRepository };

const DEFAULT_WINDOW_MS = 24 * 3600 * 1000;

/** `to` defaults to now, `from` to 24 h before `to`. */
export function windowOf(query: { from?: Date; to?: Date }, now = new Date()): { from: Date; to: Date } {
  const to = query.to ?? now;
  return { from: query.from ?? new Date(to.getTime() - DEFAULT_WINDOW_MS), to };
}
