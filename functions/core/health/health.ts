/** Health: run every dependency probe in parallel with a deadline; any failure makes the service degraded. */

export interface DependencyProbe {
  readonly name: string;
  check(): Promise<void>;
}

export interface DependencyStatus {
  readonly name: string;
  readonly status: 'ok' | 'unavailable';
  readonly latencyMs: number;
  readonly detail?: string;
}

export interface HealthReport {
  readonly status: 'ok' | 'degraded';
  readonly version: string;
  readonly stage: string;
  readonly time: string;
  readonly dependencies: readonly DependencyStatus[];
}

async function probe(dependency: DependencyProbe, timeoutMs: number): Promise<DependencyStatus> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([dependency.check(), deadline]);
    return { name: dependency.name, status: 'ok', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    // The error's name only: health is public and must not leak internals.
    const detail =
      error instanceof Error && error.message.startsWith('no answer')
        ? error.message
        : (error as Error)?.name;
    return {
      name: dependency.name,
      status: 'unavailable',
      latencyMs: Math.round(performance.now() - started),
      detail: detail ?? 'failed',
    };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkHealth(
  probes: readonly DependencyProbe[],
  service: { version: string; stage: string; now: () => Date; timeoutMs: number },
): Promise<HealthReport> {
  const dependencies = await Promise.all(probes.map((p) => probe(p, service.timeoutMs)));
  return {
    status: dependencies.every((d) => d.status === 'ok') ? 'ok' : 'degraded',
    version: service.version,
    stage: service.stage,
    time: service.now().toISOString(),
    dependencies,
  };
}
