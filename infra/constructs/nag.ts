/**
 * cdk-nag acknowledgements whose finding id contains a resolved CloudFormation reference.
 *
 * cdk-nag names a wildcard finding after the resource as it reads after synthesis, e.g.
 * `AwsSolutions-IAM5[Resource::<export name of the bucket ARN>/*]`. Across stacks that name is the
 * export CDK generates while preparing the app, so it cannot be written down at construction time.
 * These helpers register a construct validation, which CDK runs after cross-stack references are
 * resolved and before the validation plugins, and acknowledge the exact finding id there: the
 * acknowledgement stays as narrow as the finding, one resource of one policy.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The flat form cdk-nag gives a reference (same rules as cdk-nag's own `flattenCfnReference`). */
export function flattenReference(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof value === 'object' && value !== null) {
    const node = value as Record<string, unknown>;
    const join = node['Fn::Join'] as [string, unknown[]] | undefined;
    if (join) return join[1].map(flattenReference).join(join[0]);
    if (node['Fn::Sub'] !== undefined) return flattenReference(node['Fn::Sub']);
    const getAtt = node['Fn::GetAtt'] as [unknown, unknown] | undefined;
    if (getAtt) return `<${flattenReference(getAtt[0])}.${flattenReference(getAtt[1])}>`;
    if (node['Fn::ImportValue'] !== undefined) return flattenReference(node['Fn::ImportValue']);
    if (node.Ref !== undefined) return `<${flattenReference(node.Ref)}>`;
  }
  return JSON.stringify(value);
}

/**
 * Acknowledges `AwsSolutions-IAM5[Resource::<resource>]` on `scope` (the role or policy holding the
 * statement), with `resource` resolved the way cdk-nag will see it.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  scope.node.addValidation({
    validate: () => {
      const flat = flattenReference(Stack.of(scope).resolve(resource));
      Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flat}]`, reason });
      return [];
    },
  });
}
