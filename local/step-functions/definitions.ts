/**
 * Loads a workflow for the local runner the way CDK deploys it: the ASL file of the workflow table,
 * every `${Name}` placeholder replaced (a task's by a local Lambda ARN, there by the function's ARN; a
 * parameter's by its local value, there by its deployed one), the result validated with asl-validator,
 * and each Task state bound to the function it invokes. Anything the local runner could not run
 * faithfully (a placeholder the table does not know, a Task calling another service) stops start-up
 * with the file and the state named, instead of failing mid-execution. The one exception is a Task the
 * workflow table declares as a service task (SageMaker training): it loads, bound to a stand-in that
 * fails the state with the table's reason, and its parameters keep local executions away from it.
 */
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import aslValidator from 'asl-validator';
import type { WorkflowDefinition, WorkflowTask } from '../../functions/steps/workflows.ts';
import type { InvocableFunction } from './lambda-runtime.ts';

/** The optimized Lambda integration: the task's `Parameters` hold `{FunctionName, Payload}`. */
export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

/** `${Name}` as CDK's `definitionSubstitutions` understands it. */
const PLACEHOLDER = /\$\{([^}]*)\}/g;

/** A task of the workflow table, as the local runner invokes it. */
export interface LocalFunction {
  /** `arn:aws:lambda:<region>:<account>:function:<workflow id>-<placeholder>`. */
  readonly arn: string;
  /** The function name in that ARN (the Lambda context's `functionName`). */
  readonly name: string;
  readonly placeholder: string;
  readonly task: WorkflowTask;
}

/** How a Task state's local override calls its function. */
export type TaskBinding =
  /** `Resource: arn:aws:states:::lambda:invoke`: the function is named by the resolved `FunctionName`. */
  | { readonly kind: 'invoke' }
  /** `Resource: <function ARN>`: the input is the payload, the result is the output. */
  | { readonly kind: 'direct'; readonly fn: LocalFunction }
  /** A service task of the workflow table (e.g. SageMaker): fails locally unless a test overrides it. */
  | { readonly kind: 'service'; readonly state: string; readonly resource: string; readonly note: string };

export interface LoadedWorkflow {
  readonly workflow: WorkflowDefinition;
  /** The ASL file, absolute. */
  readonly file: string;
  /** The definition with every placeholder substituted. */
  readonly definition: Record<string, unknown>;
  /** The workflow's functions by local ARN. */
  readonly functions: ReadonlyMap<string, LocalFunction>;
  /** Every Task state (nested Map and Parallel states included) by state name. */
  readonly tasks: ReadonlyMap<string, TaskBinding>;
  /** States with a `Retry` field, whose retry intervals the local runner shortens. */
  readonly retryableStates: readonly string[];
  /** The workflow's `onExecutionEnd` function, sent the status change event of executions that end so. */
  readonly executionEndFunction?: InvocableFunction;
}

export interface LoadWorkflowOptions {
  /** The repository root, against which `definitionFile` and task entries are resolved. */
  readonly root: string;
  readonly workflow: WorkflowDefinition;
  readonly region: string;
  readonly accountId: string;
  /**
   * Values for the workflow's parameters in place of their `local` ones (tests, e.g. a low
   * `SageMakerThresholdRows` to run the SageMaker branch with a task override).
   */
  readonly parameters?: Readonly<Record<string, string>>;
}

export const localFunctionName = (workflow: WorkflowDefinition, placeholder: string): string =>
  `${workflow.id}-${placeholder}`;

export const localFunctionArn = (
  region: string,
  accountId: string,
  workflow: WorkflowDefinition,
  placeholder: string,
): string => `arn:aws:lambda:${region}:${accountId}:function:${localFunctionName(workflow, placeholder)}`;

/** The placeholder names in an ASL text, in order of first appearance. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ''))];
}

/** Replaces `${Name}` in every string of a JSON value; names without a value are left as they are. */
export function substitute(value: unknown, values: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, values));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, values)]));
  }
  return value;
}

type StatesRecord = Record<string, Record<string, unknown>>;

/** Calls `visit` for every state of a definition, nested Map iterators and Parallel branches included. */
export function forEachState(
  definition: Record<string, unknown>,
  visit: (name: string, state: Record<string, unknown>) => void,
): void {
  for (const [name, state] of Object.entries((definition.States ?? {}) as StatesRecord)) {
    visit(name, state);
    const processor = (state.ItemProcessor ?? state.Iterator) as Record<string, unknown> | undefined;
    if (state.Type === 'Map' && processor) forEachState(processor, visit);
    if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
      for (const branch of state.Branches as Record<string, unknown>[]) forEachState(branch, visit);
    }
  }
}

/**
 * Reads, substitutes, validates and binds one workflow.
 * Throws an `Error` naming the file and the problem when the workflow cannot run locally.
 * @example
 * const loaded = await loadWorkflow({ root, workflow: workflows.training, region: 'us-east-1', accountId: '000000000000' });
 * loaded.tasks.get('Preprocess'); // { kind: 'invoke' }
 */
