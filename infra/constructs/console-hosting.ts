/**
 * The web console on AWS: its built files in a private, encrypted, versioned S3 bucket that only
 * CloudFront reads (Origin Access Control), one CloudFront distribution that serves the console under
 * `/console/` and forwards `/v1/*` to the HTTP API, the console's own Cognito app client
 * (authorization code with PKCE, no secret) and the `config.json` the console reads at start.
 *
 * Same origin rather than CORS: the console calls `/v1/*` on the distribution, which forwards every
 * method uncached with the Authorization header to the API. So the browser sends no preflight, the
 * Content-Security-Policy's `connect-src` names the console's own origin and the identity provider,
 * and the API stack needs neither the distribution's URL (unknown until it is created) nor a CORS
 * setting; the API keeps answering on its own URL for every other client.
 */
import { Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  type CfnUserPoolClient,
  type IUserPool,
  OAuthScope,
  UserPoolClient,
  UserPoolClientIdentityProvider,
} from 'aws-cdk-lib/aws-cognito';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Asset, type AssetProps } from 'aws-cdk-lib/aws-s3-assets';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import {
  CONSOLE_BASE_PATH,
  CONSOLE_CALLBACK_PATH,
  consoleContentSecurityPolicy,
} from '#definitions/console.ts';
import { acknowledgeWildcardResource } from './nag.ts';

export interface ConsoleHostingProps {
  /**
   * The console's built files (index.html at the top), deployed under `/console/`: a folder, or a
   * folder and the bundling that builds it at synth.
   */
  readonly site: AssetProps;
  /** The API that `/v1/*` on the console's origin forwards to. */
  readonly httpApi: IHttpApi;
  /** The user pool whose users sign in to the console; the console's app client is created in it. */
  readonly userPool: IUserPool;
  /**
   * The origin of the user pool's sign-in domain (`UserPoolDomain.baseUrl()`: scheme and host, no
   * path), where the console sends the browser to sign in and whose token endpoint it calls.
   */
  readonly signInBaseUrl: string;
  /** How long CloudFront and S3 access logs are kept. @default 365 days */
  readonly accessLogsExpiration?: Duration;
}

/**
 * SPA routing at the edge, for the S3 behaviour only (the API's 404s must stay the API's): `/` and
 * `/console` go to `/console/`; a console route (a path under `/console/` whose last segment has no
 * dot, e.g. `/console/models/iris`) is answered with the console's index.html, whose script reads the
 * route from the address bar. Files (`/console/app.js`, `/console/config.json`) pass through.
 */
const spaRoutingCode = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/' || uri === '${CONSOLE_BASE_PATH.slice(0, -1)}') {
    return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '${CONSOLE_BASE_PATH}' } } };
  }
  if (uri.indexOf('${CONSOLE_BASE_PATH}') === 0 && uri.lastIndexOf('.') < uri.lastIndexOf('/') + 1) {
    request.uri = '${CONSOLE_BASE_PATH}index.html';
  }
  return request;
}`;

/** The build's content-hashed files (console/build.ts names them by hash), relative to its root. */
const HASHED_ASSETS = 'assets/';

/** Cognito's user pool endpoint in the pool's region: the origin of its issuer URL (and discovery). */
function cognitoOrigin(userPool: IUserPool): string {
  const stack = Stack.of(userPool);
  return `https://cognito-idp.${stack.region}.${stack.urlSuffix}`;
}

/**
 * @example
 * const console = new ConsoleHosting(this, 'Console', {
 *   site: Source.asset('console/dist'),
 *   httpApi: api.httpApi,
 *   userPool: auth.userPool,
 *   signInBaseUrl: auth.userPoolDomain.baseUrl(),
 * });
 * console.url; // https://d1234.cloudfront.net
 */
export class ConsoleHosting extends Construct {
  /** Holds the console's files under `console/`; read by CloudFront only. */
  readonly siteBucket: Bucket;
  /** Receives the site bucket's S3 server access logs (`s3/`) and CloudFront's logs (`cloudfront/`). */
  readonly accessLogsBucket: Bucket;
  readonly distribution: Distribution;
  readonly responseHeadersPolicy: ResponseHeadersPolicy;
  /** The console's app client: authorization code + PKCE, no secret (a browser cannot keep one). */
  readonly userPoolClient: UserPoolClient;
  /** Syncs the content-hashed files under `console/assets/` (immutable, never pruned). */
  readonly assetsDeployment: BucketDeployment;
  /** Syncs the rest (index.html, config.json…: revalidated, pruned) after the assets; invalidates. */
  readonly deployment: BucketDeployment;
  /** The deployment function's role: exactly the S3, CloudFront and log actions it uses. */
  readonly deploymentRole: Role;
  /** The distribution's URL, without a trailing slash: the console is at `${url}/console/`. */
  readonly url: string;
  /** What `config.json` holds, as deployed (tokens resolved at deployment). */
  readonly config: Readonly<Record<string, unknown>>;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const expiration = props.accessLogsExpiration ?? Duration.days(365);

