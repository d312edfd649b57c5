/**
 * What the local AWS stand-ins (identity provider, Step Functions) share: reading a bounded JSON
 * request body and writing a JSON response. Each server keeps its own error types.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export class BodyTooLargeError extends Error {
  readonly limitBytes: number;
  constructor(limitBytes: number) {
    super(`The request body is over ${limitBytes} bytes.`);
    this.name = 'BodyTooLargeError';
    this.limitBytes = limitBytes;
  }
}

export async function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** An empty body is an empty object, as the AWS JSON protocols treat it; bad JSON → `invalid(error)`. */
export function parseJsonBody(text: string, invalid: (cause: unknown) => Error): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalid(error);
  }
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType = 'application/json',
): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  response.end(payload);
}
