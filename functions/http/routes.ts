/**
 * The route table: the one list of the API's routes. CDK creates one function and one API Gateway
 * route per entry (with the grants it lists), the local gateway dispatches by it, and the OpenAPI
 * document is generated from it. It imports schemas only, never handler code, so CDK can load it
 * without a runtime environment.
 */
import type { z } from 'zod';
import type { BucketName, TableName } from '#definitions/storage.ts';
import {
  apiKeyPageSchema,
  apiKeyParamsSchema,
  apiKeySchema,
  createApiKeyBodySchema,
  createdApiKeySchema,
  listApiKeysQuerySchema,
} from './schemas/api-keys.ts';
import { callerSchema, healthSchema } from './schemas/platform.ts';
import {
  createUserBodySchema,
  listUsersQuerySchema,
  updateUserBodySchema,
  userPageSchema,
  userParamsSchema,
  userSchema,
} from './schemas/users.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Access = 'public' | 'authenticated' | 'admin';
export type Grant = 'read' | 'readWrite';

export interface ResponseDefinition {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** Defaults to application/json. */
  readonly contentType?: string;
}

export interface RouteDefinition {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** API Gateway path syntax: `/v1/api-keys/{keyId}`. */
  readonly path: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly summary: string;
  readonly tag: string;
  readonly access: Access;
  /** `predict` routes accept prediction-only API keys; everything else needs a full key or a token. */
  readonly scope: 'full' | 'predict';
  /** A creating POST that honours `Idempotency-Key`. */
  readonly idempotent?: boolean;
  readonly request?: {
    readonly params?: z.ZodType;
    readonly query?: z.ZodType;
    readonly body?: z.ZodType;
    /** Overrides the platform's default body limit (bytes). */
    readonly maxBodyBytes?: number;
  };
  readonly responses: Readonly<Record<number, ResponseDefinition>>;
  /** Least-privilege access the route's function gets in CDK. */
  readonly grants: {
    readonly tables?: Partial<Record<TableName, Grant>>;
    readonly buckets?: Partial<Record<BucketName, Grant>>;
    readonly userPool?: 'read' | 'admin';
  };
}

const route = <const T extends RouteDefinition>(definition: T): T => definition;

