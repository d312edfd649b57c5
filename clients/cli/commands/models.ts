/** `mlp models list|show|upload|approve|reject|alias|download`. */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { type ModelVersion, type Schemas, unwrap, uploadModel } from '../../sdk/src/index.ts';
import { type CliContext, client, globals, parsePositiveInt } from '../context.ts';
import { downloadToFile } from '../download.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { type CliIo, printJson, printLine, printTable } from '../output.ts';
import { formatBytes, progressBar } from '../progress.ts';

type Model = Schemas['Model'];

function aliasText(model: Model): string {
  return Object.entries(model.aliases)
    .map(
      ([alias, { routes }]) =>
        `${alias}→${routes.map((r) => (routes.length > 1 ? `${r.version}:${r.weight}%` : r.version)).join('/')}`,
    )
    .join(' ');
}

function printVersion(io: CliIo, version: ModelVersion): void {
  printLine(
    io,
    `${version.modelName} version ${version.version}: ${version.status}, ${version.framework}, ${formatBytes(version.sizeBytes)}, sha256 ${version.sha256}`,
  );
  printTable(
    io,
    ['input', 'type', 'shape'],
    version.signature.inputs.map((i) => [i.name, i.type, JSON.stringify(i.shape)]),
  );
  const metrics = Object.entries(version.metrics);
  if (metrics.length > 0) {
    printLine(io);
    printTable(io, ['metric', 'value'], metrics);
  }
}

