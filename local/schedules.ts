/**
 * The schedule table run locally: each scheduled handler once at start, then every `everyMinutes`,
 * as EventBridge invokes it on AWS. A failed run is logged and the next tick tries again.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ScheduledTask } from '../functions/maintenance/schedules.ts';

type ScheduledHandler = () => Promise<unknown>;

export interface LocalSchedules {
  /** Runs one scheduled handler now and resolves to what it returned. */
  run(id: string): Promise<unknown>;
  close(): Promise<void>;
}

export async function startLocalSchedules(options: {
  readonly root: string;
  readonly schedules: readonly (ScheduledTask & { readonly id: string })[];
  readonly onError?: (id: string, error: unknown) => void;
}): Promise<LocalSchedules> {
  const handlers = new Map<string, ScheduledHandler>();
  for (const task of options.schedules) {
    const module = (await import(pathToFileURL(resolve(options.root, task.entry)).href)) as {
      handler: ScheduledHandler;
    };
    handlers.set(task.id, module.handler);
  }
  const run = async (id: string) => {
    const handler = handlers.get(id);
    if (handler === undefined) throw new Error(`No scheduled task ${id}.`);
    return handler();
  };
  const report = (id: string) => (error: unknown) =>
    (options.onError ?? ((task, e) => console.error(`Scheduled task ${task} failed:`, e)))(id, error);

  const timers: NodeJS.Timeout[] = [];
  for (const task of options.schedules) {
    await run(task.id).catch(report(task.id));
    const timer = setInterval(() => void run(task.id).catch(report(task.id)), task.everyMinutes * 60_000);
    timer.unref();
    timers.push(timer);
  }
  return {
    run,
    close: async () => {
      for (const timer of timers) clearInterval(timer);
    },
  };
}
