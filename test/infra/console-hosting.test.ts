/**
 * The console's hosting on AWS (infra/constructs/console-hosting.ts), built in a stack of its own with
 * a user pool, its domain and an HTTP API as fixtures, and a two-file site folder made for the test.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleHosting } from '../../infra/constructs/console-hosting.ts';

/** Managed policy ids (CloudFront's own, the same in every account). */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Principal?: unknown;
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

let siteDir: string;
let stack: Stack;
let hosting: ConsoleHosting;
let template: Template;
const ids: Record<string, string> = {};

/** The one resource of a type, with its logical id. */
function only(type: string): { id: string; resource: { Properties: any } } {
  const found = Object.entries(template.findResources(type));
  expect(found, type).toHaveLength(1);
  const [[id, resource]] = found as [[string, { Properties: any }]];
  return { id, resource };
}

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

beforeAll(() => {
  siteDir = mkdtempSync(join(tmpdir(), 'console-site-'));
  mkdirSync(join(siteDir, 'assets'));
  writeFileSync(
    join(siteDir, 'index.html'),
    '<!doctype html><title>console</title><script type="module" src="assets/main-TEST.js"></script>',
  );
  writeFileSync(join(siteDir, 'assets', 'main-TEST.js'), 'document.title = "console";');

  const app = new App({ context: { [S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY]: true } });
  stack = new Stack(app, 'ConsoleTest');
  const userPool = new UserPool(stack, 'UserPool');
  const domain = userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: 'console-test' } });
  const httpApi = new HttpApi(stack, 'HttpApi');
  Validations.of(userPool).acknowledge(
    {
      id: 'AwsSolutions-COG1',
      reason: 'Test fixture: the platform user pool is checked in stateful-stack tests.',
    },
    {
      id: 'AwsSolutions-COG2',
      reason: 'Test fixture: the platform user pool is checked in stateful-stack tests.',
    },
    {
      id: 'AwsSolutions-COG8',
      reason: 'Test fixture: the platform user pool is checked in stateful-stack tests.',
    },
  );
  Validations.of(httpApi).acknowledge({
    id: 'AwsSolutions-APIG1',
    reason: 'Test fixture: the platform HTTP API and its access logs are checked in api-stack tests.',
  });
  hosting = new ConsoleHosting(stack, 'Console', {
    site: { path: siteDir },
    httpApi,
    userPool,
    signInBaseUrl: domain.baseUrl(),
  });
  app.synth();
  template = Template.fromStack(stack);
  for (const [name, construct] of Object.entries({
    siteBucket: hosting.siteBucket,
    logsBucket: hosting.accessLogsBucket,
    distribution: hosting.distribution,
    userPool,
    domain,
    httpApi,
    client: hosting.userPoolClient,
  })) {
    ids[name] = stack.getLogicalId(construct.node.defaultChild as never);
  }
}, 120_000);

afterAll(() => {
  rmSync(siteDir, { recursive: true, force: true });
});

describe('ConsoleHosting site bucket', () => {
  it('is private, encrypted, versioned, logged and retained', () => {
    // Act
    const bucket = template.toJSON().Resources[ids.siteBucket as string];

    // Assess
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: ids.logsBucket }, LogFilePrefix: 's3/' },
    });
    expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
  });

  it('lets CloudFront read objects for this distribution only, and refuses plain HTTP', () => {
    // Prepare
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).filter(
      (policy) => policy.Properties.Bucket.Ref === ids.siteBucket,
    );

    // Act
    const statements = policies.flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
    );
    const allows = statements.filter((statement) => statement.Effect === 'Allow');

    // Assess
    expect(allows).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.siteBucket, 'Arn'] }, '/*']] },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':cloudfront::',
                  { Ref: 'AWS::AccountId' },
                  ':distribution/',
                  { Ref: ids.distribution },
                ],
              ],
            },
          },
        },
      },
    ]);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('sends its server access logs and CloudFront’s to a private, encrypted log bucket that expires them', () => {
    // Act
    const logs = template.toJSON().Resources[ids.logsBucket as string];

    // Assess
    expect(logs.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LifecycleConfiguration: {
        Rules: [expect.objectContaining({ ExpirationInDays: 365, Status: 'Enabled' })],
      },
    });
    expect(only('AWS::CloudFront::Distribution').resource.Properties.DistributionConfig.Logging).toEqual({
      Bucket: { 'Fn::GetAtt': [ids.logsBucket, 'RegionalDomainName'] },
      Prefix: 'cloudfront/',
    });
  });
});

