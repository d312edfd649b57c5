/**
 * Scheduled: removes model files that no version record refers to (see core/registry/orphan-sweep.ts).
 * EventBridge invokes it on AWS; the local platform runs it at start and then periodically.
 */
import { config } from '#config';
import { sweepOrphanArtifacts } from '#core/registry/orphan-sweep.ts';
import { logger } from '#observability';
import { modelsStore, versionRepository } from '../adapters/dependencies.ts';

export const handler = async (): Promise<{ examined: number; deleted: number }> => {
  const result = await sweepOrphanArtifacts({
    artifacts: modelsStore,
    versions: versionRepository,
    minAgeSeconds: config().limits.orphanArtifactMinAgeSeconds,
    now: () => new Date(),
  });
  if (result.deleted.length > 0) {
    logger.warn('Removed model files no version refers to', { keys: result.deleted });
  }
  return { examined: result.examined, deleted: result.deleted.length };
};
