/**
 * The local gateway's payload 2.0 events: both are built from one set of request parts per request,
 * and each still reads as API Gateway's would (joined lower-case headers without cookies, comma-joined
 * repeated query parameters, base64 for binary bodies, the authorizer's context on the handler's).
 */
import { describe, expect, it } from 'vitest';
import {
  authorizerEvent,
  authorizerEventOf,
  type IncomingRequest,
  proxyEvent,
  proxyEventOf,
  requestParts,
} from '../../../local/api-gateway/events.ts';

const now = new Date('2026-12-08T01:00:00Z');
const route = { routeKey: 'POST /v1/models/{name}/predict', pathParameters: { name: 'iris' } };

function request(overrides: Partial<IncomingRequest> = {}): IncomingRequest {
  return {
    method: 'POST',
    rawPath: '/v1/models/iris/predict',
    rawQueryString: 'alias=production&tag=a&tag=b',
    headers: {
      host: 'localhost:3000',
      authorization: 'Bearer t',
      'content-type': 'application/json',
      'x-forwarded-for': ['1.1.1.1', '2.2.2.2'] as unknown as string,
      cookie: 'a=1; b=2',
      'user-agent': 'test',
    },
    body: Buffer.from('{"instances":[[1,2]]}'),
    sourceIp: '127.0.0.1',
    host: 'localhost:3000',
    ...overrides,
  };
}

describe('proxyEventOf and authorizerEventOf', () => {
  it('build the same events from shared parts as from the request itself', () => {
    // Prepare
    const parts = requestParts(request(), route, 'req-1', now);
    const context = { outcome: 'authenticated', userId: 'u1' };
    // Act
    const proxy = proxyEventOf(parts, context);
    const authorizer = authorizerEventOf(parts, ['Bearer t']);
    // Assess
    expect(proxy).toEqual(proxyEvent(request(), route, 'req-1', context, now));
    expect(authorizer).toEqual(authorizerEvent(request(), route, 'req-1', ['Bearer t'], now));
  });

  it('give the handler API Gateway’s reading of the request, with the authorizer’s context', () => {
    // Act
    const event = proxyEventOf(requestParts(request(), route, 'req-1', now), { outcome: 'anonymous' });
    // Assess
    expect(event.headers).toEqual({
      host: 'localhost:3000',
      authorization: 'Bearer t',
      'content-type': 'application/json',
      'x-forwarded-for': '1.1.1.1,2.2.2.2',
      'user-agent': 'test',
    });
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.queryStringParameters).toEqual({ alias: 'production', tag: 'a,b' });
    expect(event.pathParameters).toEqual({ name: 'iris' });
    expect(event.body).toBe('{"instances":[[1,2]]}');
    expect(event.isBase64Encoded).toBe(false);
    expect(event.requestContext).toMatchObject({
      requestId: 'req-1',
      routeKey: route.routeKey,
      timeEpoch: now.getTime(),
      http: { method: 'POST', path: '/v1/models/iris/predict', sourceIp: '127.0.0.1', userAgent: 'test' },
      authorizer: { lambda: { outcome: 'anonymous' } },
    });
  });

  it('leave the authorizer context off a public route’s event and base64-encode a binary body', () => {
    // Prepare
    const binary = request({
      rawQueryString: '',
      headers: { host: 'h', 'content-type': 'application/octet-stream' },
      body: Buffer.from([0, 255, 1]),
    });
    // Act
    const event = proxyEventOf(requestParts(binary, route, 'req-2', now), undefined);
    const authorizer = authorizerEventOf(requestParts(binary, route, 'req-2', now));
    // Assess
    expect(event.requestContext).not.toHaveProperty('authorizer');
    expect(event.queryStringParameters).toBeUndefined();
    expect(event.isBase64Encoded).toBe(true);
    expect(event.body).toBe(Buffer.from([0, 255, 1]).toString('base64'));
    expect(authorizer.queryStringParameters).toEqual({});
    expect(authorizer.identitySource).toEqual([]);
  });
});