export async function loadWorkflow(options: LoadWorkflowOptions): Promise<LoadedWorkflow> {
  const { workflow } = options;
  const file = resolve(options.root, workflow.definitionFile);
  const where = `Workflow ${workflow.id} (${relative(options.root, file) || file})`;
  function fail(problem: string, cause?: unknown): never {
    throw new Error(`${where}: ${problem}`, cause === undefined ? undefined : { cause });
  }

  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    fail(`cannot read the ASL file: ${(error as Error).message}`, error);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    fail(`the ASL file is not valid JSON: ${(error as Error).message}`, error);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail('the ASL file is not a JSON object');

  const parameters = workflow.parameters ?? {};
  const unknownPlaceholders = placeholdersOf(text).filter(
    (name) => !Object.hasOwn(workflow.tasks, name) && !Object.hasOwn(parameters, name),
  );
  if (unknownPlaceholders.length > 0) {
    const names = unknownPlaceholders.map((name) => `\${${name}}`).join(', ');
    fail(`no task in the workflow table for ${names} (nor a parameter)`);
  }
  const unknownOverrides = Object.keys(options.parameters ?? {}).filter(
    (name) => !Object.hasOwn(parameters, name),
  );
  if (unknownOverrides.length > 0) fail(`no parameter ${unknownOverrides.join(', ')} in the workflow table`);

  const functions = new Map<string, LocalFunction>();
  const arns: Record<string, string> = {};
  for (const [placeholder, task] of Object.entries(workflow.tasks)) {
    const arn = localFunctionArn(options.region, options.accountId, workflow, placeholder);
    arns[placeholder] = arn;
    functions.set(arn, { arn, name: localFunctionName(workflow, placeholder), placeholder, task });
  }
  const values: Record<string, string> = { ...arns };
  for (const [name, parameter] of Object.entries(parameters)) {
    values[name] = options.parameters?.[name] ?? parameter.local;
  }
  const definition = substitute(raw, values) as Record<string, unknown>;

  const validation = aslValidator(definition, { checkArn: true, checkPaths: true });
  if (!validation.isValid) fail(`invalid ASL: ${validation.errorsText('; ')}`);

  const tasks = new Map<string, TaskBinding>();
  const retryableStates: string[] = [];
  forEachState(definition, (name, state) => {
    if (Array.isArray(state.Retry)) retryableStates.push(name);
    if (state.Type !== 'Task') return;
    const binding = bindTask(name, state, workflow, functions, fail);
    const previous = tasks.get(name);
    if (previous && JSON.stringify(previous) !== JSON.stringify(binding)) {
      fail(`two Task states are named ${name} and call different resources; the local runner binds by name`);
    }
    tasks.set(name, binding);
  });

  const endTask = workflow.onExecutionEnd;
  const endName = localFunctionName(workflow, 'ExecutionEnded');
  const executionEndFunction = endTask && {
    arn: `arn:aws:lambda:${options.region}:${options.accountId}:function:${endName}`,
    name: endName,
    task: endTask,
  };
  return {
    workflow,
    file,
    definition,
    functions,
    tasks,
    retryableStates,
    ...(executionEndFunction ? { executionEndFunction } : {}),
  };
}

function bindTask(
  name: string,
  state: Record<string, unknown>,
  workflow: WorkflowDefinition,
  functions: ReadonlyMap<string, LocalFunction>,
  fail: (problem: string) => never,
): TaskBinding {
  const resource = state.Resource;
  if (resource === LAMBDA_INVOKE) {
    const parameters = (state.Parameters ?? {}) as Record<string, unknown>;
    const functionName = parameters.FunctionName;
    if (functionName === undefined && parameters['FunctionName.$'] === undefined) {
      fail(`state ${name} invokes Lambda without Parameters.FunctionName`);
    }
    if (typeof functionName === 'string' && !functions.has(functionName)) {
      fail(`state ${name} invokes ${functionName}, which is not a task of this workflow`);
    }
    return { kind: 'invoke' };
  }
  const fn = typeof resource === 'string' ? functions.get(resource) : undefined;
  if (fn) return { kind: 'direct', fn };
  const service = workflow.serviceTasks?.[name];
  if (service !== undefined && Object.hasOwn(workflow.serviceTasks ?? {}, name)) {
    if (service.resource !== resource) {
      fail(
        `state ${name} uses Resource ${String(resource)}; the workflow table declares ${service.resource}`,
      );
    }
    return { kind: 'service', state: name, resource: service.resource, note: service.localNote };
  }
  return fail(
    `state ${name} uses Resource ${String(resource)}; the local runner runs only ${LAMBDA_INVOKE}, ` +
      "the workflow's own functions and the service tasks its workflow table declares",
  );
}
