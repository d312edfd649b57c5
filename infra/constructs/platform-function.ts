/**
 * The one Lambda function shape of the platform: Node 22 on x86_64, X-Ray tracing, its own log group
 * with a retention, source maps, and an ESM bundle built by esbuild from a handler module of this
 * repository. Grants go through the bind helpers, which set the resource's environment variable and
 * attach least-privilege statements together, so a function never learns a name it may not use.
 */
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type ILayerVersion, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import {
  type ICommandHooks,
  LogLevel,
  NodejsFunction,
  OutputFormat,
  SourceMapMode,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { BucketName, TableName } from '#definitions/storage.ts';
import type { BucketGrant, Grant } from '#http/routes.ts';
import { acknowledgeWildcardResource } from './nag.ts';
import type { PlatformBucket, PlatformStorage, PlatformTable } from './storage.ts';

/** Table and bucket grants, as the route table and the workflow table list them. */
export interface StorageGrants {
  readonly tables?: Partial<Record<TableName, Grant>>;
  readonly buckets?: Partial<Record<BucketName, BucketGrant>>;
}

/** The repository root: route entries and the lock file are resolved from here. */
export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * DynamoDB actions per grant level. Written out rather than taken from `grantReadData`, which adds
 * stream reads and `index/*` wildcards; the handlers use single-item calls, queries on named indexes,
 * and a paginated admin scan of API keys.
 */
const tableActions: Readonly<Record<Grant, readonly string[]>> = {
  read: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:Scan',
    'dynamodb:ConditionCheckItem',
    'dynamodb:DescribeTable',
  ],
  readWrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:Scan',
    'dynamodb:ConditionCheckItem',
    'dynamodb:DescribeTable',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
};

/**
 * S3 actions per kind of object access, without the `s3:GetObject*` / `s3:List*` wildcards of
 * `grantRead`; each is granted on key prefixes only. `GetObjectVersion` reads the object version a
 * model version is pinned to.
 */
const objectActions: Readonly<Record<keyof BucketGrant, readonly string[]>> = {
  read: ['s3:GetObject', 's3:GetObjectVersion'],
  write: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
  delete: ['s3:DeleteObject'],
};

/** Bundling hooks that copy `pkg/file` paths from the repository's node_modules into the bundle's. */
function copyPackageFiles(files: readonly string[]): ICommandHooks {
  for (const file of files) {
    if (!/^(@[a-z0-9-]+\/)?[a-z0-9.-]+\/[A-Za-z0-9._-]+$/.test(file)) {
      throw new Error(`Package files are "package/file" names; got "${file}".`);
    }
  }
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) =>
      files.flatMap((file) => {
        const target = `${outputDir}/node_modules/${file}`;
        return [
          `mkdir -p "${target.slice(0, target.lastIndexOf('/'))}"`,
          `cp "${inputDir}/node_modules/${file}" "${target}"`,
        ];
      }),
  };
}

export interface PlatformFunctionProps {
  /** Handler module, relative to the repository root (a route's `entry`); it exports `handler`. */
  readonly entry: string;
  readonly description?: string;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default 10 seconds (API Gateway gives up on an integration after 30 s) */
  readonly timeout?: Duration;
  readonly environment?: Readonly<Record<string, string>>;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Modules to leave out of the bundle (e.g. `onnxruntime-node`, shipped in a layer). @default none */
  readonly externalModules?: readonly string[];
  /** Layers providing the external modules. @default none */
  readonly layers?: readonly ILayerVersion[];
  /**
   * Files of installed packages (`pkg/file`) the handler reads at run time, copied into the bundle's
   * own `node_modules` so the same package resolution finds them locally and on Lambda. @default none
   */
  readonly packageFiles?: readonly string[];
}

/** What a caller may tune per function; runtime, tracing, logging and bundling stay fixed. */
export type PlatformFunctionOptions = Pick<
  PlatformFunctionProps,
  'memorySize' | 'timeout' | 'externalModules' | 'layers' | 'description' | 'packageFiles'
>;

/**
 * @example
 * const fn = new PlatformFunction(this, 'GetHealth', { entry: 'functions/http/platform/get-health.ts' });
 * fn.bindTable(storage.tables.apiKeys, 'read');
 */
export class PlatformFunction extends NodejsFunction {
  /** The function's own log group (also `logGroup`, typed as the interface there). */
  readonly functionLogGroup: LogGroup;
  /** The execution role, created here without managed policies. */
  readonly executionRole: Role;

