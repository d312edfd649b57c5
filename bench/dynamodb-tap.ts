/**
 * A tap on the platform's DynamoDB client, at the very end of the SDK's pipeline (its HTTP request
 * handler): everything above it (marshalling, serialization, SigV4 signing, retries,
 * deserialization) runs as usual. In `emulator` mode it forwards each request to the emulator,
 * timing the round trip and keeping the last answer per operation and table; in `replay` mode it
 * answers from those recorded answers without a socket, so a handler can be timed without the
 * network or the emulator. The platform's code is not changed: the bench swaps the handler object
 * on the shared client's resolved configuration.
 */

interface RawRequest {
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

interface RawResponse {
  readonly statusCode: number;
  readonly reason?: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

interface RequestHandlerLike {
  handle(request: RawRequest, options?: unknown): Promise<{ response: RawResponse }>;
}

/** What the tap needs of a DynamoDBClient (its configuration is resolved once it is built). */
export interface TappableClient {
  readonly config: object;
}

export type TapMode = 'emulator' | 'replay';

export interface TapCounters {
  /** Round trips to the emulator, or replayed answers. */
  calls: number;
  /** Milliseconds spent waiting for the emulator (0 in replay mode). */
  emulatorMs: number;
  readonly byOperation: Record<string, number>;
}

async function bufferBody(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  if (body === undefined || body === null) return new Uint8Array();
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks);
}

const decoder = new TextDecoder();

function answerKey(request: RawRequest): string {
  const operation = (request.headers['x-amz-target'] ?? 'unknown').replace(/^DynamoDB_\d+\./, '');
  const body =
    typeof request.body === 'string'
      ? request.body
      : request.body instanceof Uint8Array
        ? decoder.decode(request.body)
        : '';
  const table = /"TableName":"([^"]+)"/.exec(body)?.[1];
  return `${operation} ${table ?? '?'}`;
}

export class DynamoDbTap {
  mode: TapMode = 'emulator';
  counters: TapCounters = { calls: 0, emulatorMs: 0, byOperation: {} };
  readonly #answers = new Map<
    string,
    { statusCode: number; headers: Record<string, string>; body: Uint8Array }
  >();
  readonly #config: { requestHandler: RequestHandlerLike };
  readonly #original: RequestHandlerLike;

  private constructor(config: { requestHandler: RequestHandlerLike }) {
    const forward = config.requestHandler;
    this.#config = config;
    this.#original = forward;
    const tap = this;
    const tapped: RequestHandlerLike = {
      async handle(request, options) {
        const key = answerKey(request);
        tap.counters.calls += 1;
        tap.counters.byOperation[key] = (tap.counters.byOperation[key] ?? 0) + 1;
        if (tap.mode === 'replay') {
          const answer = tap.#answers.get(key);
          if (answer === undefined) throw new Error(`No recorded DynamoDB answer for ${key}.`);
          return { response: { ...answer, headers: { ...answer.headers } } };
        }
        const started = performance.now();
        const { response } = await forward.handle(request, options);
        const body = await bufferBody(response.body);
        tap.counters.emulatorMs += performance.now() - started;
        if (response.statusCode === 200) {
          tap.#answers.set(key, { statusCode: response.statusCode, headers: response.headers, body });
        }
        return { response: { ...response, body } };
      },
    };
    // Keep the SDK's own methods (destroy, updateHttpClientConfig…) reachable through the tap.
    Object.setPrototypeOf(tapped, forward as object);
    config.requestHandler = tapped;
  }

  /** Installs the tap on a built client (and every document client sharing its configuration). */
  static install(client: TappableClient): DynamoDbTap {
    const config = client.config as { requestHandler?: unknown };
    const handler = config.requestHandler as Partial<RequestHandlerLike> | undefined;
    if (typeof handler?.handle !== 'function') {
      throw new Error('The DynamoDB client has no resolved request handler to tap.');
    }
    return new DynamoDbTap(config as { requestHandler: RequestHandlerLike });
  }

  /** Puts the SDK's own request handler back. Idempotent. */
  uninstall(): void {
    this.#config.requestHandler = this.#original;
  }

  resetCounters(): void {
    this.counters = { calls: 0, emulatorMs: 0, byOperation: {} };
  }
}
