/**
 * How many intra-op threads a large prediction may use: the vCPUs the function has. Lambda gives a
 * function CPU in proportion to its memory, one vCPU's worth per 1,769 MB, 6 at 10,240 MB, whatever
 * number of cores the process sees; more threads than that only share the same quota. The share is
 * rounded (2,048 MB, 1.16 vCPU: 1 thread; 3,008 MB, 1.7: 2). Outside Lambda every core the
 * process may use counts.
 */

/** Lambda's memory per full vCPU (MB). */
export const LAMBDA_MB_PER_VCPU = 1769;
const LAMBDA_MAX_VCPUS = 6;

/**
 * @example
 * inferenceThreads({ memoryMb: 2048, cores: 2 }); // 1: 2 GB is 1.16 vCPU
 * inferenceThreads({ memoryMb: 10240, cores: 6 }); // 6
 * inferenceThreads({ cores: 8 }); // 8 (not on Lambda)
 */
export function inferenceThreads(options: {
  readonly memoryMb?: number;
  readonly cores: number;
  /** An operator's choice (INFERENCE_THREADS), still capped by the cores. */
  readonly override?: number;
}): number {
  const cores = Math.max(1, Math.floor(options.cores));
  if (options.override !== undefined) return Math.max(1, Math.min(cores, Math.floor(options.override)));
  if (options.memoryMb === undefined) return cores;
  const vcpus = Math.min(LAMBDA_MAX_VCPUS, Math.round(options.memoryMb / LAMBDA_MB_PER_VCPU));
  return Math.max(1, Math.min(cores, vcpus));
}
