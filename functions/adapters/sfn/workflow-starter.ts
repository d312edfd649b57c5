/**
 * Starts and stops workflow executions through the Step Functions API; locally the same client talks
 * to the local Step Functions emulator (endpoint override only). Executions are named by job id, so
 * a retried start cannot run a job twice.
 */
import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { ConfigurationError } from '#config';
import type { WorkflowStarter } from '#core/training/jobs.ts';

export class StepFunctionsWorkflowStarter implements WorkflowStarter {
  readonly #client: SFNClient;
  readonly #stateMachineArn: string | undefined;
  readonly #envVar: string;

  constructor(client: SFNClient, stateMachineArn: string | undefined, envVar = 'TRAINING_STATE_MACHINE_ARN') {
    this.#client = client;
    this.#stateMachineArn = stateMachineArn;
    this.#envVar = envVar;
  }

  #arn(): string {
    if (this.#stateMachineArn === undefined) {
      throw new ConfigurationError(`${this.#envVar} is missing: this function cannot start these jobs.`);
    }
    return this.#stateMachineArn;
  }

  async start(jobId: string, input: Record<string, unknown>): Promise<void> {
    try {
      await this.#client.send(
        new StartExecutionCommand({
          stateMachineArn: this.#arn(),
          name: jobId,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      // The same name with other input: an execution for this job exists, which is all we wanted.
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  }

  async stop(jobId: string, cause: string): Promise<void> {
    const executionArn = `${this.#arn().replace(':stateMachine:', ':execution:')}:${jobId}`;
    try {
      await this.#client.send(new StopExecutionCommand({ executionArn, cause }));
    } catch (error) {
      if (!(error instanceof ExecutionDoesNotExist)) throw error;
    }
  }
}