export function registerModels(program: Command, context: CliContext): void {
  const models = program.command('models').description('The model registry.');

  models
    .command('list')
    .description('Your models and the team-visible ones (admins: all).')
    .option('--limit <n>', 'page size, 1 to 100', parsePositiveInt('--limit'), 100)
    .action(async (options: { limit: number }, command: Command) => {
      const page = unwrap(
        await (await client(context, command)).api.GET('/v1/models', {
          params: { query: { limit: options.limit } },
        }),
      );
      if (globals(command).json) printJson(context.io, page);
      else
        printTable(
          context.io,
          ['name', 'owner', 'task', 'latest', 'aliases', 'updated'],
          page.items.map((m) => [
            m.name,
            m.ownerUsername,
            m.task,
            m.latestVersion,
            aliasText(m),
            m.updatedAt,
          ]),
        );
    });

  models
    .command('show')
    .description('A model and its versions, or one version with --version.')
    .argument('<name>')
    .option('--version <v>', 'a version number', parsePositiveInt('--version'))
    .action(async (name: string, options: { version?: number }, command: Command) => {
      const { json } = globals(command);
      const api = await client(context, command);
      if (options.version !== undefined) {
        const version = unwrap(
          await api.api.GET('/v1/models/{name}/versions/{version}', {
            params: { path: { name, version: options.version } },
          }),
        );
        if (json) printJson(context.io, version);
        else printVersion(context.io, version);
        return;
      }
      const [model, versions] = await Promise.all([
        api.api.GET('/v1/models/{name}', { params: { path: { name } } }).then(unwrap),
        api.api
          .GET('/v1/models/{name}/versions', { params: { path: { name }, query: { limit: 100 } } })
          .then(unwrap),
      ]);
      if (json) {
        printJson(context.io, { ...model, versions: versions.items });
        return;
      }
      printLine(
        context.io,
        `${model.name} (${model.task}, owner ${model.ownerUsername}${model.teamVisible ? ', team-visible' : ''})`,
      );
      if (Object.keys(model.aliases).length > 0) printLine(context.io, `Aliases: ${aliasText(model)}`);
      printLine(context.io);
      printTable(
        context.io,
        ['version', 'status', 'framework', 'size', 'created', 'by'],
        versions.items.map((v) => [
          v.version,
          v.status,
          v.framework,
          formatBytes(v.sizeBytes),
          v.createdAt,
          v.createdBy,
        ]),
      );
    });

  models
    .command('upload')
    .description('Upload an ONNX (or XGBoost) file as a new version; --create makes the model first.')
    .argument('<file>')
    .requiredOption('--name <name>', 'the model')
    .option('--format <format>', 'onnx or xgboost', 'onnx')
    .option('--feature-names <list>', 'XGBoost: comma-separated feature names in column order')
    .option('--create <task>', 'create the model first, with this task (classification, regression, other)')
    .action(
      async (
        file: string,
        options: { name: string; format: string; featureNames?: string; create?: string },
        command: Command,
      ) => {
        const { json } = globals(command);
        if (options.format !== 'onnx' && options.format !== 'xgboost') {
          throw new CliError('--format must be onnx or xgboost.', EXIT.usage);
        }
        const size = await stat(file).then(
          (s) => s.size,
          () => {
            throw new CliError(`No file ${file}.`, EXIT.usage);
          },
        );
        const api = await client(context, command);
        if (options.create !== undefined) {
          const task = options.create as 'classification' | 'regression' | 'other';
          const created = await api.api.POST('/v1/models', { body: { name: options.name, task } });
          // An existing model of yours is fine: the upload adds a version to it.
          if (created.response.status !== 409) unwrap(created);
        }
        const bar = progressBar(context.io, { total: size, unit: 'bytes', quiet: json });
        let version: ModelVersion;
        try {
          version = await uploadModel(
            api,
            options.name,
            { path: file },
            {
              format: options.format,
              ...(options.featureNames === undefined
                ? {}
                : { featureNames: options.featureNames.split(',') }),
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

  models
    .command('approve')
    .description('Admins: approve a version.')
    .argument('<name>')
    .argument('<version>', 'a version number', parsePositiveInt('version'))
    .option('--comment <text>', 'for the audit trail')
    .action(async (name: string, version: number, options: { comment?: string }, command: Command) => {
      const answer = unwrap(
        await (await client(context, command)).api.POST('/v1/models/{name}/versions/{version}/approve', {
          params: { path: { name, version } },
          body: options.comment === undefined ? {} : { comment: options.comment },
        }),
      );
      if (globals(command).json) printJson(context.io, answer);
      else printLine(context.io, `${name} version ${version} is ${answer.status}.`);
    });

  models
    .command('reject')
    .description('Admins: reject a version, saying why.')
    .argument('<name>')
    .argument('<version>', 'a version number', parsePositiveInt('version'))
    .requiredOption('--comment <text>', 'why, for the audit trail')
    .action(async (name: string, version: number, options: { comment: string }, command: Command) => {
      const answer = unwrap(
        await (await client(context, command)).api.POST('/v1/models/{name}/versions/{version}/reject', {
          params: { path: { name, version } },
          body: { comment: options.comment },
        }),
      );
      if (globals(command).json) printJson(context.io, answer);
      else printLine(context.io, `${name} version ${version} is ${answer.status}.`);
    });

  models
    .command('alias')
    .description('Point an alias at a version (production: admins), or remove it with --delete.')
    .argument('<name>')
    .argument('<alias>')
    .argument('[version]', 'a version number', parsePositiveInt('version'))
    .option('--delete', 'remove the alias', false)
    .action(
      async (
        name: string,
        alias: string,
        version: number | undefined,
        options: { delete: boolean },
        command: Command,
      ) => {
        const api = await client(context, command);
        if (options.delete) {
          unwrap(
            await api.api.DELETE('/v1/models/{name}/aliases/{alias}', { params: { path: { name, alias } } }),
          );
          printLine(context.io, `Removed alias ${alias} of ${name}.`);
          return;
        }
        if (version === undefined)
          throw new CliError('Give the version the alias should point at, or --delete.', EXIT.usage);
        const model = unwrap(
          await api.api.PUT('/v1/models/{name}/aliases/{alias}', {
            params: { path: { name, alias } },
            body: { version },
          }),
        );
        if (globals(command).json) printJson(context.io, model);
        else printLine(context.io, `${name}: ${alias} → version ${version}.`);
      },
    );

  models
    .command('download')
    .description("Download a version's ONNX artifact and check its sha256 (owner or admin).")
    .argument('<name>')
    .argument('<version>', 'a version number', parsePositiveInt('version'))
    .option('--out <file>', 'where to write it (default: <name>-v<version>.onnx)')
    .action(async (name: string, version: number, options: { out?: string }, command: Command) => {
      const { json } = globals(command);
      const api = await client(context, command);
      const download = unwrap(
        await api.api.GET('/v1/models/{name}/versions/{version}/download', {
          params: { path: { name, version } },
        }),
      );
      const out = options.out ?? `${name}-v${version}.onnx`;
      const hash = createHash('sha256');
      const bar = progressBar(context.io, { total: download.sizeBytes, unit: 'bytes', quiet: json });
      let received = 0;
      try {
        received = await downloadToFile(download.url, out, (chunk, bytes) => {
          hash.update(chunk);
          bar.update(bytes);
        });
      } finally {
        bar.stop();
      }
      const sha256 = hash.digest('hex');
      if (sha256 !== download.sha256) {
        throw new CliError(
          `The downloaded file's sha256 is ${sha256}, not ${download.sha256}: download it again.`,
        );
      }
      if (json) printJson(context.io, { file: out, sizeBytes: received, sha256 });
      else printLine(context.io, `Wrote ${out} (${formatBytes(received)}, sha256 ${sha256}, checked).`);
    });
}
