/** `mlp datasets upload|list|show`. */
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { type DatasetVersion, type Schemas, unwrap, uploadDataset } from '../../sdk/src/index.ts';
import { type CliContext, client, globals, parsePositiveInt } from '../context.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { type CliIo, printJson, printLine, printTable } from '../output.ts';
import { progressBar } from '../progress.ts';

type QualityIssue = Schemas['DatasetQualityIssue'];

function printQuality(io: CliIo, version: DatasetVersion): void {
  const issues: QualityIssue[] = [...(version.quality?.blocking ?? []), ...(version.quality?.warnings ?? [])];
  printLine(
    io,
    `\nQuality: ${version.quality?.blocking.length ?? 0} blocking, ${version.quality?.warnings.length ?? 0} warnings`,
  );
  if (issues.length > 0) {
    printTable(
      io,
      ['severity', 'code', 'column', 'count', 'message'],
      issues.map((i) => [i.severity, i.code, i.column, i.count, i.message]),
    );
  }
}

function printVersion(io: CliIo, version: DatasetVersion): void {
  printLine(
    io,
    `${version.datasetName} version ${version.version}: ${version.status}, ${version.rowCount ?? '?'} rows × ${version.columnCount ?? '?'} columns (${version.format})`,
  );
  if (version.profile !== undefined) {
    printLine(io);
    printTable(
      io,
      ['column', 'type', 'missing', 'distinct', 'min', 'max', 'mean'],
      version.profile.columns.map((c) => [
        c.name,
        c.type,
        c.missing,
        c.distinct,
        c.numeric?.min,
        c.numeric?.max,
        c.numeric?.mean,
      ]),
    );
  }
  printQuality(io, version);
  if (version.failureReason !== undefined) printLine(io, `\nFailed: ${version.failureReason}`);
}

export function registerDatasets(program: Command, context: CliContext): void {
  const datasets = program.command('datasets').description('Upload and inspect datasets.');

  datasets
    .command('upload')
    .description(
      'Upload a CSV or JSON Lines file as a new version of a dataset, then show its quality report.',
    )
    .argument('<file>', 'a .csv (header row) or .jsonl file')
    .requiredOption('--name <name>', 'the dataset (created if new)')
    .option('--format <format>', 'csv or jsonl (default: from the file name)')
    .option('--description <text>', "this version's description")
    .action(
      async (
        file: string,
        options: { name: string; format?: string; description?: string },
        command: Command,
      ) => {
        const { json } = globals(command);
        if (options.format !== undefined && options.format !== 'csv' && options.format !== 'jsonl') {
          throw new CliError('--format must be csv or jsonl.', EXIT.usage);
        }
        const size = await stat(file).then(
          (s) => s.size,
          () => {
            throw new CliError(`No file ${file}.`, EXIT.usage);
          },
        );
        const api = await client(context, command);
        const bar = progressBar(context.io, { total: size, unit: 'bytes', quiet: json });
        let version: DatasetVersion;
        try {
          version = await uploadDataset(
            api,
            { path: file },
            {
              name: options.name,
              ...(options.format === undefined ? {} : { format: options.format as 'csv' | 'jsonl' }),
              ...(options.description === undefined ? {} : { description: options.description }),
              onProgress: ({ sentBytes }) => bar.update(sentBytes),
            },
          );
        } finally {
          bar.stop();
        }
        if (json) printJson(context.io, version);
        else printVersion(context.io, version);
      },
    );

  datasets
    .command('list')
    .description('Your datasets (admins: everyone’s).')
    .option('--limit <n>', 'page size, 1 to 100', parsePositiveInt('--limit'), 100)
    .action(async (options: { limit: number }, command: Command) => {
      const { json } = globals(command);
      const page = unwrap(
        await (await client(context, command)).api.GET('/v1/datasets', {
          params: { query: { limit: options.limit } },
        }),
      );
      if (json) printJson(context.io, page);
      else
        printTable(
          context.io,
          ['name', 'owner', 'latest', 'ready', 'updated'],
          page.items.map((d) => [
            d.name,
            d.ownerUsername,
            d.latestVersion,
            d.latestReadyVersion,
            d.updatedAt,
          ]),
        );
    });

  datasets
    .command('show')
    .description("A dataset's latest ready version (or --version), with its profile and quality report.")
    .argument('<name>')
    .option('--version <v>', 'a version number', parsePositiveInt('--version'))
    .action(async (name: string, options: { version?: number }, command: Command) => {
      const { json } = globals(command);
      const api = await client(context, command);
      let version: DatasetVersion | null;
      if (options.version === undefined) {
        const dataset = unwrap(await api.api.GET('/v1/datasets/{name}', { params: { path: { name } } }));
        version = dataset.latest;
        if (version === null) {
          if (json) printJson(context.io, dataset);
          else printLine(context.io, `${name} has no ready version yet (latest: ${dataset.latestVersion}).`);
          return;
        }
      } else {
        version = unwrap(
          await api.api.GET('/v1/datasets/{name}/versions/{version}', {
            params: { path: { name, version: options.version } },
          }),
        );
      }
      if (json) printJson(context.io, version);
      else printVersion(context.io, version);
    });
}
