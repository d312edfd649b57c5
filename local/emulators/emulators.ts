/**
 * The AWS emulators of the local platform, in-process: dynalite speaks DynamoDB's wire protocol,
 * s3rver S3's. Both keep their data under the data directory across restarts.
 */
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';
import S3rver from 's3rver';

export interface RunningEmulators {
  readonly dynamodbUrl: string;
  readonly s3Url: string;
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number, what: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} (${what}) on ${host} is in use`) : error),
    );
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}

export async function startEmulators(options: {
  dataDir: string;
  host: string;
  dynamodbPort: number;
  s3Port: number;
}): Promise<RunningEmulators> {
  const dynamodbDir = join(options.dataDir, 'dynamodb');
  const s3Dir = join(options.dataDir, 's3');
  await mkdir(dynamodbDir, { recursive: true });
  await mkdir(s3Dir, { recursive: true });

  const dynamo = dynalite({ path: dynamodbDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const dynamoAddress = await listen(dynamo, options.host, options.dynamodbPort, 'DynamoDB emulator');

  const s3 = new S3rver({ address: options.host, port: options.s3Port, directory: s3Dir, silent: true });
  let s3Address: AddressInfo;
  try {
    s3Address = await s3.run();
  } catch (error) {
    dynamo.close();
    const code = (error as NodeJS.ErrnoException).code;
    throw code === 'EADDRINUSE'
      ? new Error(`port ${options.s3Port} (S3 emulator) on ${options.host} is in use`)
      : error;
  }

  return {
    dynamodbUrl: `http://${options.host}:${dynamoAddress.port}`,
    s3Url: `http://${options.host}:${s3Address.port}`,
    async close() {
      await s3.close();
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    },
  };
}
