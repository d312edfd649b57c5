/**
 * The local stand-in for AWS Step Functions: one HTTP server speaking the Step Functions JSON protocol
 * (`POST /` with `X-Amz-Target: AWSStepFunctions.<Operation>`, see `api.ts`), so the platform's SDK
 * client works unchanged through `AWS_ENDPOINT_URL_SFN`. Each workflow of the workflow table
 * (`functions/steps/workflows.ts`) is a state machine running the same ASL file CDK deploys, with every
 * `${...}` placeholder bound to the task's handler module, invoked in-process.
 *
 * Executions are kept in memory, and with a `dataDir` on disk too (see `executions.ts`): those a
 * stopped process left running are ended at the next start, and their end events delivered.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkflowDefinition } from '../../functions/steps/workflows.ts';
import { BodyTooLargeError, parseJsonBody, readBody as readBoundedBody, sendJson } from '../http-json.ts';
import { runOperation } from './api.ts';
import { loadWorkflow } from './definitions.ts';
import { StepFunctionsError } from './errors.ts';
import { ExecutionStore } from './execution-store.ts';
import { createStateMachine, ExecutionRunner, type LocalStateMachine } from './executions.ts';
import { LocalLambdaRuntime } from './lambda-runtime.ts';

export interface LocalStepFunctionsOptions {
  /** Interface to listen on; default `127.0.0.1`. Keep it on loopback. */
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** The repository root: ASL files and handler entries of the workflow table are resolved from it. */
  readonly root: string;
  /** The workflows to run, e.g. `workflowList`. */
  readonly workflows: readonly WorkflowDefinition[];
  /** Default `us-east-1`. */
  readonly region?: string;
  /** 12 digits; default `000000000000`. */
  readonly accountId?: string;
  /** Milliseconds between retries, in place of the ASL's `IntervalSeconds`/`BackoffRate`. @default 10 */
  readonly retryIntervalMs?: number;
  /** How long `close()` waits for handlers still running. @default 5000 */
  readonly closeGraceMs?: number;
  /** Where unexpected server errors are reported; default stderr. */
  readonly onError?: (error: unknown) => void;
  /**
   * Where executions are kept across restarts. Without it they live in this process only, and none
   * is ended at start.
   */
  readonly dataDir?: string;
}

/** The platform's environment variables that point it at this server. */
export type StepFunctionsEnvironment = Readonly<Record<string, string>> & {
  readonly AWS_ENDPOINT_URL_SFN: string;
};

const MAX_BODY_BYTES = 1024 * 1024;
const AMZ_JSON = 'application/x-amz-json-1.0';

/** A URL authority for a host: IPv6 literals need brackets. */
const authority = (host: string, port: number): string =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

async function listen(server: Server, host: string, port: number): Promise<number> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new Error(
        `Local Step Functions: port ${port} on ${host} is already in use; stop what uses it or pick another port.`,
        { cause: error },
      );
    }
    throw error;
  }
  return (server.address() as AddressInfo).port;
}

function readBody(request: IncomingMessage): Promise<string> {
  return readBoundedBody(request, MAX_BODY_BYTES);
}

function parseJson(text: string): unknown {
  return parseJsonBody(
    text,
    (cause) =>
      new StepFunctionsError('SerializationException', 'The request body is not valid JSON.', { cause }),
  );
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJson(response, status, body, headers, AMZ_JSON);
}

/**
 * The local Step Functions server. Start one per local platform; point the platform at it with
 * `environment()`.
 * @example
 * const sfn = await LocalStepFunctions.create({ root: repositoryRoot, workflows: workflowList, port: 0 });
 * Object.assign(process.env, sfn.environment());
 * const client = new SFNClient({ endpoint: sfn.url, region: 'us-east-1' });
 * await client.send(new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArn('Training'), name: jobId }));
 * await sfn.close();
 */
export class LocalStepFunctions {
  /** `http://<host>:<port>`: the endpoint for the SDK (`AWS_ENDPOINT_URL_SFN`). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly region: string;
  readonly accountId: string;

  readonly #server: Server;
  readonly #runner: ExecutionRunner;
  readonly #runtime: LocalLambdaRuntime;
  /** By ARN. */
  readonly #stateMachines: ReadonlyMap<string, LocalStateMachine>;
  /** ARN by workflow id. */
  readonly #arns: ReadonlyMap<string, string>;
  readonly #workflows: readonly WorkflowDefinition[];
  readonly #closeGraceMs: number;
  readonly #onError: (error: unknown) => void;
  #closing: Promise<void> | undefined;

  private constructor(init: {
    server: Server;
    host: string;
    port: number;
    region: string;
    accountId: string;
    runner: ExecutionRunner;
    runtime: LocalLambdaRuntime;
    stateMachines: readonly LocalStateMachine[];
    options: LocalStepFunctionsOptions;
  }) {
    this.#server = init.server;
    this.host = init.host;
    this.port = init.port;
    this.url = `http://${authority(init.host, init.port)}`;
    this.region = init.region;
    this.accountId = init.accountId;
    this.#runner = init.runner;
    this.#runtime = init.runtime;
    this.#stateMachines = new Map(init.stateMachines.map((sm) => [sm.arn, sm]));
    this.#arns = new Map(init.stateMachines.map((sm) => [sm.loaded.workflow.id, sm.arn]));
    this.#workflows = init.options.workflows;
    this.#closeGraceMs = init.options.closeGraceMs ?? 5000;
    this.#onError = init.options.onError ?? ((error) => console.error('Local Step Functions:', error));
  }

