import { describe, expect, it } from 'vitest';
import { ApiError, chunkRows, createPlatformClient, unwrap } from '../../../clients/sdk/src/index.ts';

describe('chunkRows', () => {
  it('cuts at the row limit, keeping order', () => {
    // Act
    const chunks = chunkRows([1, 2, 3, 4, 5], 2, 1_000);

    // Assess
    expect(chunks).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('cuts before a row that would pass the byte limit, and keeps an oversized row alone', () => {
    // Prepare: each {"v":"xxxx"} is 12 bytes with its separator.
    const rows = [{ v: 'aaaa' }, { v: 'bbbb' }, { v: 'c'.repeat(40) }, { v: 'dddd' }];

    // Act
    const chunks = chunkRows(rows, 100, 30);

    // Assess
    expect(chunks).toEqual([[rows[0], rows[1]], [rows[2]], [rows[3]]]);
  });
});

describe('createPlatformClient', () => {
  it('sends the credential as a bearer token, asking the function each time', async () => {
    // Prepare
    const seen: (string | null)[] = [];
    let call = 0;
    const client = createPlatformClient({
      baseUrl: 'http://api.example/',
      credential: async () => `token-${++call}`,
      fetch: async (input: string | URL | Request) => {
        const request = input as Request;
        seen.push(`${request.url} ${request.headers.get('authorization')}`);
        return Response.json({ userId: 'u', username: 'alice' });
      },
    });

    // Act
    await client.api.GET('/v1/me');
    await client.api.GET('/v1/me');

    // Assess
    expect(seen).toEqual([
      'http://api.example/v1/me Bearer token-1',
      'http://api.example/v1/me Bearer token-2',
    ]);
  });
});

describe('unwrap', () => {
  const answer = (status: number, body: unknown, contentType = 'application/problem+json') =>
    createPlatformClient({
      baseUrl: 'http://api.example',
      fetch: async () =>
        new Response(JSON.stringify(body), {
          status,
          headers: { 'content-type': contentType, 'x-request-id': 'req-1' },
        }),
    }).api.GET('/v1/me');

  it("throws an ApiError whose message is the problem's detail", async () => {
    // Act
    const error = answer(404, {
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No model iris.',
    });

    // Assess
    await expect(error.then(unwrap)).rejects.toMatchObject({
      name: 'ApiError',
      message: 'No model iris.',
      status: 404,
      requestId: 'req-1',
      problem: { title: 'Not Found' },
    });
  });

  it("reads API Gateway's own {message} body as the detail", async () => {
    // Act
    const result = answer(401, { message: 'Unauthorized' }, 'application/json');

    // Assess
    await expect(result.then(unwrap)).rejects.toThrow(ApiError);
    await expect(result.then(unwrap)).rejects.toMatchObject({ message: 'Unauthorized', status: 401 });
  });
});
