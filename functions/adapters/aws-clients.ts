/**
 * AWS clients, built once per container from the validated config and wrapped by the tracer.
 * The SDK picks up `AWS_ENDPOINT_URL_<SERVICE>` itself, so the same clients reach the local
 * emulators; the S3 options below are what the emulator needs and are harmless on AWS.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '#config';
import { tracer } from '#observability';

const {
  region,
  endpoints: { dynamodb: dynamodbEndpoint, s3: s3Endpoint, cognito: cognitoEndpoint, sfn: sfnEndpoint },
} = config();

// `@__PURE__`, with plain local names as arguments (a property access could run a getter, which
// would keep the statement): a bundle whose handler never uses a client leaves it and its SDK
// package out and never builds it at cold start; the predict function carries no Cognito or Step
// Functions code.

export const dynamoDb = /* @__PURE__ */ tracer.captureAWSv3Client(
  /* @__PURE__ */ new DynamoDBClient({ region, endpoint: dynamodbEndpoint }),
);

export const documentClient = /* @__PURE__ */ DynamoDBDocumentClient.from(dynamoDb, {
  marshallOptions: { removeUndefinedValues: true },
});

export const s3 = /* @__PURE__ */ tracer.captureAWSv3Client(
  /* @__PURE__ */ new S3Client({
    region,
    endpoint: s3Endpoint,
    // Path-style works everywhere and is the only style the local emulator answers.
    forcePathStyle: s3Endpoint !== undefined,
    // Default checksums make the SDK send aws-chunked bodies the emulator would store verbatim.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  }),
);

export const cognito = /* @__PURE__ */ tracer.captureAWSv3Client(
  /* @__PURE__ */ new CognitoIdentityProviderClient({ region, endpoint: cognitoEndpoint }),
);

export const stepFunctions = /* @__PURE__ */ tracer.captureAWSv3Client(
  /* @__PURE__ */ new SFNClient({ region, endpoint: sfnEndpoint }),
);
