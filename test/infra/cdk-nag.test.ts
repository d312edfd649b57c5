import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPlatformApp, type PlatformApp } from '../../infra/app.ts';

interface ValidationReport {
  readonly pluginReports: {
    readonly pluginName: string;
    readonly violations: { readonly ruleName: string }[];
  }[];
}

let platform: PlatformApp;
let report: ValidationReport;

/** Every acknowledgement in the tree, with the construct it was made on. */
function acknowledgements(root: IConstruct): { scope: IConstruct; id: string; reason: string }[] {
  return root.node
    .findAll()
    .flatMap((scope) =>
      scope.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) =>
          Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ scope, id, reason })),
        ),
    );
}

beforeAll(() => {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  platform = buildPlatformApp({
    context: { ...cdkJson.context, stage: 'test', 'aws:cdk:bundling-stacks': [] },
  });
  const assembly = platform.app.synth();
  report = JSON.parse(
    readFileSync(join(assembly.directory, VALIDATION_REPORT_FILE), 'utf8'),
  ) as ValidationReport;
}, 120_000);

describe('AwsSolutionsChecks on the platform app', () => {
  it('reports no unacknowledged finding during synthesis', () => {
    // Act
    const findings = report.pluginReports.flatMap((plugin) => plugin.violations.map((v) => v.ruleName));

    // Assess
    expect(findings).toEqual([]);
  });

  it('finds no error and no warning when run on the whole tree', () => {
    // Act
    const result = new AwsSolutionsChecks().validateScope(platform.app);

    // Assess
    expect(result.violations.map((v) => `${v.severity} ${v.ruleName}`)).toEqual([]);
    expect(result.success).toBe(true);
  });

  it('leaves no warning or error annotation on any stack', () => {
    // Act
    const annotations = [platform.stateful, platform.api, platform.workflows, platform.observability].flatMap(
      (stack) => [
        ...Annotations.fromStack(stack).findWarning('*', Match.anyValue()),
        ...Annotations.fromStack(stack).findError('*', Match.anyValue()),
      ],
    );

    // Assess
    expect(annotations.map((a) => `${a.id}: ${String(a.entry.data)}`)).toEqual([]);
    // Reading each stack's annotations synthesizes it again: 30 to 40 s on a loaded 2-core machine.
  }, 120_000);

  it('acknowledges on resources only, never on a whole stack or the app, each with a reason', () => {
    // Act
    const all = acknowledgements(platform.app);

    // Assess
    expect(all.length).toBeGreaterThan(0);
    for (const { scope, id, reason } of all) {
      expect(App.isApp(scope) || Stack.isStack(scope), `${id} on ${scope.node.path}`).toBe(false);
      expect(reason.length, `reason of ${id} on ${scope.node.path}`).toBeGreaterThan(40);
    }
  });

  it('acknowledges wildcard resources by their exact finding, not the whole rule', () => {
    // Act
    const wildcards = acknowledgements(platform.app).filter(({ id }) => id.includes('AwsSolutions-IAM5'));

    // Assess
    expect(wildcards.length).toBeGreaterThan(0);
    for (const { id } of wildcards) expect(id).toMatch(/AwsSolutions-IAM5\[Resource::[^\]]+\]$/);
  });
});