export const routes = {
  health: route({
    operationId: 'getHealth',
    method: 'GET',
    path: '/v1/health',
    entry: 'functions/http/platform/get-health.ts',
    summary: 'Service health, version and the status of each dependency.',
    tag: 'Platform',
    access: 'public',
    scope: 'full',
    responses: {
      200: { description: 'Every dependency answered.', schema: healthSchema },
      503: { description: 'A dependency did not answer.', schema: healthSchema },
    },
    grants: { tables: { apiKeys: 'read' }, buckets: { models: 'read' } },
  }),
  openApi: route({
    operationId: 'getOpenApiDocument',
    method: 'GET',
    path: '/v1/openapi.json',
    entry: 'functions/http/platform/get-openapi.ts',
    summary: 'This API as an OpenAPI 3.1 document.',
    tag: 'Platform',
    access: 'public',
    scope: 'full',
    responses: { 200: { description: 'The OpenAPI document.' } },
    grants: {},
  }),
  docs: route({
    operationId: 'getDocs',
    method: 'GET',
    path: '/docs',
    entry: 'functions/http/platform/get-docs.ts',
    summary: 'Human-readable API reference.',
    tag: 'Platform',
    access: 'public',
    scope: 'full',
    responses: { 200: { description: 'An HTML page.', contentType: 'text/html' } },
    grants: {},
  }),
  getCaller: route({
    operationId: 'getCaller',
    method: 'GET',
    path: '/v1/me',
    entry: 'functions/http/platform/get-caller.ts',
    summary: 'Who the API takes you for: user, role, and the key used if any.',
    tag: 'Platform',
    access: 'authenticated',
    scope: 'predict',
    responses: { 200: { description: 'The caller.', schema: callerSchema } },
    grants: {},
  }),
  createApiKey: route({
    operationId: 'createApiKey',
    method: 'POST',
    path: '/v1/api-keys',
    entry: 'functions/http/api-keys/create-api-key.ts',
    summary: 'Create an API key (shown once). Admins may create keys for other users.',
    tag: 'API keys',
    access: 'authenticated',
    scope: 'full',
    idempotent: true,
    request: { body: createApiKeyBodySchema },
    responses: { 201: { description: 'The key, with its secret.', schema: createdApiKeySchema } },
    grants: { tables: { apiKeys: 'readWrite', idempotency: 'readWrite' }, userPool: 'read' },
  }),
  listApiKeys: route({
    operationId: 'listApiKeys',
    method: 'GET',
    path: '/v1/api-keys',
    entry: 'functions/http/api-keys/list-api-keys.ts',
    summary: "Your API keys; admins see everyone's (or one owner's with `ownerId`).",
    tag: 'API keys',
    access: 'authenticated',
    scope: 'full',
    request: { query: listApiKeysQuerySchema },
    responses: { 200: { description: 'A page of keys, newest first.', schema: apiKeyPageSchema } },
    grants: { tables: { apiKeys: 'read' } },
  }),
  getApiKey: route({
    operationId: 'getApiKey',
    method: 'GET',
    path: '/v1/api-keys/{keyId}',
    entry: 'functions/http/api-keys/get-api-key.ts',
    summary: 'One API key (never its secret).',
    tag: 'API keys',
    access: 'authenticated',
    scope: 'full',
    request: { params: apiKeyParamsSchema },
    responses: { 200: { description: 'The key.', schema: apiKeySchema } },
    grants: { tables: { apiKeys: 'read' } },
  }),
  revokeApiKey: route({
    operationId: 'revokeApiKey',
    method: 'DELETE',
    path: '/v1/api-keys/{keyId}',
    entry: 'functions/http/api-keys/revoke-api-key.ts',
    summary: 'Revoke an API key; it stops working at once. Revoking twice is harmless.',
    tag: 'API keys',
    access: 'authenticated',
    scope: 'full',
    request: { params: apiKeyParamsSchema },
    responses: { 200: { description: 'The revoked key.', schema: apiKeySchema } },
    grants: { tables: { apiKeys: 'readWrite' } },
  }),
  listUsers: route({
    operationId: 'listUsers',
    method: 'GET',
    path: '/v1/users',
    entry: 'functions/http/users/list-users.ts',
    summary: 'The users of the platform (admins only).',
    tag: 'Users',
    access: 'admin',
    scope: 'full',
    request: { query: listUsersQuerySchema },
    responses: { 200: { description: 'A page of users.', schema: userPageSchema } },
    grants: { userPool: 'read' },
  }),
  createUser: route({
    operationId: 'createUser',
    method: 'POST',
    path: '/v1/users',
    entry: 'functions/http/users/create-user.ts',
    summary: 'Invite a user (admins only); Cognito emails them a temporary password.',
    tag: 'Users',
    access: 'admin',
    scope: 'full',
    idempotent: true,
    request: { body: createUserBodySchema },
    responses: { 201: { description: 'The new user.', schema: userSchema } },
    grants: { userPool: 'admin', tables: { idempotency: 'readWrite' } },
  }),
  getUser: route({
    operationId: 'getUser',
    method: 'GET',
    path: '/v1/users/{username}',
    entry: 'functions/http/users/get-user.ts',
    summary: 'One user (admins only).',
    tag: 'Users',
    access: 'admin',
    scope: 'full',
    request: { params: userParamsSchema },
    responses: { 200: { description: 'The user.', schema: userSchema } },
    grants: { userPool: 'read' },
  }),
  updateUser: route({
    operationId: 'updateUser',
    method: 'PATCH',
    path: '/v1/users/{username}',
    entry: 'functions/http/users/update-user.ts',
    summary: "Change a user's role or disable them (admins only); disabling revokes their API keys.",
    tag: 'Users',
    access: 'admin',
    scope: 'full',
    request: { params: userParamsSchema, body: updateUserBodySchema },
    responses: { 200: { description: 'The updated user.', schema: userSchema } },
    grants: { userPool: 'admin', tables: { apiKeys: 'readWrite' } },
  }),
} as const satisfies Record<string, RouteDefinition>;

export type RouteId = keyof typeof routes;

export const routeList: readonly RouteDefinition[] = Object.values(routes);

/** The authorizer: one Lambda verifying a Cognito token or an API key, the same on AWS and locally. */
export const authorizerEntry = 'functions/http/authorizer.ts';
