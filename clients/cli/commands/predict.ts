/** `mlp predict MODEL --file rows.csv|rows.jsonl [--out F]` or `--json '{…}'`. */
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { MAX_ROWS_PER_REQUEST, predictRows } from '../../sdk/src/index.ts';
import { predictFileInBatch as runBatch } from '../batch-predict.ts';
import { type CliContext, client, globals, parsePositiveInt } from '../context.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { printJson, printLine, printTable } from '../output.ts';
import { predictionRecords, readRows, writePredictions } from '../rows-file.ts';

function parseJsonRows(text: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliError('--json is not valid JSON.', EXIT.usage);
  }
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object') {
    const { instances } = value as { instances?: unknown };
    return Array.isArray(instances) ? instances : [value];
  }
  throw new CliError('--json must be a row object, an array of rows, or {"instances": [...]}.', EXIT.usage);
}

/** Files larger than this go to batch predictions without being read here. */
export const BATCH_UNREAD_BYTES = 64 * 1024 * 1024;

async function predictFileInBatch(
  context: CliContext,
  command: Command,
  model: string,
  file: string,
  rows: number | undefined,
  options: { out?: string; version?: number; alias?: string },
): Promise<void> {
  await runBatch(await client(context, command), context.io, {
    model,
    file,
    ...(rows === undefined ? {} : { rows }),
    out: options.out,
    json: globals(command).json,
    ...(options.version === undefined ? {} : { version: options.version }),
    ...(options.alias === undefined ? {} : { alias: options.alias }),
  });
}

export function registerPredict(program: Command, context: CliContext): void {
  program
    .command('predict')
    .description('Predict with a model from a CSV or JSON Lines file, or from JSON on the command line.')
    .argument('<model>')
    .option('--file <file>', 'rows: a .csv with a header row, or .jsonl with one object per line')
    .option('--json <rows>', 'a row object, an array of rows, or {"instances": [...]}')
    .option(
      '--out <file>',
      'write the predictions: .csv or .jsonl (one per row), else the whole answer as JSON',
    )
    .option('--version <v>', 'call this version', parsePositiveInt('--version'))
    .option('--alias <alias>', 'call the version this alias points at (default: production, else the newest)')
    .option('--batch', 'send --file to a batch prediction job whatever its size (needs --out .csv or .jsonl)')
    .addHelpText(
      'after',
      `\nUp to ${MAX_ROWS_PER_REQUEST.toLocaleString('en')} rows go in requests (of ~5 MiB at most), answers joined in order; a --file with\n` +
        'more rows, over 64 MiB, or with --batch goes to a batch prediction job, with a progress bar, written to --out.\n' +
        'Examples:\n  mlp predict iris --file rows.csv --out predictions.csv\n  mlp predict iris --json \'{"sepal_length_cm": 5.1, "sepal_width_cm": 3.5, "petal_length_cm": 1.4, "petal_width_cm": 0.2}\'',
    )
    .action(
      async (
        model: string,
        options: {
          file?: string;
          json?: string;
          out?: string;
          version?: number;
          alias?: string;
          batch?: boolean;
        },
        command: Command,
      ) => {
        if ((options.file === undefined) === (options.json === undefined)) {
          throw new CliError('Give one of --file <rows file> or --json <rows>.', EXIT.usage);
        }
        const inBatch = (rows: number | undefined) =>
          predictFileInBatch(context, command, model, options.file as string, rows, options);
        // A file this large goes to batch unread: it would take a dozen requests or more anyway.
        if (
          options.file !== undefined &&
          (options.batch === true || (await stat(options.file)).size > BATCH_UNREAD_BYTES)
        ) {
          return inBatch(undefined);
        }
        const rows =
          options.file !== undefined ? await readRows(options.file) : parseJsonRows(options.json ?? '');
        if (rows.length === 0) throw new CliError('No rows to predict.', EXIT.usage);
        if (options.file !== undefined && rows.length > MAX_ROWS_PER_REQUEST) return inBatch(rows.length);
        if (options.batch === true) throw new CliError('--batch takes a --file.', EXIT.usage);
        const prediction = await predictRows(await client(context, command), model, rows, {
          ...(options.version === undefined ? {} : { version: options.version }),
          ...(options.alias === undefined ? {} : { alias: options.alias }),
        });
        if (options.out !== undefined) {
          await writePredictions(options.out, prediction);
          if (!globals(command).json) {
            printLine(
              context.io,
              `Wrote ${rows.length} predictions of ${prediction.model} version ${prediction.version} to ${options.out}.`,
            );
            return;
          }
        }
        if (globals(command).json) {
          printJson(context.io, prediction);
          return;
        }
        const records = predictionRecords(prediction);
        const headers = Object.keys(records[0] ?? { prediction: null });
        printTable(
          context.io,
          ['row', ...headers],
          records.map((r, i) => [i + 1, ...headers.map((h) => r[h])]),
        );
        printLine(
          context.io,
          `\n${prediction.model} version ${prediction.version}${prediction.alias ? ` (alias ${prediction.alias})` : ''}`,
        );
      },
    );
}
