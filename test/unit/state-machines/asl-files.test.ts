/**
 * The rules every workflow file in state-machines/ follows: valid ASL, placeholders and the workflow
 * table (functions/steps/workflows.ts) in one-to-one correspondence, and every step retried, caught to
 * a state that records the failure, and bounded in time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { workflowList } from '../../../functions/steps/workflows.ts';
import { forEachState, placeholdersOf, substitute } from '../../../local/step-functions/definitions.ts';

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
      const arns = Object.fromEntries(
        placeholdersOf(text).map((name) => [name, `arn:aws:lambda:us-east-1:123456789012:function:${name}`]),
      );

      // Act
      const asWritten = aslValidator(definition, { checkArn: true, checkPaths: true });
      const asDeployed = aslValidator(substitute(definition, arns), { checkArn: true, checkPaths: true });

      // Assess
      expect(asWritten.errorsText('\n')).toBe('');
      expect(asDeployed.errorsText('\n')).toBe('');
      expect(asDeployed.isValid).toBe(true);
    });

    it('uses a placeholder for every task of the workflow table and nothing else', () => {
      // Act
      const placeholders = placeholdersOf(text);

      // Assess
      expect(placeholders.sort()).toEqual(Object.keys(workflow?.tasks ?? {}).sort());
    });

    it('bounds the execution and every Task in time', () => {
      // Assess
      expect(definition.TimeoutSeconds).toEqual(expect.any(Number));
      for (const [name, state] of tasks) {
        expect(state.TimeoutSeconds, `${name} TimeoutSeconds`).toEqual(expect.any(Number));
      }
    });

    it('retries every Task, and every step on TransientError', () => {
      // Assess
      for (const [name, state] of tasks) {
        expect(state.Retry?.length, `${name} Retry`).toBeGreaterThan(0);
        for (const retrier of state.Retry ?? []) {
          expect(retrier.MaxAttempts ?? 3, `${name} MaxAttempts`).toBeGreaterThan(0);
        }
        if (!catchTargets.has(name)) {
          expect(
            state.Retry?.flatMap((r) => r.ErrorEquals),
            `${name} retries TransientError`,
          ).toContain('TransientError');
        }
      }
    });

    it('catches every error of every step to a state that records it and then fails', () => {
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
        expect(states.get(marker?.Next ?? '')?.Type, `${target} leads to a Fail state`).toBe('Fail');
      }
    });
  });
});
