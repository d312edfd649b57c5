/**
 * `mlp predict --file` for files past one request's row limit: the file goes to batch predictions
 * as it is (uploaded with a byte bar), the job is watched with a bar of rows done, and its one
 * output file is downloaded to --out.
 */
import { stat } from 'node:fs/promises';
import {
  type BatchFileFormat,
  type PlatformClient,
  startBatchPredictionFromFile,
  waitForBatchPrediction,
} from '../sdk/src/index.ts';
import { downloadToFile } from './download.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { type CliIo, printJson, printLine } from './output.ts';
import { formatBytes, progressBar } from './progress.ts';
import { rowsFormatOf } from './rows-file.ts';

export interface BatchPredictOptions {
  readonly model: string;
  readonly file: string;
  /** When the file was read to count them; undefined for a file sent unread. */
  readonly rows?: number;
  readonly out: string | undefined;
  readonly version?: number;
  readonly alias?: string;
  readonly json: boolean;
}

function outputFormatOf(out: string | undefined, rows: number | undefined): BatchFileFormat {
  if (out === undefined) {
    const what =
      rows === undefined ? 'This file goes' : `${rows} rows are more than one request takes, so they go`;
    throw new CliError(`${what} to a batch prediction job: give --out FILE (.csv or .jsonl).`, EXIT.usage);
  }
  if (/\.csv$/i.test(out)) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(out)) return 'jsonl';
  throw new CliError(`A batch prediction writes .csv or .jsonl; --out ${out} is neither.`, EXIT.usage);
}

export async function predictFileInBatch(
  api: PlatformClient,
  io: CliIo,
  options: BatchPredictOptions,
): Promise<void> {
  const outputFormat = outputFormatOf(options.out, options.rows);
  const out = options.out as string;
  const sizeBytes = (await stat(options.file)).size;
  if (!options.json) {
    const what = options.rows === undefined ? formatBytes(sizeBytes) : `${options.rows} rows`;
    io.stderr.write(`${what}: sending ${options.file} to a batch prediction job.\n`);
  }
  const upload = progressBar(io, { total: sizeBytes, unit: 'bytes', quiet: options.json });
  let started: Awaited<ReturnType<typeof startBatchPredictionFromFile>>;
  try {
    started = await startBatchPredictionFromFile(api, options.model, {
      path: options.file,
      format: rowsFormatOf(options.file),
      output: { format: outputFormat, probabilities: true },
      ...(options.version === undefined ? {} : { version: options.version }),
      ...(options.alias === undefined ? {} : { alias: options.alias }),
      onUploadProgress: ({ sentBytes }) => upload.update(sentBytes),
    });
  } finally {
    upload.stop();
  }

  const bar = progressBar(io, { total: 100, unit: 'percent', quiet: options.json });
  let job = started;
  try {
    job = await waitForBatchPrediction(api, started.jobId, {
      onProgress: (seen) => {
        const { total, done, errors } = seen.rows;
        const percent = total ? (100 * (done + errors)) / total : 0;
        bar.update(percent, `${seen.status} ${done}${total === undefined ? '' : `/${total}`} rows`);
      },
    });
  } finally {
    bar.stop();
  }
  if (job.status !== 'SUCCEEDED' || job.downloads?.output === undefined) {
    throw new CliError(
      `Batch prediction ${job.jobId} ended ${job.status}${job.error ? `: ${job.error.reason}` : ''}.`,
      EXIT.failed,
    );
  }
  const bytes = await downloadToFile(job.downloads.output, out);
  if (options.json) {
    printJson(io, { ...job, file: out });
    return;
  }
  printLine(
    io,
    `Wrote ${job.rows.done} predictions of ${job.model.name} version ${job.model.version} to ${out} (${formatBytes(bytes)}; batch job ${job.jobId}).`,
  );
}
