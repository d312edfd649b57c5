/**
 * The batch steps' models: the same per-container session cache, and so the same loading path, as
 * real-time predictions (the file read at its pinned S3 object version and checked against the
 * version's SHA-256), held for the length of a chunk.
 */
import type { BatchModelLoader } from '#core/batch/pipeline.ts';
import { modelCache } from '../inference-dependencies.ts';
import { batchModelOf } from './batch-model.ts';

export const batchModelLoader: BatchModelLoader = {
  async load(artifact) {
    const lease = await modelCache.acquire(artifact);
    return { model: batchModelOf(lease.model), release: () => lease.release() };
  },
};
