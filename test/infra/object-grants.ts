/**
 * Reads a role's S3 object statements back as `action → key prefixes`, so infra tests can compare
 * them with the bucket grants of the route and workflow tables.
 */
import type { BucketGrant } from '#http/routes.ts';

interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
}

const objectActions: Readonly<Record<keyof BucketGrant, readonly string[]>> = {
  read: ['s3:GetObject', 's3:GetObjectVersion'],
  write: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
  delete: ['s3:DeleteObject'],
};

/** `s3:*Object*` action → the prefixes it is granted on (`*` for a whole bucket's objects). */
export function objectGrantsIn(statements: readonly Statement[]): Record<string, string[]> {
  const grants: Record<string, string[]> = {};
  for (const statement of statements) {
    const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
    const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
    for (const resource of resources) {
      // The object ARN reads `<bucket arn>/<prefix>*` once joined; the bucket ARN itself has no "/".
      const match = /"\/([^"]*)\*"/.exec(JSON.stringify(resource));
      if (match === null) continue;
      for (const action of actions) {
        if (!action.startsWith('s3:')) continue;
        grants[action] = [...(grants[action] ?? []), match[1] === '' ? '*' : (match[1] ?? '')].sort();
      }
    }
  }
  return grants;
}

/** What `objectGrantsIn` should find for a bucket grant. */
export function expectedObjectGrants(grant: BucketGrant | undefined): Record<string, string[]> {
  const expected: Record<string, string[]> = {};
  for (const [access, actions] of Object.entries(objectActions) as [keyof BucketGrant, string[]][]) {
    const prefixes = grant?.[access] ?? [];
    if (prefixes.length === 0) continue;
    for (const action of actions) expected[action] = [...prefixes].sort();
  }
  return expected;
}
