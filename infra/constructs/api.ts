/**
 * The HTTP API, built from the route table (`#http/routes.ts`): one function and one route per entry,
 * the Lambda authorizer on every non-public route, and each function's grants as the table lists them.
 * Every function receives the whole environment `functions/config.ts` validates at cold start (names
 * are not secrets); what a function may do with them is decided by IAM, route by route. The one
 * secret, the key that signs pagination cursors, is generated per deployment and goes to the
 * functions that page listings (routes, workflow tasks, scheduled functions), not to the authorizer.
 */
import { Duration, Fn, Lazy, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnRoute,
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CREDENTIAL_HEADER } from '#core/auth/authenticate.ts';
import { CLI_CALLBACK_URL } from '#core/auth/sign-in.ts';
import type { TableName } from '#definitions/storage.ts';
import {
  authorizerEntry,
  type Grant,
  type RouteDefinition,
  routeList,
  type WorkflowGrant,
} from '#http/routes.ts';
import { workflows as workflowTable } from '../../functions/steps/workflows.ts';
import type { PlatformAuth } from './auth.ts';
import { OnnxRuntimeLayer } from './onnx-runtime-layer.ts';
import { grantWorkflow, type WorkflowArns, type WorkflowName } from './pipeline.ts';
import { PlatformFunction, type PlatformFunctionOptions } from './platform-function.ts';
import { stageRouteSettings } from './route-throttling.ts';
import type { PlatformStorage } from './storage.ts';

export interface PlatformApiProps {
  readonly storage: PlatformStorage;
  readonly auth: PlatformAuth;
  /** Deployment stage name, e.g. `dev` or `prod` (the functions' `STAGE`). */
  readonly stage: string;
  /** The platform's version (package.json), reported by the health route. */
  readonly serviceVersion: string;
  /** Browser origins allowed by CORS. @default none: no CORS configuration at all */
  readonly corsAllowedOrigins?: readonly string[];
  /** Requests per minute per API key or user, enforced by the functions. @default 600 */
  readonly rateLimitPerMinute?: number;
  /** Largest request body the handlers accept, in bytes. @default 1 MiB */
  readonly maxRequestBodyBytes?: number;
  /** How long an idempotent response is replayed. @default 1 hour */
  readonly idempotencyTtl?: Duration;
  /**
   * Stage-wide throttling, in front of the per-key limits; routes get tighter limits by kind
   * (route-throttling.ts), never above these. @default 100 requests/s, burst 200
   */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /**
   * Per-route function settings, keyed by operation id: e.g. a prediction route's memory, and
   * `onnxruntime-node` as an external module provided by a layer.
   */
  readonly functionOptions?: Readonly<Record<string, PlatformFunctionOptions>>;
  /** The layer for routes with `function.onnxRuntime`. @default one built from node_modules */
  readonly onnxRuntimeLayer?: ILayerVersion;
  /**
   * The workflows' state machines (see `workflowArns` in pipeline.ts): each ARN reaches every function
   * as the workflow's `envVar`, and routes with `grants.workflows` may start and stop its executions.
   * @default none: a route asking for a workflow grant is an error
   */
  readonly workflows?: Readonly<Partial<Record<WorkflowName, WorkflowArns>>>;
}

/** Headers a browser may send and read; the API's own headers and nothing else. */
export const corsAllowHeaders = ['authorization', 'content-type', 'idempotency-key'];
export const corsExposeHeaders = ['x-request-id', 'retry-after'];

const grantRank: Readonly<Record<Grant, number>> = { read: 0, readWrite: 1 };
const strongest = (a: Grant | undefined, b: Grant): Grant => (a && grantRank[a] > grantRank[b] ? a : b);

/** PascalCase construct id from an operation id: `getHealth` → `GetHealth`. */
const constructId = (operationId: string) => `${operationId[0]?.toUpperCase()}${operationId.slice(1)}`;

/**
 * @example
 * const api = new PlatformApi(this, 'Api', { storage, auth, stage: 'dev', serviceVersion: '0.1.0' });
 * api.httpApi.apiEndpoint;
 */
