/** `mlp predict MODEL --file rows.csv|rows.jsonl [--out F]` or `--json '{…}'`. */
import type { Command } from 'commander';
import { predictRows } from '../../sdk/src/index.ts';
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
    .addHelpText(
      'after',
      '\nRows go in requests of at most 10,000 rows (and ~5 MiB) each, answers joined in order.\n' +
        'Examples:\n  mlp predict iris --file rows.csv --out predictions.csv\n  mlp predict iris --json \'{"sepal_length_cm": 5.1, "sepal_width_cm": 3.5, "petal_length_cm": 1.4, "petal_width_cm": 0.2}\'',
    )
    .action(
      async (
        model: string,
        options: { file?: string; json?: string; out?: string; version?: number; alias?: string },
        command: Command,
      ) => {
        if ((options.file === undefined) === (options.json === undefined)) {
          throw new CliError('Give one of --file <rows file> or --json <rows>.', EXIT.usage);
        }
        const rows =
          options.file !== undefined ? await readRows(options.file) : parseJsonRows(options.json ?? '');
        if (rows.length === 0) throw new CliError('No rows to predict.', EXIT.usage);
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
