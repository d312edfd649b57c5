import { readFileSync } from 'node:fs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI_CALLBACK_URL } from '#core/auth/sign-in.ts';
import { bucketDefinitions, tableDefinitions } from '#definitions/storage.ts';
import { buildPlatformApp, type PlatformApp } from '../../infra/app.ts';

/** The app as `cdk synth` builds it (cdk.json context), with bundling skipped. */
function synthesize(context: Record<string, unknown> = {}): PlatformApp & { template: Template } {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  const platform = buildPlatformApp({
    context: { ...cdkJson.context, stage: 'test', 'aws:cdk:bundling-stacks': [], ...context },
  });
  platform.app.synth();
  return { ...platform, template: Template.fromStack(platform.stateful) };
}

let template: Template;

beforeAll(() => {
  ({ template } = synthesize());
}, 120_000);

describe('PlatformStorage tables', () => {
  it('builds one on-demand, retained, deletion-protected, encrypted table with point-in-time recovery per definition', () => {
    // Prepare
    const definitions = Object.values(tableDefinitions);

    // Act
    const tables = template.findResources('AWS::DynamoDB::GlobalTable');

    // Assess
    expect(Object.keys(tables)).toHaveLength(definitions.length);
    for (const table of Object.values(tables)) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
      expect(table.Properties.Replicas).toHaveLength(1);
      expect(table.Properties.Replicas[0].PointInTimeRecoverySpecification).toEqual({
        PointInTimeRecoveryEnabled: true,
      });
      expect(table.Properties.Replicas[0].DeletionProtectionEnabled).toBe(true);
    }
  });

  it.each(Object.values(tableDefinitions))('gives $id its keys, indexes and TTL attribute', (definition) => {
    // Prepare
    const keySchema = [
      { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
      ...('sortKey' in definition ? [{ AttributeName: definition.sortKey.name, KeyType: 'RANGE' }] : []),
    ];
    const ttl =
      'timeToLiveAttribute' in definition
        ? { AttributeName: definition.timeToLiveAttribute, Enabled: true }
        : Match.absent();
    const indexes =
      definition.globalIndexes.length > 0
        ? definition.globalIndexes.map((index) =>
            Match.objectLike({
              IndexName: index.indexName,
              KeySchema: [
                { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
                ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' }] : []),
              ],
            }),
          )
        : Match.absent();

    // Act
    const matching = template.findResources('AWS::DynamoDB::GlobalTable', {
      Properties: { KeySchema: keySchema, TimeToLiveSpecification: ttl, GlobalSecondaryIndexes: indexes },
    });

    // Assess: one table per definition of that shape (two definitions may share one, e.g. job tables).
    const sameShape = Object.values(tableDefinitions).filter(
      (other) =>
        JSON.stringify([
          other.partitionKey,
          'sortKey' in other ? other.sortKey : undefined,
          other.globalIndexes,
        ]) ===
          JSON.stringify([
            definition.partitionKey,
            'sortKey' in definition ? definition.sortKey : undefined,
            definition.globalIndexes,
          ]) &&
        ('timeToLiveAttribute' in other ? other.timeToLiveAttribute : undefined) ===
          ('timeToLiveAttribute' in definition ? definition.timeToLiveAttribute : undefined),
    );
    expect(Object.keys(matching)).toHaveLength(sameShape.length);
  });
});

describe('PlatformStorage buckets', () => {
  it('blocks public access, encrypts and keeps every bucket', () => {
    // Prepare
    const expected = Object.keys(bucketDefinitions).length + 1; // + the access-log bucket

    // Act
    const buckets = template.findResources('AWS::S3::Bucket');

    // Assess
    expect(Object.keys(buckets)).toHaveLength(expected);
    for (const bucket of Object.values(buckets)) {
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
        { ServerSideEncryptionByDefault: { SSEAlgorithm: expect.stringMatching(/^(AES256|aws:kms)$/) } },
      ]);
    }
  });

  it('denies every request that does not use TLS, on every bucket', () => {
    // Prepare
    const bucketIds = Object.keys(template.findResources('AWS::S3::Bucket'));

    // Act
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));

    // Assess
    for (const bucketId of bucketIds) {
      const policy = policies.find((p) => p.Properties.Bucket.Ref === bucketId);
      expect(policy, `bucket policy of ${bucketId}`).toBeDefined();
      expect(policy?.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it.each(Object.values(bucketDefinitions))(
    'versions $id, logs its access and aborts stale uploads',
    (definition) => {
      // Prepare
      const logBucketId = Object.keys(
        template.findResources('AWS::S3::Bucket', { Properties: { LoggingConfiguration: Match.absent() } }),
      )[0];

      // Act
      const matching = template.findResources('AWS::S3::Bucket', {
        Properties: {
          VersioningConfiguration: { Status: 'Enabled' },
          LoggingConfiguration: {
            DestinationBucketName: { Ref: logBucketId },
            LogFilePrefix: `${definition.id.toLowerCase()}/`,
          },
          LifecycleConfiguration: {
            Rules: Match.arrayWith([
              Match.objectLike({
                AbortIncompleteMultipartUpload: {
                  DaysAfterInitiation: definition.abortIncompleteUploadsAfterDays,
                },
                Status: 'Enabled',
              }),
            ]),
          },
        },
      });

      // Assess
      expect(Object.keys(matching)).toHaveLength(1);
    },
  );

  it.each(Object.values(bucketDefinitions))(
    'bounds what $id keeps: abandoned uploads/ objects and noncurrent versions expire',
    (definition) => {
      // Act
      const matching = template.findResources('AWS::S3::Bucket', {
        Properties: {
          LoggingConfiguration: { LogFilePrefix: `${definition.id.toLowerCase()}/` },
          LifecycleConfiguration: {
            Rules: Match.arrayWith([
              Match.objectLike({
                Prefix: 'uploads/',
                ExpirationInDays: definition.abandonedUploadsExpireAfterDays,
                Status: 'Enabled',
              }),
              Match.objectLike({
                NoncurrentVersionExpiration: { NoncurrentDays: definition.noncurrentVersionsExpireAfterDays },
                ExpiredObjectDeleteMarker: true,
                Status: 'Enabled',
              }),
            ]),
          },
        },
      });

      // Assess
      expect(Object.keys(matching)).toHaveLength(1);
      // Nothing else expires: committed datasets and registered model files stay.
      const rules = Object.values(matching)[0]?.Properties.LifecycleConfiguration.Rules as {
        ExpirationInDays?: number;
        Prefix?: string;
      }[];
      expect(rules.filter((r) => r.ExpirationInDays !== undefined).map((r) => r.Prefix)).toEqual([
        'uploads/',
      ]);
    },
  );
});

describe('PlatformAuth', () => {
  it('builds an invitation-only, retained user pool with a strong password policy and optional TOTP', () => {
    // Prepare
    const expected = {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      AliasAttributes: ['email'],
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: Match.anyValue(),
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
    };

    // Act
    const pools = template.findResources('AWS::Cognito::UserPool', { Properties: expected });

    // Assess
    expect(Object.values(pools)).toHaveLength(1);
    const pool = Object.values(pools)[0];
    expect(pool?.DeletionPolicy).toBe('Retain');
    expect(pool?.Properties.Policies.PasswordPolicy.MinimumLength).toBeGreaterThanOrEqual(8);
  });

  it('creates the admin and user groups', () => {
    // Act
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup'));

    // Assess
    expect(groups.map((g) => g.Properties.GroupName).sort()).toEqual(['admin', 'user']);
  });

  it('keeps one public app client with SRP sign-in only (no USER_PASSWORD_AUTH, no OAuth) and one-hour tokens', () => {
    // Act
    const clients = Object.values(
      template.findResources('AWS::Cognito::UserPoolClient', {
        Properties: { ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH']) },
      }),
    );

    // Assess
    expect(clients).toHaveLength(1);
    expect(clients[0]?.Properties.ExplicitAuthFlows).not.toContain('ALLOW_USER_PASSWORD_AUTH');
    expect(clients[0]?.Properties.AllowedOAuthFlowsUserPoolClient).toBe(false);
    expect(clients[0]?.Properties).toMatchObject({
      GenerateSecret: false,
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes' },
    });
  });

  it('gives the pool a Cognito domain, its prefix from the context, default mlp-<stage>-<account>', () => {
    // Prepare
    const custom = synthesize({ authDomainPrefix: 'acme-ml' }).template;

    // Act
    const domain = Object.values(template.findResources('AWS::Cognito::UserPoolDomain'))[0];

    // Assess
    expect(domain?.Properties.Domain).toEqual({ 'Fn::Join': ['', ['mlp-test-', { Ref: 'AWS::AccountId' }]] });
    custom.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'acme-ml' });
    expect(() => synthesize({ authDomainPrefix: 'my-cognito' })).toThrow(/authDomainPrefix/);
  });

  it('builds the CLI app client: authorization code only, public, openid/email/profile, localhost callback', () => {
    // Act
    const clients = Object.values(
      template.findResources('AWS::Cognito::UserPoolClient', {
        Properties: { AllowedOAuthFlowsUserPoolClient: true },
      }),
    );

    // Assess
    expect(clients).toHaveLength(1);
    expect(clients[0]?.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: [CLI_CALLBACK_URL],
      SupportedIdentityProviders: ['COGNITO'],
      EnableTokenRevocation: true,
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
    });
  });

  it('requires MFA of admins: a version 2 pre-token-generation trigger that may read users of this pool only', () => {
    // Prepare
    const pool = Object.values(template.findResources('AWS::Cognito::UserPool'))[0];
    const poolId = Object.keys(template.findResources('AWS::Cognito::UserPool'))[0];
    const trigger = pool?.Properties.LambdaConfig.PreTokenGenerationConfig;
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes('cognito-idp:AdminGetUser'),
    );

    // Assess
    expect(trigger).toEqual({
      LambdaArn: { 'Fn::GetAtt': [expect.stringMatching(/PreTokenGeneration/), 'Arn'] },
      LambdaVersion: 'V2_0',
    });
    expect(policies).toHaveLength(1);
    expect(policies[0]?.Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: 'cognito-idp:AdminGetUser', Resource: { 'Fn::GetAtt': [poolId, 'Arn'] } },
    ]);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'cognito-idp.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [poolId, 'Arn'] },
    });
  });

  it('outputs the user pool id and the client id', () => {
    // Act
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

    // Assess
    expect(outputs.UserPoolId?.Value).toEqual({ Ref: expect.stringMatching(/^AuthUserPool/) });
    expect(outputs.UserPoolClientId?.Value).toEqual({ Ref: expect.stringMatching(/^AuthUserPoolAppClient/) });
    expect(outputs.CliClientId?.Value).toEqual({ Ref: expect.stringMatching(/^AuthUserPoolCliClient/) });
    expect(JSON.stringify(outputs.UserPoolDomainUrl?.Value)).toContain('.amazoncognito.com');
  });
});