  constructor(scope: Construct, id: string, props: PlatformFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      // Logs outlive the stateless stack: they are evidence when something went wrong.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // An explicit role instead of AWSLambdaBasicExecutionRole: writing to this function's own log
    // group is all it needs, not logs:CreateLogGroup on every log group of the account.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.entry}`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: `${repositoryRoot}${props.entry}`,
      handler: 'handler',
      projectRoot: repositoryRoot,
      depsLockFilePath: `${repositoryRoot}package-lock.json`,
      description: props.description ?? props.entry,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.X86_64,
      tracing: Tracing.ACTIVE,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      // Lambda's log format stays Text on purpose: Powertools writes JSON lines itself, and with the
      // JSON format (advanced logging controls) AWS_LAMBDA_LOG_LEVEL would override POWERTOOLS_LOG_LEVEL.
      logGroup,
      role,
      environment: { ...props.environment },
      layers: [...(props.layers ?? [])],
      bundling: {
        // esbuild's per-file size report is noise at synth; warnings and errors still show.
        logLevel: LogLevel.WARNING,
        format: OutputFormat.ESM,
        // ESM-first resolution: smaller, tree-shakeable builds of the AWS SDK and middy (ESM-only).
        mainFields: ['module', 'main'],
        // A few CommonJS dependencies call require(); ESM output has none unless we make one.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        target: 'node22',
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        // esbuild's account of what went into the bundle (index.meta.json beside index.mjs): what
        // `bench/bundle-report.ts` reads to say which inputs make a function's bundle big. It ships
        // in the asset like the source map; nothing reads it at run time.
        metafile: true,
        tsconfig: `${repositoryRoot}tsconfig.json`,
        // onnxruntime-node would try to download CUDA libraries from a host we cannot reach.
        environment: { ONNXRUNTIME_NODE_INSTALL: 'skip' },
        // The AWS SDK is bundled, not taken from the runtime: the runtime's copy changes under us
        // with each Lambda release, while package-lock.json pins the version the tests ran against
        // (and the local emulators need the checksum options of that version). The cost, a bigger
        // bundle, is paid once per cold start and trimmed by tree shaking of the ESM build.
        bundleAwsSDK: true,
        externalModules: [...(props.externalModules ?? [])],
        ...(props.packageFiles?.length ? { commandHooks: copyPackageFiles(props.packageFiles) } : {}),
      },
    });
    this.functionLogGroup = logGroup;
    this.executionRole = role;

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x on purpose: the toolchain, local platform and tests run on Node 22; ' +
        'moving to a newer runtime is a deliberate upgrade of all of them together.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only xray:PutTraceSegments and xray:PutTelemetryRecords (added by Tracing.ACTIVE) use "*": ' +
        'X-Ray has no resource-level permissions for these actions.',
    });
  }

  /** Sets the table's name variable and grants `read` or `readWrite` on the table and its named indexes. */
  bindTable(table: PlatformTable, grant: Grant): this {
    this.addEnvironment(table.definition.envVar, table.table.tableName);
    const arn = table.table.tableArn;
    this.executionRole.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...tableActions[grant]],
        resources: [arn, ...table.definition.globalIndexes.map((index) => `${arn}/index/${index.indexName}`)],
      }),
    );
    return this;
  }

  /** Binds every table and bucket of `grants` (see `bindTable` and `bindBucket`). */
  bindStorage(storage: PlatformStorage, grants: StorageGrants): this {
    for (const [name, grant] of Object.entries(grants.tables ?? {}) as [TableName, Grant][]) {
      this.bindTable(storage.tables[name], grant);
    }
    for (const [name, grant] of Object.entries(grants.buckets ?? {}) as [BucketName, BucketGrant][]) {
      this.bindBucket(storage.buckets[name], grant);
    }
    return this;
  }

  /**
   * Sets the bucket's name variable, lets the function list the bucket, and grants each kind of
   * object access on the key prefixes `grant` names, nothing outside them.
   */
  bindBucket(bucket: PlatformBucket, grant: BucketGrant): this {
    this.addEnvironment(bucket.definition.envVar, bucket.bucket.bucketName);
    const bucketActions = [
      's3:ListBucket',
      ...(grant.write?.length ? ['s3:ListBucketMultipartUploads'] : []),
    ];
    this.executionRole.addToPrincipalPolicy(
      new PolicyStatement({ actions: bucketActions, resources: [bucket.bucket.bucketArn] }),
    );
    for (const [access, actions] of Object.entries(objectActions) as [keyof BucketGrant, string[]][]) {
      const prefixes = grant[access] ?? [];
      if (prefixes.length === 0) continue;
      const resources = prefixes.map((prefix) => {
        if (!/^[a-z0-9-]+\/([a-z0-9-]+\/)*$/.test(prefix)) {
          throw new Error(`Bucket grant prefixes are folder names ending in "/"; got "${prefix}".`);
        }
        return bucket.bucket.arnForObjects(`${prefix}*`);
      });
      this.executionRole.addToPrincipalPolicy(new PolicyStatement({ actions: [...actions], resources }));
      for (const [index, resource] of resources.entries()) {
        acknowledgeWildcardResource(
          this.executionRole,
          resource,
          `The objects under one key prefix (${prefixes[index]}) of one bucket: the keys below it are ` +
            'made at run time (names, version numbers and random ids).',
        );
      }
    }
    return this;
  }
}
