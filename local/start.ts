/**
 * `npm start`: the whole platform on this machine. Prints the API and docs URLs and a ready admin
 * token; Ctrl-C stops it cleanly. Data lives in the data directory (default `.local-data`) and
 * survives restarts.
 */
import { DEFAULT_DATA_DIR } from './data-dir.ts';
import { parseStartArgs, START_USAGE } from './start-args.ts';

const [major] = process.versions.node.split('.').map(Number);
if ((major ?? 0) < 22) {
  console.error(
    `The platform needs Node 22 or newer (this is ${process.version}); run it with npm start after npm ci.`,
  );
  process.exit(1);
}

const parsed = parseStartArgs(process.argv.slice(2), process.env.PORT);
if (parsed.kind === 'help') {
  console.log(START_USAGE);
  process.exit(0);
}
if (parsed.kind === 'error') {
  console.error(parsed.message);
  process.exit(1);
}
const { port, host, dataDir, corsOrigins, quiet } = parsed.options;

let platformModule: typeof import('./platform.ts');
try {
  platformModule = await import('./platform.ts');
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  console.error(
    code === 'ERR_MODULE_NOT_FOUND'
      ? `A dependency is missing (${(error as Error).message.split('\n')[0]}); run npm ci first.`
      : `Could not load the platform: ${(error as Error).message}`,
  );
  process.exit(1);
}

const startedAt = performance.now();
let platform: Awaited<ReturnType<typeof platformModule.startLocalPlatform>>;
try {
  platform = await platformModule.startLocalPlatform({
    dataDir,
    host,
    // Fixed ports keep URLs and token issuers the same across restarts.
    ports: { api: port, identity: port + 1, s3: port + 2, dynamodb: port + 3 },
    ...(corsOrigins.length > 0
      ? {
          cors: {
            allowOrigins: [...corsOrigins],
            allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
            exposeHeaders: ['x-request-id', 'retry-after', 'location'],
            maxAgeSeconds: 600,
          },
        }
      : {}),
    ...(quiet
      ? {}
      : {
          onRequest: ({
            method,
            path,
            status,
            ms,
          }: {
            method: string;
            path: string;
            status: number;
            ms: number;
          }) => console.log(`${new Date().toISOString()} ${method} ${path} → ${status} (${ms} ms)`),
        }),
  });
} catch (error) {
  console.error(`Could not start the local platform: ${(error as Error).message}`);
  process.exit(1);
}

const { accessToken } = await platform.identity.issueTokens('admin', { expiresInSeconds: 12 * 3600 });
const { DEMO_MODEL, DEMO_INSTANCE, DEMO_TRAINED_MODEL, seedDemo, seedTrainingDemo } = await import(
  './demo/seed-demo.ts'
);
try {
  if (await seedDemo(platform.apiUrl, accessToken)) console.log(`Registered the demo model ${DEMO_MODEL}.`);
  const trained = await seedTrainingDemo(platform.apiUrl, accessToken, (line) => console.log(line));
  if (trained?.status === 'SUCCEEDED') {
    console.log(
      `Trained ${DEMO_TRAINED_MODEL} version ${trained.version} on the iris dataset (job ${trained.jobId}).`,
    );
  }
} catch (error) {
  // The platform is up; a failed demo should not take it down.
  console.error(`Could not set up the demo: ${(error as Error).message}`);
}
const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);

console.log(`
ML platform running locally (started in ${seconds} s; data in ${dataDir})

  Console    ${platform.consoleUrl}   (sign in as admin, alice or bob)
  API        ${platform.apiUrl}/v1
  Docs       ${platform.apiUrl}/docs     (OpenAPI: ${platform.apiUrl}/v1/openapi.json)
  Health     ${platform.apiUrl}/v1/health
  Identity   ${platform.identity.url}   (stands in for Cognito; users: admin, alice, bob)

Admin token (valid 12 h):
  export TOKEN=${accessToken}

Try:
  curl -s -X POST ${platform.apiUrl}/v1/models/${DEMO_MODEL}/predict -H "Authorization: Bearer $TOKEN" \\
       -H 'content-type: application/json' -d '{"instances": [${JSON.stringify(DEMO_INSTANCE)}]}'
  curl -s -X POST ${platform.apiUrl}/v1/models/${DEMO_TRAINED_MODEL}/predict -H "Authorization: Bearer $TOKEN" \\
       -H 'content-type: application/json' \\
       -d '{"instances": [{"sepal_length_cm": 6.7, "sepal_width_cm": 3.0, "petal_length_cm": 5.2, "petal_width_cm": 2.3}]}'
  curl -s ${platform.apiUrl}/v1/training-jobs -H "Authorization: Bearer $TOKEN"      # the demo's training job
  curl -s ${platform.apiUrl}/v1/me -H "Authorization: Bearer $TOKEN"
  curl -s -X POST ${platform.apiUrl}/v1/api-keys -H "Authorization: Bearer $TOKEN" \\
       -H 'content-type: application/json' -d '{"name":"my first key","scope":"predict"}'
  npm run token -- alice${dataDir === DEFAULT_DATA_DIR ? '' : ` --data-dir ${dataDir}`}          # a token for another local user

Ctrl-C stops the platform.
`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  await platform.close();
  console.log('Stopped; data kept.');
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
