/**
 * HTTP load: the baseline server (bare node:http → JSON → onnxruntime, nothing else) and the
 * driver that runs the load client in a child process against a URL and reads its JSON answer.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type * as ort from 'onnxruntime-node';
import type { LoadResult, LoadSpec } from './load-client.ts';
import { type BenchModel, runRaw, toFloat32 } from './model.ts';

export type { LoadResult, LoadSpec };

export interface BareServer {
  readonly url: string;
  close(): Promise<void>;
}

function isRows(value: unknown, features: number): value is number[][] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (row) => Array.isArray(row) && row.length === features && row.every((x) => typeof x === 'number'),
    )
  );
}

/**
 * The baseline: parses `{"instances": [[…]]}`, checks the rows are numbers of the right width,
 * runs the session and answers labels and probabilities as JSON. No auth, no rate limit, no
 * registry, no per-request logging.
 */
export async function startBareServer(session: ort.InferenceSession, model: BenchModel): Promise<BareServer> {
  const [labelOutput, probabilityOutput] = model.outputNames;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let instances: unknown;
      try {
        instances = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { instances?: unknown }).instances;
      } catch {
        instances = undefined;
      }
      if (!isRows(instances, model.features)) {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad instances"}');
        return;
      }
      runRaw(session, model, toFloat32(instances, model.features)).then(
        (outputs) => {
          const labels = Array.from(outputs[labelOutput ?? '']?.data as BigInt64Array, Number);
          const flat = outputs[probabilityOutput ?? '']?.data as Float32Array;
          const width = flat.length / labels.length;
          const probabilities = labels.map((_, r) => Array.from(flat.subarray(r * width, (r + 1) * width)));
          const body = JSON.stringify({ predictions: labels, probabilities });
          res.writeHead(200, { 'content-type': 'application/json' }).end(body);
        },
        () => res.writeHead(500).end(),
      );
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/predict`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const loadClient = fileURLToPath(new URL('./load-client.ts', import.meta.url));

/** Runs the load client once in a fresh process and returns what it measured. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [loadClient, JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`the load client exited with ${code}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as LoadResult);
      } catch (error) {
        reject(new Error(`the load client printed no result: ${stdout}`, { cause: error }));
      }
    });
  });
}
