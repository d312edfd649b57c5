/**
 * The whole platform on one machine: DynamoDB and S3 emulators, the local identity provider
 * standing in for Cognito, and the local API Gateway running the same handlers. Used by
 * `npm start` and by the end-to-end tests.
 */

import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { CREDENTIAL_HEADER } from '#core/auth/authenticate.ts';
import {
  bucketDefinitions,
  localBucketName,
  localTableName,
  tableDefinitions,
} from '#definitions/storage.ts';
import { authorizerEntry, routeList } from '#http/routes.ts';
import { scheduleList } from '../functions/maintenance/schedules.ts';
import { workflowList } from '../functions/steps/workflows.ts';
import packageJson from '../package.json' with { type: 'json' };
import { type CorsOptions, LocalApiGateway } from './api-gateway/server.ts';
import { CONSOLE_PREFIX, consoleSite } from './console/console-site.ts';
import { identityDataDir } from './data-dir.ts';
import { startEmulators } from './emulators/emulators.ts';
import { provisionBuckets, provisionTables } from './emulators/provision.ts';
import { LocalIdentityProvider, type SeedUser } from './identity-provider/identity-provider.ts';
import { type LocalSchedules, startLocalSchedules } from './schedules.ts';
import {
  LOCAL_CLI_CLIENT_ID,
  LOCAL_CLI_REDIRECT_URI,
  LOCAL_CONSOLE_CLIENT_ID,
  localCliClient,
  localConsoleClient,
} from './sign-in-clients.ts';
import { LocalStepFunctions } from './step-functions/step-functions.ts';

export const repositoryRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_USER_POOL_ID = 'us-east-1_localpool';
export const LOCAL_CLIENT_ID = 'local-platform-client';
/** s3rver checks request signatures against these. */
const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export const DEFAULT_SEED_USERS: readonly SeedUser[] = [
  { username: 'admin', email: 'admin@example.local', groups: ['admin'] },
  { username: 'alice', email: 'alice@example.local', groups: ['user'] },
  { username: 'bob', email: 'bob@example.local', groups: ['user'] },
];

export interface LocalPlatformOptions {
  readonly dataDir: string;
  readonly host?: string;
  /** 0 picks free ports (tests); `npm start` uses fixed ones so URLs stay the same across restarts. */
  readonly ports?: { api?: number; identity?: number; s3?: number; dynamodb?: number };
  readonly seedUsers?: readonly SeedUser[];
  readonly cors?: CorsOptions;
  /** Extra settings for the functions, as a deployment's environment would give them. */
  readonly functionEnvironment?: Readonly<Record<string, string>>;
  readonly onRequest?: (line: { method: string; path: string; status: number; ms: number }) => void;
  /** The web console's build served at /console/; default console/dist (`npm run console:build`). */
  readonly consoleDistDir?: string;
}

export interface LocalPlatform {
  readonly apiUrl: string;
  /** `<apiUrl>/console/`. */
  readonly consoleUrl: string;
  readonly identity: LocalIdentityProvider;
  readonly endpoints: { readonly dynamodb: string; readonly s3: string };
  readonly environment: Readonly<Record<string, string>>;
  /** The schedule table's handlers (functions/maintenance/schedules.ts): run at start, then periodically. */
  readonly schedules: LocalSchedules;
  close(): Promise<void>;
}

const tables = Object.values(tableDefinitions).map((definition) => ({
  name: localTableName(definition),
  definition,
}));
const buckets = Object.values(bucketDefinitions).map((definition) => ({
  name: localBucketName(definition),
  definition,
}));

