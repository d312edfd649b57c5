/**
 * The rules every workflow file in state-machines/ follows: valid ASL, placeholders and the workflow
 * table (functions/steps/workflows.ts: tasks and parameters) in one-to-one correspondence, every Task
 * a Lambda step or a service task the table declares, and every step retried, caught to a state that
 * records the failure, and bounded in time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { workflowList } from '../../../functions/steps/workflows.ts';
import {
  forEachState,
  LAMBDA_INVOKE,
  placeholdersOf,
  substitute,
} from '../../../local/step-functions/definitions.ts';

type State = Record<string, unknown> & {
  Type: string;
  Next?: string;
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
};

const root = fileURLToPath(new URL('../../../', import.meta.url));
const aslFiles = readdirSync(`${root}state-machines`)
  .filter((name) => name.endsWith('.asl.json'))
  .map((name) => `state-machines/${name}`);

const read = (file: string) => {
  const text = readFileSync(`${root}${file}`, 'utf8');
  return { text, definition: JSON.parse(text) as Record<string, unknown> };
};

/** Every state of a definition by name, nested ones included. */
function statesOf(definition: Record<string, unknown>): Map<string, State> {
  const states = new Map<string, State>();
  forEachState(definition, (name, state) => states.set(name, state as State));
  return states;
}

describe('state-machines/*.asl.json', () => {
  it('has at least one file, and each belongs to exactly one workflow of the table', () => {
    // Act
    const owners = aslFiles.map((file) => workflowList.filter((w) => w.definitionFile === file).length);

    // Assess
    expect(aslFiles.length).toBeGreaterThan(0);
    expect(owners).toEqual(aslFiles.map(() => 1));
    expect(workflowList.map((w) => w.definitionFile).sort()).toEqual([...aslFiles].sort());
  });

  describe.each(aslFiles)('%s', (file) => {
    const { text, definition } = read(file);
    const workflow = workflowList.find((w) => w.definitionFile === file);
    const states = statesOf(definition);
    const tasks = [...states].filter(([, state]) => state.Type === 'Task');
    // The states a Catch leads to: they record the failure (e.g. on the job row), then fail the execution.
    const catchTargets = new Set(tasks.flatMap(([, state]) => (state.Catch ?? []).map((c) => c.Next)));

    it('is valid ASL as written and as deployed (placeholders substituted)', () => {
      // Prepare
      // Task functions by ARN; parameters by their deployed value (or, when infrastructure provides
      // it, the local one, which has the same shape).
      const parameters = workflow?.parameters ?? {};
      const arns = Object.fromEntries(
        placeholdersOf(text).map((name) => [
          name,
          parameters[name]
            ? (parameters[name].deployed ?? parameters[name].local)
            : `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
        ]),
      );

      // Act
      const asWritten = aslValidator(definition, { checkArn: true, checkPaths: true });
      const asDeployed = aslValidator(substitute(definition, arns), { checkArn: true, checkPaths: true });

      // Assess
      expect(asWritten.errorsText('\n')).toBe('');
      expect(asDeployed.errorsText('\n')).toBe('');
      expect(asDeployed.isValid).toBe(true);
    });

    it('uses a placeholder for every task and parameter of the workflow table and nothing else', () => {
      // Act
      const placeholders = placeholdersOf(text);

      // Assess
      expect(placeholders.sort()).toEqual(
        [...Object.keys(workflow?.tasks ?? {}), ...Object.keys(workflow?.parameters ?? {})].sort(),
      );
    });

    it('calls Lambda from every Task but the service tasks the workflow table declares', () => {
      // Act
      const services = tasks.filter(([, state]) => state.Resource !== LAMBDA_INVOKE);

      // Assess
      expect(Object.fromEntries(services.map(([name, state]) => [name, state.Resource]))).toEqual(
        Object.fromEntries(
          Object.entries(workflow?.serviceTasks ?? {}).map(([name, service]) => [name, service.resource]),
        ),
      );
    });

    it('bounds the execution and every Task in time', () => {
      // Assess
      expect(definition.TimeoutSeconds).toEqual(expect.any(Number));
      for (const [name, state] of tasks) {
        expect(state.TimeoutSeconds, `${name} TimeoutSeconds`).toEqual(expect.any(Number));
      }
    });

    it("retries every Task: Lambda steps on TransientError, service tasks on their service's errors", () => {
      // Assess
      for (const [name, state] of tasks) {
        expect(state.Retry?.length, `${name} Retry`).toBeGreaterThan(0);
        for (const retrier of state.Retry ?? []) {
          expect(retrier.MaxAttempts ?? 3, `${name} MaxAttempts`).toBeGreaterThan(0);
        }
        const retried = state.Retry?.flatMap((r) => r.ErrorEquals) ?? [];
        if (state.Resource !== LAMBDA_INVOKE) {
          // e.g. arn:aws:states:::sagemaker:createTrainingJob.sync → SageMaker.*; never States.TaskFailed.
          const service = String(state.Resource).split(':')[5] ?? '';
          expect(retried.length, `${name} retries`).toBeGreaterThan(0);
          for (const error of retried)
            expect(error.toLowerCase(), `${name} retries ${error}`).toMatch(`${service}.`);
        } else if (!catchTargets.has(name)) {
          expect(retried, `${name} retries TransientError`).toContain('TransientError');
        }
      }
    });

    it("catches every error of every step to a state that records it and then fails, unless the error is the user's", () => {
      // Assess
      expect(catchTargets.size).toBeGreaterThan(0);
      for (const [name, state] of tasks) {
        if (catchTargets.has(name)) continue;
        const catchAll = state.Catch?.find((c) => c.ErrorEquals.includes('States.ALL'));
        expect(catchAll, `${name} Catch States.ALL`).toBeDefined();
        expect(catchAll?.ResultPath, `${name} keeps its input and adds the error`).toMatch(/^\$\.\w+/);
      }
      for (const target of catchTargets) {
        const marker = states.get(target);
        expect(marker?.Type, `${target} is a Task`).toBe('Task');
        expect(marker?.Catch, `${target} has no Catch of its own`).toBeUndefined();
        const next = states.get(marker?.Next ?? '') as
          | { Type?: string; Default?: string; Choices?: { Next?: string }[] }
          | undefined;
        if (next?.Type === 'Choice') {
          // Telling the user's errors from the platform's: any error it does not name fails the execution.
          expect(states.get(next.Default ?? '')?.Type, `${target}'s Choice defaults to a Fail state`).toBe(
            'Fail',
          );
          for (const choice of next.Choices ?? []) {
            expect(['Fail', 'Succeed'], `${target}'s Choice ends the execution`).toContain(
              states.get(choice.Next ?? '')?.Type,
            );
          }
        } else {
          expect(next?.Type, `${target} leads to a Fail state`).toBe('Fail');
        }
      }
    });
  });
});
