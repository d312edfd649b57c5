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

const { region, endpoints } = config();

export const dynamoDb = tracer.captureAWSv3Client(
  new DynamoDBClient({ region, endpoint: endpoints.dynamodb }),
);

export const documentClient = DynamoDBDocumentClient.from(dynamoDb, {
  marshallOptions: { removeUndefinedValues: true },
});

export const s3 = tracer.captureAWSv3Client(
  new S3Client({
    region,
    endpoint: endpoints.s3,
    // Path-style works everywhere and is the only style the local emulator answers.
    forcePathStyle: endpoints.s3 !== undefined,
    // Default checksums make the SDK send aws-chunked bodies the emulator would store verbatim.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  }),
);

export const cognito = tracer.captureAWSv3Client(
  new CognitoIdentityProviderClient({ region, endpoint: endpoints.cognito }),
);

export const stepFunctions = tracer.captureAWSv3Client(new SFNClient({ region, endpoint: endpoints.sfn }));