export class PlatformApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly authorizerFunction: PlatformFunction;
  /** One function per route, keyed by the route's operation id. */
  readonly routeFunctions: Readonly<Record<string, PlatformFunction>>;
  /** Every function of the API, the authorizer included. */
  readonly functions: readonly PlatformFunction[];
  /** The environment every function receives. */
  readonly environment: Readonly<Record<string, string>>;
  /** Signs pagination cursors (HMAC); generated at the first deployment, never in code or template. */
  readonly cursorSigningKey: Secret;
  /** `environment` plus the cursor signing key: for the functions that page listings. */
  readonly listingEnvironment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: PlatformApiProps) {
    super(scope, id);
    const { storage, auth } = props;

    this.environment = {
      SERVICE_VERSION: props.serviceVersion,
      STAGE: props.stage,
      ...Object.fromEntries(
        Object.values(storage.tables).map(({ definition, table }) => [definition.envVar, table.tableName]),
      ),
      ...Object.fromEntries(
        Object.values(storage.buckets).map(({ definition, bucket }) => [
          definition.envVar,
          bucket.bucketName,
        ]),
      ),
      USER_POOL_ID: auth.userPool.userPoolId,
      // Lazy: a browser client added to the auth construct after this one is still accepted.
      USER_POOL_CLIENT_IDS: Lazy.string({
        produce: () =>
          Fn.join(
            ',',
            auth.apiClients.map((client) => client.userPoolClientId),
          ),
      }),
      OAUTH_DOMAIN_URL: auth.domainUrl,
      CLI_CLIENT_ID: auth.cliClient.userPoolClientId,
      CLI_REDIRECT_URI: CLI_CALLBACK_URL,
      RATE_LIMIT_PER_MINUTE: String(props.rateLimitPerMinute ?? 600),
      MAX_REQUEST_BODY_BYTES: String(props.maxRequestBodyBytes ?? 1024 * 1024),
      IDEMPOTENCY_TTL_SECONDS: String((props.idempotencyTtl ?? Duration.hours(1)).toSeconds()),
      ...Object.fromEntries(
        (Object.entries(props.workflows ?? {}) as [WorkflowName, WorkflowArns][]).map(([name, arns]) => [
          workflowTable[name].envVar,
          arns.stateMachineArn,
        ]),
      ),
    };
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;

    this.cursorSigningKey = new Secret(this, 'CursorSigningKey', {
      description: `ML platform (${props.stage}): signs pagination cursors`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      // Losing it only invalidates the cursors handed out: clients list again from the first page.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.cursorSigningKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The key only authenticates pagination cursors (no data is encrypted with it); a rotation would only invalidate the cursors outstanding, and the functions read it at deployment, so it is rotated by replacing the secret and redeploying.',
    });
    this.listingEnvironment = {
      ...this.environment,
      // Resolved by CloudFormation at deployment (a dynamic reference): the template holds no secret.
      CURSOR_SIGNING_KEY: this.cursorSigningKey.secretValue.unsafeUnwrap(),
    };

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const origins = props.corsAllowedOrigins ?? [];
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: `ML platform API (${props.stage})`,
      createDefaultStage: false,
      ...(origins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: [...origins],
              allowMethods: [CorsHttpMethod.ANY],
              allowHeaders: corsAllowHeaders,
              exposeHeaders: corsExposeHeaders,
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });

    const throttle = props.throttle ?? { rateLimit: 100, burstLimit: 200 };
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTimeEpoch',
            sourceIp: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    this.authorizerFunction = new PlatformFunction(this, 'AuthorizerFunction', {
      entry: authorizerEntry,
      description: 'Lambda authorizer: verifies a Cognito token or an API key',
      timeout: Duration.seconds(5),
      environment: this.environment,
      logRetention,
    })
      .bindTable(storage.tables.apiKeys, 'read')
      // Reads revocation times; counts failed credentials with atomic adds.
      .bindTable(storage.tables.usage, 'readWrite');

    const authorizer = new HttpLambdaAuthorizer('LambdaAuthorizer', this.authorizerFunction, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      // No result cache in API Gateway: it is keyed on the Authorization header alone, so a cached
      // decision would outlive the token's expiry, a sign-out or a key's revocation by its TTL, and
      // a cached refusal (even the 429 for repeated failures) would answer other source addresses
      // uncounted. The authorizer keeps its own cache instead (functions/http/authorizer.ts): a
      // token's verification until the token expires, while revocations (≤ 5 s stale) and API keys
      // (read on every request) are checked per request. The same code runs locally, so what the
      // authorizer decides is the same in both places; the cost is one authorizer invocation per
      // request, mostly a cache hit.
      resultsCacheTtl: Duration.seconds(0),
      // A request without an Authorization header is refused by API Gateway itself (401, its own
      // `{"message":"Unauthorized"}` body, not problem+json) before any Lambda runs: anonymous
      // traffic costs no invocation. Every other refusal is the handlers' problem+json.
      identitySource: [`$request.header.${CREDENTIAL_HEADER}`],
    });
    const noAuthorizer = new HttpNoneAuthorizer();

    const unknown = Object.keys(props.functionOptions ?? {}).filter(
      (operationId) => !routeList.some((route) => route.operationId === operationId),
    );
    if (unknown.length > 0) throw new Error(`functionOptions for unknown routes: ${unknown.join(', ')}`);

    const routeFunctions: Record<string, PlatformFunction> = {};
    const cfnStage = this.stage.node.defaultChild as CfnStage;
    for (const route of routeList) {
      const { fn, httpRoute } = this.addRoute(
        route,
        route.access === 'public' ? noAuthorizer : authorizer,
        props,
        logRetention,
      );
      routeFunctions[route.operationId] = fn;
      // Route settings name routes by key; the stage must not be created before them.
      cfnStage.addDependency(httpRoute.node.defaultChild as CfnRoute);
    }
    cfnStage.routeSettings = stageRouteSettings(routeList, throttle);
    this.routeFunctions = routeFunctions;
    this.functions = [this.authorizerFunction, ...Object.values(routeFunctions)];
  }

  #onnxRuntimeLayer: ILayerVersion | undefined;

  /** The onnxruntime-node layer, built on first use unless given. */
  private onnxRuntimeLayer(props: PlatformApiProps): ILayerVersion {
    this.#onnxRuntimeLayer ??=
      props.onnxRuntimeLayer ?? new OnnxRuntimeLayer(this, 'OnnxRuntime').layerVersion;
    return this.#onnxRuntimeLayer;
  }

  private addRoute(
    route: RouteDefinition,
    authorizer: IHttpRouteAuthorizer,
    props: PlatformApiProps,
    logRetention: RetentionDays,
  ): { fn: PlatformFunction; httpRoute: HttpRoute } {
    const id = constructId(route.operationId);
    const tuning = route.function;
    const fn = new PlatformFunction(this, `${id}Function`, {
      entry: route.entry,
      description: `${route.method} ${route.path}: ${route.summary}`.slice(0, 256),
      ...(tuning?.memoryMb ? { memorySize: tuning.memoryMb } : {}),
      ...(tuning?.timeoutSeconds ? { timeout: Duration.seconds(tuning.timeoutSeconds) } : {}),
      ...(tuning?.onnxRuntime
        ? { externalModules: OnnxRuntimeLayer.externalModules, layers: [this.onnxRuntimeLayer(props)] }
        : {}),
      ...(tuning?.packageFiles ? { packageFiles: tuning.packageFiles } : {}),
      ...props.functionOptions?.[route.operationId],
      environment: this.listingEnvironment,
      logRetention,
    });

    const tables: Partial<Record<TableName, Grant>> = { ...route.grants.tables };
    if (route.access !== 'public') {
      // Rate limiting counts every authenticated call in the usage table.
      tables.usage = strongest(tables.usage, 'readWrite');
    }
    fn.bindStorage(props.storage, {
      tables,
      ...(route.grants.buckets ? { buckets: route.grants.buckets } : {}),
    });
    if (route.grants.userPool) {
      props.auth.grantUserPool(fn, route.grants.userPool);
    }
    for (const [name, grant] of Object.entries(route.grants.workflows ?? {}) as [
      WorkflowName,
      WorkflowGrant,
    ][]) {
      const arns = props.workflows?.[name];
      if (!arns) {
        throw new Error(
          `Route ${route.operationId} needs the ${name} workflow, which PlatformApi was not given.`,
        );
      }
      grantWorkflow(fn.executionRole, arns, grant);
    }

    const httpRoute = new HttpRoute(this, `${id}Route`, {
      httpApi: this.httpApi,
      routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
      integration: new HttpLambdaIntegration(`${id}Integration`, fn),
      authorizer,
    });
    if (route.access === 'public') {
      Validations.of(httpRoute).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: `${route.method} ${route.path} is public by design (route table access: public): ${route.summary}`,
      });
    }
    return { fn, httpRoute };
  }
}
