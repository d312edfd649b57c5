import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { failureReason } from '../../../functions/steps/failure-cause.ts';

describe('failureReason', () => {
  it("reads a Lambda task's errorMessage", () => {
    expect(failureReason({ Error: 'UnprocessableError', Cause: '{"errorMessage":"No rows."}' })).toBe(
      'No rows.',
    );
  });

  it("reads a SageMaker training job's FailureReason, with the job's name when it is there", () => {
    const cause = { TrainingJobName: 'mlp-dev-abc', FailureReason: 'ClientError: no data' };
    expect(failureReason({ Cause: JSON.stringify(cause) })).toBe(
      'SageMaker training job mlp-dev-abc failed: ClientError: no data',
    );
    expect(failureReason({ Cause: '{"FailureReason":"CapacityError"}' })).toBe(
      'SageMaker training job failed: CapacityError',
    );
  });

  it('keeps a plain-text or unknown cause as it is, and falls back to the error name', () => {
    expect(failureReason({ Cause: 'Lambda timed out' })).toBe('Lambda timed out');
    expect(failureReason({ Cause: 'null' })).toBe('null');
    expect(failureReason({ Cause: '{"other":1}' })).toBe('{"other":1}');
    expect(failureReason({ Error: 'States.Timeout' })).toBe('States.Timeout');
    expect(failureReason(undefined)).toBe('The step failed without a reason.');
  });
});

describe('the step handlers', () => {
  it('never import from functions/http (the workflow table shares only its settings types)', () => {
    const folder = fileURLToPath(new URL('../../../functions/steps/', import.meta.url));
    const importsHttp = readdirSync(folder)
      .filter((file) => file.endsWith('.ts') && file !== 'workflows.ts')
      .filter((file) => /from '(#http\/|\.\.\/http\/)/.test(readFileSync(`${folder}${file}`, 'utf8')));
    expect(importsHttp).toEqual([]);
  });
});