export async function startLocalPlatform(options: LocalPlatformOptions): Promise<LocalPlatform> {
  const host = options.host ?? '127.0.0.1';
  const ports = { api: 0, identity: 0, s3: 0, dynamodb: 0, ...options.ports };
  const dataDir = resolve(options.dataDir);
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };

  try {
    const emulators = await startEmulators({ dataDir, host, dynamodbPort: ports.dynamodb, s3Port: ports.s3 });
    closers.push(() => emulators.close());

    const clientOptions = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const dynamodb = new DynamoDBClient({ ...clientOptions, endpoint: emulators.dynamodbUrl });
    const s3 = new S3Client({
      ...clientOptions,
      endpoint: emulators.s3Url,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    await provisionTables(dynamodb, tables);
    await provisionBuckets(s3, buckets);
    dynamodb.destroy();
    s3.destroy();

    const identity = await LocalIdentityProvider.create({
      dataDir: identityDataDir(dataDir),
      host,
      port: ports.identity,
      clientId: LOCAL_CLIENT_ID,
      userPoolId: LOCAL_USER_POOL_ID,
      region: LOCAL_REGION,
      oauthClients: [localCliClient, localConsoleClient()],
    });
    closers.push(() => identity.close());
    await identity.seedUsers(options.seedUsers ?? DEFAULT_SEED_USERS);

    // The workflows of functions/steps/workflows.ts, run in-process behind the Step Functions API.
    const stepFunctions = await LocalStepFunctions.create({
      host,
      root: repositoryRoot,
      workflows: workflowList,
      region: LOCAL_REGION,
      // Executions outlive the process: those it left running end at the next start, failing their jobs.
      dataDir: join(dataDir, 'step-functions'),
    });
    closers.push(() => stepFunctions.close());

    // Generated once per data directory, as a deployment generates its secret: cursors handed out
    // before a restart keep working, and no key is written in code.
    const cursorSigningKey = await dataDirSecret(join(dataDir, 'cursor-signing-key'));

    // What a deployment's function configuration carries; the functions read it through config.ts.
    const environment: Record<string, string> = {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamodbUrl,
      AWS_ENDPOINT_URL_S3: emulators.s3Url,
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      STAGE: 'local',
      CURSOR_SIGNING_KEY: cursorSigningKey,
      SERVICE_VERSION: packageJson.version,
      POWERTOOLS_TRACE_ENABLED: 'false',
      // With tracing off, manual mode keeps the X-Ray SDK from hooking every promise in the process.
      AWS_XRAY_MANUAL_MODE: 'true',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
      ...Object.fromEntries(tables.map(({ name, definition }) => [definition.envVar, name])),
      ...Object.fromEntries(buckets.map(({ name, definition }) => [definition.envVar, name])),
      ...identity.environment(),
      // Browser sign-in through the local identity provider's OAuth endpoints (GET /v1/auth/config).
      OAUTH_DOMAIN_URL: identity.url,
      CLI_CLIENT_ID: LOCAL_CLI_CLIENT_ID,
      CLI_REDIRECT_URI: LOCAL_CLI_REDIRECT_URI,
      CONSOLE_CLIENT_ID: LOCAL_CONSOLE_CLIENT_ID,
      // AWS_ENDPOINT_URL_SFN and each workflow's state machine ARN (TRAINING_STATE_MACHINE_ARN).
      ...stepFunctions.environment(),
      ...options.functionEnvironment,
    };
    Object.assign(process.env, environment);
    // Ends the jobs of executions the last run of the platform left running, before the API opens.
    await stepFunctions.startSendingEndEvents();

    let apiUrl = '';
    const webConsole = consoleSite({
      distDir: options.consoleDistDir ?? join(repositoryRoot, 'console', 'dist'),
      settings: (host) => {
        // The console's client accepts 127.0.0.1 and localhost on the API's port: a console opened
        // at either calls the API and comes back from sign-in on the origin it was opened at.
        const origin = host === `localhost:${new URL(apiUrl).port}` ? `http://${host}` : apiUrl;
        return {
          config: {
            apiUrl: origin,
            identity: {
              // GET /v1/auth/config: the identity provider's endpoints and the console's client id.
              discoveryUrl: `${origin}/v1/auth/config`,
              redirectUri: `${origin}${CONSOLE_PREFIX}/callback`,
              logoutRedirectUri: `${origin}${CONSOLE_PREFIX}/`,
            },
          },
          // The token endpoint is the identity provider's, on its own port.
          connectSources: [identity.url],
        };
      },
    });
    const gateway = await LocalApiGateway.start({
      routes: routeList,
      authorizerEntry,
      // As the CDK authorizer's identity source: `$request.header.Authorization`.
      identitySourceHeaders: [CREDENTIAL_HEADER],
      root: repositoryRoot,
      host,
      port: ports.api,
      sites: [webConsole],
      ...(options.cors ? { cors: options.cors } : {}),
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    });
    closers.push(() => gateway.close());
    identity.registerOAuthClient(localConsoleClient(gateway.url));
    apiUrl = gateway.url;

    const schedules = await startLocalSchedules({ root: repositoryRoot, schedules: scheduleList });
    closers.push(() => schedules.close());

    return {
      apiUrl: gateway.url,
      consoleUrl: `${gateway.url}${CONSOLE_PREFIX}/`,
      identity,
      endpoints: { dynamodb: emulators.dynamodbUrl, s3: emulators.s3Url },
      environment,
      schedules,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** A random 256-bit key kept in `path` (created with owner-only permissions on first start). */
async function dataDirSecret(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32).toString('hex');
  await writeFile(path, secret, { mode: 0o600, flag: 'wx' });
  return secret;
}