  /**
   * Loads and validates every workflow (throwing an error naming the ASL file and the problem), then
   * starts listening. Handler modules are imported on their first invocation.
   */
  static async create(options: LocalStepFunctionsOptions): Promise<LocalStepFunctions> {
    const host = options.host ?? '127.0.0.1';
    const region = options.region ?? 'us-east-1';
    const accountId = options.accountId ?? '000000000000';
    if (!/^\d{12}$/.test(accountId))
      throw new Error(`Local Step Functions: accountId ${accountId} is not 12 digits.`);

    const ids = options.workflows.map((workflow) => workflow.id);
    const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
    if (duplicate !== undefined)
      throw new Error(`Local Step Functions: two workflows have the id ${duplicate}.`);

    const stateMachines: LocalStateMachine[] = [];
    for (const workflow of options.workflows) {
      const loaded = await loadWorkflow({ root: options.root, workflow, region, accountId });
      const arn = `arn:aws:states:${region}:${accountId}:stateMachine:${workflow.id}`;
      stateMachines.push(createStateMachine(arn, workflow.id, loaded));
    }

    const runtime = new LocalLambdaRuntime(options.root);
    const onError = options.onError ?? ((error: unknown) => console.error('Local Step Functions:', error));
    const runner = new ExecutionRunner({
      runtime,
      roleArn: `arn:aws:iam::${accountId}:role/local-step-functions`,
      retryIntervalMs: options.retryIntervalMs ?? 10,
      stateMachines: new Map(stateMachines.map((sm) => [sm.arn, sm])),
      ...(options.dataDir === undefined ? {} : { store: new ExecutionStore(options.dataDir) }),
      onError,
    });
    // Their runs died with the process that held them; their end events wait for startSendingEndEvents.
    runner.endInterrupted();

    let instance: LocalStepFunctions | undefined;
    const server = createServer((request, response) => {
      if (instance) {
        void instance.#handle(request, response);
      } else {
        send(response, 503, { __type: 'ServiceUnavailable', message: 'Local Step Functions is starting.' });
      }
    });
    const port = await listen(server, host, options.port ?? 0);
    instance = new LocalStepFunctions({
      server,
      host,
      port,
      region,
      accountId,
      runner,
      runtime,
      stateMachines,
      options,
    });
    return instance;
  }

  /** The ARN of a workflow's state machine, by workflow id (e.g. `Training`). */
  stateMachineArn(workflowId: string): string {
    const arn = this.#arns.get(workflowId);
    if (arn === undefined) {
      throw new Error(
        `Local Step Functions: no workflow ${workflowId} (known: ${[...this.#arns.keys()].join(', ')}).`,
      );
    }
    return arn;
  }

  /** Environment variables for the platform's functions: the endpoint, and each workflow's `envVar`. */
  environment(): StepFunctionsEnvironment {
    return {
      AWS_ENDPOINT_URL_SFN: this.url,
      ...Object.fromEntries(
        this.#workflows.map((workflow) => [workflow.envVar, this.stateMachineArn(workflow.id)]),
      ),
    };
  }

  /**
   * Sends each workflow's `onExecutionEnd` function the status change events still pending (the
   * executions a stopped process left running, ended at `create`), then each one as it happens. Call it
   * once the functions' environment is set: they run in this process and read it.
   */
  startSendingEndEvents(): Promise<void> {
    return this.#runner.startSendingEndEvents();
  }

  /**
   * Stops listening, aborts every running execution (sending their end events) and waits (up to
   * `closeGraceMs`) for the deliveries and the handlers that were running. Safe to call twice.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await new Promise<void>((resolve) => {
        this.#server.close(() => resolve());
        this.#server.closeAllConnections();
      });
      this.#runner.abortAll();
      await this.#runner.deliveriesSettled(this.#closeGraceMs);
      await this.#runtime.settled(this.#closeGraceMs);
    })();
    return this.#closing;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const headers = { 'x-amzn-requestid': requestId };
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    try {
      if (path !== '/') {
        send(response, 404, { __type: 'UnknownOperationException', message: `Nothing at ${path}.` }, headers);
        return;
      }
      if (request.method !== 'POST') {
        send(response, 405, { __type: 'UnknownOperationException', message: 'Use POST.' }, headers);
        return;
      }
      const body = parseJson(await readBody(request));
      const output = runOperation(
        { runner: this.#runner, stateMachines: this.#stateMachines },
        request.headers['x-amz-target'] as string | undefined,
        body,
      );
      send(response, 200, output ?? {}, headers);
    } catch (error) {
      if (error instanceof StepFunctionsError) {
        send(
          response,
          400,
          { __type: error.type, message: error.message },
          {
            ...headers,
            'x-amzn-errortype': error.type,
          },
        );
        return;
      }
      if (error instanceof BodyTooLargeError) {
        send(response, 413, { __type: 'ValidationException', message: error.message }, headers);
        return;
      }
      this.#onError(error);
      if (!response.headersSent) {
        send(response, 500, { __type: 'InternalServerError', message: 'Internal error.' }, headers);
      }
    }
  }
}
