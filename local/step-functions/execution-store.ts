/**
 * Executions on disk, one JSON file per execution in the data directory, written as they start and as
 * they end (write to a temporary file, then rename: a reader sees the old record or the new one, never
 * half of one). Synchronous on purpose: StartExecution answers only once its execution is on disk, so a
 * process killed right after still finds it at its next start and can end it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Execution } from './executions.ts';

/** Whether the end of an execution still has to be sent to its workflow's `onExecutionEnd` function. */
export type EndEventState = 'none' | 'pending' | 'delivered';

export interface StoredExecution {
  readonly execution: Execution;
  readonly endEvent: EndEventState;
}

const RECORD = /^[0-9a-f]{40}\.json$/;

export class ExecutionStore {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
    mkdirSync(dir, { recursive: true });
  }

  #file(executionArn: string): string {
    return join(this.#dir, `${createHash('sha1').update(executionArn).digest('hex')}.json`);
  }

  save(record: StoredExecution): void {
    const file = this.#file(record.execution.executionArn);
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(record));
    renameSync(temporary, file);
  }

  /**
   * Every stored execution. Leftover temporary files (a process killed mid-write) are removed; a
   * record that cannot be read is reported through `onUnreadable` and skipped.
   */
  load(onUnreadable: (file: string, error: unknown) => void): StoredExecution[] {
    const records: StoredExecution[] = [];
    for (const name of readdirSync(this.#dir)) {
      const file = join(this.#dir, name);
      if (name.endsWith('.tmp')) {
        rmSync(file, { force: true });
        continue;
      }
      if (!RECORD.test(name)) continue;
      try {
        const record = JSON.parse(readFileSync(file, 'utf8')) as StoredExecution;
        if (typeof record?.execution?.executionArn !== 'string') throw new Error('not an execution record');
        records.push(record);
      } catch (error) {
        onUnreadable(file, error);
      }
    }
    return records;
  }

  remove(executionArn: string): void {
    rmSync(this.#file(executionArn), { force: true });
  }
}
