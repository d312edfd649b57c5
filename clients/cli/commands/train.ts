/** `mlp train` (and `mlp jobs show`): start a training job, optionally watch it to the end. */
import type { Command } from 'commander';
import { startTrainingJob, type TrainingJob, unwrap, waitForTrainingJob } from '../../sdk/src/index.ts';
import { type CliContext, client, globals, parsePositiveInt } from '../context.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { type CliIo, printJson, printLine, printTable } from '../output.ts';
import { progressBar } from '../progress.ts';

/** `C=0.1 maxIter=1000 …`: a table cell, not the whole grid (`--json` has it all). */
function compact(parameters: Readonly<Record<string, number>>, width = 48): string {
  const text = Object.entries(parameters)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function printJob(io: CliIo, job: TrainingJob): void {
  printLine(io, `Job ${job.jobId}: ${job.status}${job.step ? ` (step ${job.step}, ${job.progress}%)` : ''}`);
  if (job.candidates !== undefined && job.candidates.length > 0) {
    const metric = job.resolved?.metric;
    printLine(io);
    printTable(
      io,
      ['algorithm', 'hyper-parameters', metric ?? 'score', 'training ms', 'chosen'],
      [...job.candidates]
        .sort((a, b) => b.score - a.score)
        .map((c) => [
          c.algorithm,
          compact(c.hyperParameters),
          metric !== undefined ? (c.metrics[metric] ?? c.score) : c.score,
          Math.round(c.trainingMs),
          job.chosen !== undefined && c.algorithm === job.chosen.algorithm && c.score === job.chosen.score
            ? '*'
            : '',
        ]),
    );
  }
  if (job.registered !== undefined) {
    printLine(
      io,
      `\nRegistered ${job.registered.model} version ${job.registered.version} (${job.registered.status}).`,
    );
  }
  if (job.error !== undefined)
    printLine(io, `\nFailed${job.error.step ? ` in ${job.error.step}` : ''}: ${job.error.reason}`);
}

async function watch(
  context: CliContext,
  command: Command,
  jobId: string,
  intervalMs: number,
): Promise<TrainingJob> {
  const { json } = globals(command);
  const api = await client(context, command);
  const bar = progressBar(context.io, { total: 100, unit: 'percent', quiet: json });
  try {
    return await waitForTrainingJob(api, jobId, {
      intervalMs,
      onProgress: (job) => bar.update(job.progress, job.step ?? job.status.toLowerCase()),
    });
  } finally {
    bar.stop();
  }
}

function finish(context: CliContext, command: Command, job: TrainingJob): void {
  if (globals(command).json) printJson(context.io, job);
  else printJob(context.io, job);
  if (job.status === 'FAILED' || job.status === 'CANCELLED') {
    throw new CliError(`Training job ${job.jobId} ${job.status.toLowerCase()}.`, EXIT.failed);
  }
}

export function registerTrain(program: Command, context: CliContext): void {
  program
    .command('train')
    .description('Train models on a dataset; the best candidate becomes a new version of --model.')
    .requiredOption('--dataset <name>', 'the dataset (its newest ready version unless --dataset-version)')
    .requiredOption('--target <column>', 'the column to predict')
    .option('--model <name>', 'the model to register the result as (default: the dataset name)')
    .option('--dataset-version <v>', 'a dataset version', parsePositiveInt('--dataset-version'))
    .option('--task <task>', 'classification, regression or auto', 'auto')
    .option('--algorithms <list>', 'comma-separated, e.g. logistic-regression,gradient-boosting')
    .option('--metric <metric>', 'what picks the best candidate')
    .option('--watch', 'follow the job to the end, then show the candidates', false)
    .option('--interval <ms>', 'how often --watch asks, in ms', parsePositiveInt('--interval'), 1000)
    .action(
      async (
        options: {
          dataset: string;
          target: string;
          model?: string;
          datasetVersion?: number;
          task: string;
          algorithms?: string;
          metric?: string;
          watch: boolean;
          interval: number;
        },
        command: Command,
      ) => {
        if (!['classification', 'regression', 'auto'].includes(options.task)) {
          throw new CliError('--task must be classification, regression or auto.', EXIT.usage);
        }
        const api = await client(context, command);
        const job = await startTrainingJob(api, {
          dataset: options.dataset,
          target: options.target,
          modelName: options.model ?? options.dataset,
          task: options.task as 'classification' | 'regression' | 'auto',
          ...(options.datasetVersion === undefined ? {} : { datasetVersion: options.datasetVersion }),
          ...(options.algorithms === undefined
            ? {}
            : { algorithms: options.algorithms.split(',').map((a) => a.trim()) as never }),
          ...(options.metric === undefined ? {} : { metric: options.metric as never }),
        });
        if (!options.watch) {
          if (globals(command).json) printJson(context.io, job);
          else
            printLine(
              context.io,
              `Started job ${job.jobId}; follow it with mlp jobs show ${job.jobId} --watch.`,
            );
          return;
        }
        finish(context, command, await watch(context, command, job.jobId, options.interval));
      },
    );

  const jobs = program.command('jobs').description('Training jobs.');
  jobs
    .command('show')
    .description('A training job: status, step, candidates.')
    .argument('<jobId>')
    .option('--watch', 'follow the job to the end', false)
    .option('--interval <ms>', 'how often --watch asks, in ms', parsePositiveInt('--interval'), 1000)
    .action(async (jobId: string, options: { watch: boolean; interval: number }, command: Command) => {
      const job = options.watch
        ? await watch(context, command, jobId, options.interval)
        : unwrap(
            await (await client(context, command)).api.GET('/v1/training-jobs/{jobId}', {
              params: { path: { jobId } },
            }),
          );
      finish(context, command, job);
    });
  jobs
    .command('list')
    .description('Your training jobs, newest first.')
    .action(async (_: unknown, command: Command) => {
      const page = unwrap(await (await client(context, command)).api.GET('/v1/training-jobs'));
      if (globals(command).json) printJson(context.io, page);
      else
        printTable(
          context.io,
          ['job', 'status', 'step', 'progress', 'dataset', 'created'],
          page.items.map((j) => [j.jobId, j.status, j.step, j.progress, j.request.dataset, j.createdAt]),
        );
    });
}