describe('ConsoleHosting distribution', () => {
  it('reads the bucket through an Origin Access Control that signs every request', () => {
    // Prepare
    const oac = only('AWS::CloudFront::OriginAccessControl');

    // Act
    const origins = only('AWS::CloudFront::Distribution').resource.Properties.DistributionConfig
      .Origins as any[];
    const s3Origin = origins.find((origin) => origin.S3OriginConfig);

    // Assess
    expect(oac.resource.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    expect(s3Origin).toMatchObject({
      DomainName: { 'Fn::GetAtt': [ids.siteBucket, 'RegionalDomainName'] },
      OriginAccessControlId: { 'Fn::GetAtt': [oac.id, 'Id'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
  });

  it('serves the console over HTTPS with the security headers and the SPA routing function', () => {
    // Prepare
    const headers = only('AWS::CloudFront::ResponseHeadersPolicy');
    const routing = only('AWS::CloudFront::Function');

    // Act
    const behavior = only('AWS::CloudFront::Distribution').resource.Properties.DistributionConfig
      .DefaultCacheBehavior;

    // Assess
    expect(behavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      ResponseHeadersPolicyId: { Ref: headers.id },
      FunctionAssociations: [
        { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [routing.id, 'FunctionARN'] } },
      ],
    });
  });

  it('forwards /v1/* to the HTTP API over TLS 1.2, every method, uncached, every viewer header but Host', () => {
    // Prepare
    const config = only('AWS::CloudFront::Distribution').resource.Properties.DistributionConfig;

    // Act
    const [behavior, ...others] = config.CacheBehaviors as any[];
    const origin = (config.Origins as any[]).find((o) => o.Id === behavior.TargetOriginId);

    // Assess
    expect(others).toEqual([]);
    expect(behavior).toMatchObject({
      PathPattern: '/v1/*',
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: expect.arrayContaining(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']),
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
    });
    expect(behavior.ResponseHeadersPolicyId).toBeUndefined();
    expect(origin).toEqual({
      Id: behavior.TargetOriginId,
      DomainName: {
        'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [ids.httpApi, 'ApiEndpoint'] }] }],
      },
      CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
    });
  });
});

describe('ConsoleHosting security headers', () => {
  const policy = () =>
    only('AWS::CloudFront::ResponseHeadersPolicy').resource.Properties.ResponseHeadersPolicyConfig
      .SecurityHeadersConfig;

  /** The CSP with CloudFormation references written as `<ref>`. */
  function contentSecurityPolicy(): string {
    const value = policy().ContentSecurityPolicy.ContentSecurityPolicy;
    const parts: unknown[] = typeof value === 'string' ? [value] : value['Fn::Join'][1];
    return parts
      .map((part) => (typeof part === 'string' ? part : `<${JSON.stringify(part).replace(/"/g, '')}>`))
      .join('');
  }

  it('sets a strict Content-Security-Policy: own scripts only, no inline, no framing; the API on the same origin and the identity provider', () => {
    // Act
    const directives = Object.fromEntries(
      contentSecurityPolicy()
        .split('; ')
        .map((directive) => {
          const [name, ...values] = directive.split(' ');
          return [name, values];
        }),
    );

    // Assess
    expect(directives).toEqual({
      'default-src': ["'none'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'"],
      'connect-src': ["'self'", `https://<{Ref:${ids.domain}}>.auth.<{Ref:AWS::Region}>.amazoncognito.com`],
      'manifest-src': ["'self'"],
      'base-uri': ["'none'"],
      'form-action': ["'none'"],
      'frame-ancestors': ["'none'"],
    });
    expect(policy().ContentSecurityPolicy.Override).toBe(true);
  });

  it('sets HSTS for a year, nosniff, frame DENY and no referrer', () => {
    // Act
    const headers = policy();

    // Assess
    expect(headers.StrictTransportSecurity).toEqual({
      AccessControlMaxAgeSec: 31_536_000,
      IncludeSubdomains: true,
      Override: true,
    });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
  });
});

describe('ConsoleHosting SPA routing function', () => {
  type Result = { uri?: string; statusCode?: number; headers?: { location?: { value: string } } };

  /** Runs the function's code as CloudFront would, on a viewer request for `uri`. */
  function route(uri: string): Result {
    const code = only('AWS::CloudFront::Function').resource.Properties.FunctionCode as string;
    return runInNewContext(`${code}\nhandler(event)`, { event: { request: { uri, headers: {} } } }) as Result;
  }

  it.each([
    ['/console/', '/console/index.html'],
    ['/console/models', '/console/index.html'],
    ['/console/models/iris/versions/3', '/console/index.html'],
    ['/console/callback', '/console/index.html'],
    ['/console/app.js', '/console/app.js'],
    ['/console/config.json', '/console/config.json'],
    ['/console/assets/chart.css', '/console/assets/chart.css'],
    ['/robots.txt', '/robots.txt'],
  ])('answers %s with the object %s', (uri, object) => {
    // Act
    const result = route(uri);

    // Assess
    expect(result.statusCode).toBeUndefined();
    expect(result.uri).toBe(object);
  });

  it.each(['/', '/console'])('redirects %s to /console/', (uri) => {
    // Act
    const result = route(uri);

    // Assess
    expect(result.statusCode).toBe(302);
    expect(result.headers?.location?.value).toBe('/console/');
  });

  it('runs on the cloudfront-js-2.0 runtime', () => {
    expect(only('AWS::CloudFront::Function').resource.Properties.FunctionConfig.Runtime).toBe(
      'cloudfront-js-2.0',
    );
  });
});

describe('ConsoleHosting app client', () => {
  it('is a public client of the user pool: authorization code only, callback and logout on the distribution, no API sign-in flow', () => {
    // Prepare
    const distributionUrl = (path: string) => ({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [ids.distribution, 'DomainName'] }, path]],
    });

    // Act
    const client = template.toJSON().Resources[ids.client as string].Properties;

    // Assess
    expect(client).toMatchObject({
      UserPoolId: { Ref: ids.userPool },
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: [distributionUrl('/console/callback')],
      LogoutURLs: [distributionUrl('/console/')],
      SupportedIdentityProviders: ['COGNITO'],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
    });
  });
});

describe('ConsoleHosting deployment', () => {
  it('syncs the hashed assets first (immutable, never pruned), then the rest with config.json (revalidated, pruned, invalidated)', () => {
    // Prepare
    const deployments = template.findResources('Custom::CDKBucketDeployment');
    const idOf = (deployment: IConstruct) =>
      stack.getLogicalId(
        deployment.node
          .findAll()
          .find(
            (c) => CfnResource.isCfnResource(c) && c.cfnResourceType === 'Custom::CDKBucketDeployment',
          ) as CfnResource,
      );
    const assetsId = idOf(hosting.assetsDeployment);
    const pagesId = idOf(hosting.deployment);

    // Act
    const assets = deployments[assetsId];
    const pages = deployments[pagesId];

    // Assess
    expect(Object.keys(deployments)).toHaveLength(2);
    expect(assets?.Properties).toMatchObject({
      DestinationBucketName: { Ref: ids.siteBucket },
      DestinationBucketKeyPrefix: 'console/',
      Exclude: ['*'],
      Include: ['assets/*'],
      Prune: false,
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    expect(assets?.Properties.SourceObjectKeys).toHaveLength(1);
    expect(assets?.Properties.DistributionId).toBeUndefined();
    expect(pages?.Properties).toMatchObject({
      DestinationBucketName: { Ref: ids.siteBucket },
      DestinationBucketKeyPrefix: 'console/',
      Exclude: ['assets/*'],
      Prune: true,
      DistributionId: { Ref: ids.distribution },
      DistributionPaths: ['/console/*'],
      SystemMetadata: { 'cache-control': 'no-cache' },
    });
    expect(pages?.Properties.SourceObjectKeys).toHaveLength(2);
    expect(pages?.Properties.SourceObjectKeys[0]).toBe(assets?.Properties.SourceObjectKeys[0]);
    expect(pages?.DependsOn).toContain(assetsId);
  });

  it('writes a config.json naming the API (same origin), the console client and the sign-in endpoints, so no discovery is read', () => {
    // Act
    const config = stack.resolve(hosting.config);

    // Assess
    const url = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [ids.distribution, 'DomainName'] }]] };
    expect(config.apiUrl).toEqual(url);
    const distributionUrl = (path: string) => ({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [ids.distribution, 'DomainName'] }, path]],
    });
    const discovery = JSON.stringify(config.identity.discoveryUrl);
    expect(discovery).toContain(`{"Ref":"${ids.userPool}"}`);
    expect(discovery).toMatch(/^\{"Fn::Join":\["",\["https:\/\/cognito-idp\./);
    expect(discovery).toMatch(/\/\.well-known\/openid-configuration"\]\]\}$/);
    expect(config.identity.clientId).toEqual({ Ref: ids.client });
    expect(config.identity.scopes).toEqual(['openid', 'email', 'profile']);
    expect(config.identity.redirectUri).toEqual(distributionUrl('/console/callback'));
    expect(config.identity.logoutRedirectUri).toEqual(distributionUrl('/console/'));
    const domain = `https://<${ids.domain}>.auth.<AWS::Region>.amazoncognito.com`;
    /** A joined string with references written `<logical id>`. */
    const flat = (value: { 'Fn::Join': [string, unknown[]] }) =>
      value['Fn::Join'][1]
        .map((part) => (typeof part === 'string' ? part : `<${(part as { Ref: string }).Ref}>`))
        .join('');
    expect(flat(config.identity.authorizationEndpoint)).toBe(`${domain}/oauth2/authorize`);
    expect(flat(config.identity.tokenEndpoint)).toBe(`${domain}/oauth2/token`);
    expect(flat(config.identity.logoutEndpoint)).toBe(`${domain}/logout`);
  });

  it('runs with a role of its own: read the assets, write console/ of the site bucket, invalidate this distribution, log', () => {
    // Prepare
    const roleId = stack.getLogicalId(hosting.deploymentRole.node.defaultChild as never);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId),
    );

    // Act
    const statements = policies.flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
    );
    const granted = statements.map((s) => [asList(s.Action).sort(), JSON.stringify(s.Resource)] as const);

    // Assess
    expect(template.toJSON().Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    expect(granted).toHaveLength(5);
    expect(granted).toContainEqual([
      ['s3:ListBucket'],
      JSON.stringify({ 'Fn::GetAtt': [ids.siteBucket, 'Arn'] }),
    ]);
    expect(granted).toContainEqual([
      ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:PutObject'],
      JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.siteBucket, 'Arn'] }, '/console/*']] }),
    ]);
    const invalidation = granted.find(([actions]) => actions.includes('cloudfront:CreateInvalidation'));
    expect(invalidation?.[1]).toContain(`{"Ref":"${ids.distribution}"}`);
    const read = granted.find(([actions]) => actions.includes('s3:GetObject'));
    expect(read?.[0]).toEqual(['s3:GetObject']);
    expect(read?.[1]).toContain('cdk-hnb659fds-assets-');
    for (const [actions, resource] of granted) {
      expect(
        actions.some((action) => action.includes('*')),
        actions.join(),
      ).toBe(false);
      expect(resource).not.toBe('"*"');
    }
    // The handler runs as that role, and only after its policy is attached.
    const handler = Object.values(template.findResources('AWS::Lambda::Function'))[0];
    expect(handler?.Properties.Role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    const assetsDeployment =
      template.toJSON().Resources[
        stack.getLogicalId(
          hosting.assetsDeployment.node
            .findAll()
            .find(
              (c) => CfnResource.isCfnResource(c) && c.cfnResourceType === 'Custom::CDKBucketDeployment',
            ) as CfnResource,
        )
      ];
    expect(assetsDeployment).toMatchObject({
      DependsOn: expect.arrayContaining([
        roleId,
        stack.getLogicalId(hosting.deploymentRole.node.findChild('DefaultPolicy').node.defaultChild as never),
      ]),
    });
  });
});

describe('ConsoleHosting and cdk-nag', () => {
  it('leaves no AwsSolutions finding unacknowledged', () => {
    // Act
    const result = new AwsSolutionsChecks().validateScope(stack);

    // Assess
    expect(result.violations.map((v) => v.ruleName)).toEqual([]);
  });
});