    this.accessLogsBucket = new Bucket(this, 'AccessLogsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // Log delivery writes SSE-S3 objects only; CloudFront's standard logs need ACLs on the bucket
      // (the log delivery account is granted by ACL), so the bucket owner is preferred, not enforced.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration, abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: "This is the console's access log bucket itself; logging its own access would loop.",
    });

    this.siteBucket = new Bucket(this, 'SiteBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 's3/',
      lifecycleRules: [
        {
          id: 'NoncurrentVersions',
          // Each deployment replaces and prunes the files; what it replaced goes after a month.
          noncurrentVersionExpiration: Duration.days(30),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const issuer = `${cognitoOrigin(props.userPool)}/${props.userPool.userPoolId}`;
    this.responseHeadersPolicy = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'ML platform console: CSP, HSTS, no framing, no sniffing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          // The API is this origin's /v1/*; the sign-in domain answers the token and revoke calls.
          contentSecurityPolicy: consoleContentSecurityPolicy({ connectOrigins: [props.signInBaseUrl] }),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    const apiOrigin = new HttpOrigin(Fn.select(2, Fn.split('/', props.httpApi.apiEndpoint)), {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'ML platform web console (/console/) and its API (/v1/*)',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.siteBucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        functionAssociations: [
          {
            eventType: FunctionEventType.VIEWER_REQUEST,
            function: new CloudFrontFunction(this, 'SpaRouting', {
              comment: 'Console routes to /console/index.html; / to /console/',
              runtime: FunctionRuntime.JS_2_0,
              code: FunctionCode.fromInline(spaRoutingCode),
            }),
          },
        ],
      },
      additionalBehaviors: {
        '/v1/*': {
          origin: apiOrigin,
          // A redirect would turn a POST into a GET; plain HTTP is refused instead.
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          // Every viewer header (Authorization, Idempotency-Key, Content-Type…), the query string and
          // cookies, but not Host: API Gateway routes on its own host name. With caching disabled
          // this policy forwards Authorization too (an explicit header list may not name it).
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        },
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableIpv6: true,
      enableLogging: true,
      logBucket: this.accessLogsBucket,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          "No geo restriction: the console is for the platform's invited users wherever they work; every request is authenticated by the API.",
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No AWS WAF web ACL by default (billed per ACL and rule): the site is static files, and the API behind /v1/* keeps its own stage throttling, per-key rate limits and authorizer. Attach a web ACL by id for public deployments.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate, which lets CloudFront negotiate TLS 1.0 for old viewers; a custom domain with an ACM certificate and TLSv1.2_2021 is a deployment choice (no domain is known here).',
      },
    );
    this.url = `https://${this.distribution.distributionDomainName}`;

    this.userPoolClient = new UserPoolClient(this, 'ConsoleClient', {
      userPool: props.userPool,
      userPoolClientName: 'console',
      // A browser cannot keep a secret: a public client, the code exchange protected by PKCE.
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [`${this.url}${CONSOLE_CALLBACK_PATH}`],
        logoutUrls: [`${this.url}${CONSOLE_BASE_PATH}`],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      // A browser's refresh token is easier to steal than a CLI's: a working day, not a month.
      refreshTokenValidity: Duration.hours(12),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });
    // Sign-in happens on the hosted pages only: no SRP, password or custom flow through the API
    // (Cognito's default when the list is left out); the client may refresh its tokens, nothing else.
    (this.userPoolClient.node.defaultChild as CfnUserPoolClient).explicitAuthFlows = [
      'ALLOW_REFRESH_TOKEN_AUTH',
    ];

    // The shape console/src/config.ts reads. With the endpoints and the client named here, the
    // console reads no discovery document: it talks to this origin and the sign-in domain only.
    this.config = {
      apiUrl: this.url,
      identity: {
        discoveryUrl: `${issuer}/.well-known/openid-configuration`,
        clientId: this.userPoolClient.userPoolClientId,
        authorizationEndpoint: `${props.signInBaseUrl}/oauth2/authorize`,
        tokenEndpoint: `${props.signInBaseUrl}/oauth2/token`,
        // Cognito's discovery document names no end_session_endpoint.
        logoutEndpoint: `${props.signInBaseUrl}/logout`,
        scopes: ['openid', 'email', 'profile'],
        redirectUri: `${this.url}${CONSOLE_CALLBACK_PATH}`,
        logoutRedirectUri: `${this.url}${CONSOLE_BASE_PATH}`,
      },
    };

    const site = new Asset(this, 'Site', props.site);
    this.deploymentRole = this.buildDeploymentRole(site);
    const deploymentRole = this.deploymentRole.withoutPolicyUpdates();
    // Two syncs of the same build, as the local platform serves it: the content-hashed files under
    // assets/ first, cached for a year and never pruned (a browser holding the previous index.html
    // still finds what it names), then everything else, revalidated on every load (a 304 when
    // unchanged), pruned, and invalidated at the edge so a deployment shows at once.
    const common = {
      // The grants BucketDeployment would add (s3:GetObject*, s3:List*, s3:DeleteObject* on whole
      // buckets, CreateInvalidation on "*") are dropped: the role below lists what it needs.
      role: deploymentRole,
      logGroup: this.deploymentLogs,
      destinationBucket: this.siteBucket,
      destinationKeyPrefix: CONSOLE_BASE_PATH.slice(1),
      memoryLimit: 512,
    };
    const siteSource = Source.bucket(site.bucket, site.s3ObjectKey);
    this.assetsDeployment = new BucketDeployment(this, 'AssetsDeployment', {
      ...common,
      sources: [siteSource],
      exclude: ['*'],
      include: [`${HASHED_ASSETS}*`],
      prune: false,
      cacheControl: [
        CacheControl.setPublic(),
        CacheControl.maxAge(Duration.days(365)),
        CacheControl.immutable(),
      ],
    });
    this.deployment = new BucketDeployment(this, 'Deployment', {
      ...common,
      sources: [siteSource, Source.jsonData('config.json', this.config)],
      exclude: [`${HASHED_ASSETS}*`],
      prune: true,
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: [`${CONSOLE_BASE_PATH}*`],
    });
    this.deployment.node.addDependency(this.assetsDeployment);
    // The role is passed without policy updates, so nothing ties the deployments to its policy:
    // without this, the first deployment could run before the policy is attached.
    this.assetsDeployment.node.addDependency(this.deploymentRole);
    // BucketDeployment's handler is a singleton of the stack (AWS CLI in a Python runtime CDK pins),
    // found by the role it was given.
    const handler = Stack.of(this)
      .node.children.filter((child) => child instanceof LambdaFunction)
      .find((fn) => fn.role === deploymentRole);
    if (!handler) throw new Error('ConsoleHosting: the BucketDeployment handler was not found');
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        "BucketDeployment's handler runtime is chosen by aws-cdk-lib (Python, with the AWS CLI layer) and moves with its upgrades; it runs only at deployment.",
    });
  }

  #deploymentLogs?: LogGroup;

  private get deploymentLogs(): LogGroup {
    this.#deploymentLogs ??= new LogGroup(this, 'DeploymentLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    return this.#deploymentLogs;
  }

  /**
   * Reads the sources from the assets bucket, syncs `console/` of the site bucket (list, put, delete:
   * `aws s3 sync --delete`), invalidates this distribution, writes its own log group.
   */
  private buildDeploymentRole(site: Asset): Role {
    const role = new Role(this, 'DeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Deploys the console files to its bucket and invalidates its distribution',
    });
    this.deploymentLogs.grantWrite(role);
    const assetObjects = site.bucket.arnForObjects('*');
    const siteObjects = this.siteBucket.arnForObjects(`${CONSOLE_BASE_PATH.slice(1)}*`);
    const statements = [
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:GetObject'], resources: [assetObjects] }),
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:ListBucket'],
        resources: [this.siteBucket.bucketArn],
      }),
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        resources: [siteObjects],
      }),
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
        resources: [this.distribution.distributionArn],
      }),
    ];
    for (const statement of statements) role.addToPrincipalPolicy(statement);
    acknowledgeWildcardResource(
      role,
      assetObjects,
      "The CDK assets bucket's objects: the console's zip and config.json's, both named by content hash at synth; read only.",
    );
    acknowledgeWildcardResource(
      role,
      siteObjects,
      'The console files under console/ in its own bucket: a deployment replaces and prunes them all.',
    );
    return role;
  }
}
