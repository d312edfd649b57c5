/**
 * The event EventBridge delivers when a Step Functions execution changes status ("Step Functions
 * Execution Status Change", source `aws.states`), built from a local execution: the same fields, dates
 * in epoch milliseconds, `null` where AWS sends null (no output, no error).
 */
import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import { EXECUTION_STATUS_CHANGE } from '../../functions/steps/workflows.ts';
import type { Execution } from './executions.ts';

export interface ExecutionStatusChangeDetail {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: Execution['status'];
  readonly startDate: number;
  readonly stopDate: number | null;
  readonly input: string;
  readonly inputDetails: { readonly included: boolean };
  readonly output: string | null;
  readonly outputDetails: { readonly included: boolean } | null;
  readonly error: string | null;
  readonly cause: string | null;
}

export type ExecutionStatusChangeEvent = EventBridgeEvent<
  typeof EXECUTION_STATUS_CHANGE,
  ExecutionStatusChangeDetail
>;

/** `arn:aws:states:<region>:<account>:execution:…` → region and account. */
function arnParts(executionArn: string): { region: string; account: string } {
  const [, , , region = '', account = ''] = executionArn.split(':');
  return { region, account };
}

/** EventBridge's `time`: ISO 8601 to the second. */
const eventTime = (epochMillis: number): string =>
  new Date(epochMillis).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function executionStatusChangeEvent(execution: Execution): ExecutionStatusChangeEvent {
  const { region, account } = arnParts(execution.executionArn);
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': EXECUTION_STATUS_CHANGE,
    source: 'aws.states',
    account,
    time: eventTime(execution.stopDate ?? Date.now()),
    region,
    resources: [execution.executionArn],
    detail: {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate,
      stopDate: execution.stopDate ?? null,
      input: execution.input,
      inputDetails: { included: true },
      output: execution.output ?? null,
      outputDetails: execution.output === undefined ? null : { included: true },
      error: execution.error ?? null,
      cause: execution.cause ?? null,
    },
  };
}
