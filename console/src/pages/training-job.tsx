/**
 * A training job, live: its status and progress polled every second until it finishes, the steps
 * with their timings, the candidates compared in a table and a bar chart (the selection metric, the
 * cross-validation spread as an interval, the chosen one marked), and the chosen model's confusion
 * matrix (classification) or residual plot (regression), with a link to the registered version and
 * to the metric across the model's versions. A failed job shows its step and reason.
 */
import { useEffect, useState } from 'preact/hooks';
import { type Schemas, unwrap } from '../api.ts';
import { Chart } from '../charts/chart.tsx';
import { candidatesPlot, confusionPlot, residualPlot } from '../charts/training-plots.ts';
import { ProblemView } from '../components/problem-view.tsx';
import { useConsole } from '../context.ts';
import { pathTo } from '../route-match.ts';
import { Link } from '../router.tsx';
import type { PageProps } from './registry.ts';
import {
  type CandidateBar,
  type ConfusionCell,
  candidateBars,
  candidateLabel,
  confusionCells,
  confusionMatrixOf,
  isFinished,
  lowerIsBetter,
  numericMetrics,
  type ResidualPoint,
  residualPoints,
} from './training/job-charts.ts';

type Job = Schemas['TrainingJob'];

/** How often a running job is read again. */
const POLL_MS = 1000;
const CHART_WIDTH = 720;

/** The job, read again every second while it runs; the last problem met, if any. */
function usePolledJob(jobId: string): { job?: Job; error?: unknown } {
  const { api } = useConsole();
  const [state, setState] = useState<{ job?: Job; error?: unknown }>({});
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const job = unwrap(await api.GET('/v1/training-jobs/{jobId}', { params: { path: { jobId } } }));
        if (stopped) return;
        setState({ job });
        if (!isFinished(job.status)) timer = setTimeout(read, POLL_MS);
      } catch (error) {
        if (stopped) return;
        setState((old) => ({ ...old, error }));
      }
    };
    void read();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, jobId]);
  return state;
}

export default function TrainingJobPage({ params }: PageProps) {
  const jobId = params.jobId ?? '';
  const { job, error } = usePolledJob(jobId);
  if (job === undefined) {
    return error === undefined ? (
      <p class="loading" role="status">
        Loading the training job…
      </p>
    ) : (
      <ProblemView error={error} />
    );
  }
  const metric = job.resolved?.metric ?? '';
  return (
    <section>
      <p>
        <Link to="training-jobs">Training jobs</Link>
      </p>
      <h1>
        Training job <code>{job.jobId.slice(0, 8)}</code>
      </h1>
      {error === undefined ? null : <ProblemView error={error} />}
      <JobStatus job={job} />
      {job.candidates && job.candidates.length > 0 ? (
        <Candidates job={job} metric={metric} />
      ) : (
        <p>
          {isFinished(job.status)
            ? 'No candidate was trained.'
            : 'Candidates appear here as they are trained.'}
        </p>
      )}
      {job.chosen ? <ChosenModel job={job} chosen={job.chosen} /> : null}
    </section>
  );
}

function JobStatus({ job }: { readonly job: Job }) {
  const request = job.request as { modelName?: string; datasetName?: string; target?: string };
  return (
    <div class="panel">
      <p>
        <span class={`badge ${job.status}`}>{job.status}</span>{' '}
        {job.step && !isFinished(job.status) ? <>step: {job.step}</> : null}
      </p>
      <label for="job-progress">Progress</label>{' '}
      <progress id="job-progress" max={100} value={job.progress} aria-valuetext={`${job.progress} %`}>
        {job.progress} %
      </progress>{' '}
      <span aria-live="polite" data-testid="job-progress-text">
        {job.progress} %
      </span>
      <dl class="facts">
        <dt>Dataset</dt>
        <dd>
          {request.datasetName}
          {job.resolved ? ` v${job.resolved.datasetVersion}` : ''}, target <code>{request.target}</code>
        </dd>
        <dt>Model</dt>
        <dd>
          {job.registered ? (
            <Link
              to={pathTo('models/:name/versions/:version', {
                name: job.registered.model,
                version: String(job.registered.version),
              })}
            >
              {job.registered.model} v{job.registered.version}
            </Link>
          ) : (
            request.modelName
          )}
          {job.registered ? (
            <>
              {' '}
              <span class={`badge ${job.registered.status}`}>{job.registered.status}</span>
            </>
          ) : null}
        </dd>
        {job.resolved ? (
          <>
            <dt>Task, metric</dt>
            <dd>
              {job.resolved.task}, {job.resolved.metric} (
              {lowerIsBetter(job.resolved.metric) ? 'lower' : 'higher'} is better)
              {job.resolved.selection ? `, ${selectionText(job.resolved.selection)}` : ''}
            </dd>
          </>
        ) : null}
      </dl>
      {job.error ? (
        <div class="problem" role="alert">
          <p class="problem-title">The job failed{job.error.step ? ` at ${job.error.step}` : ''}</p>
          <p>{job.error.reason}</p>
        </div>
      ) : null}
      <StepTimings job={job} />
    </div>
  );
}

function selectionText(selection: NonNullable<Job['resolved']>['selection']): string {
  if (selection === undefined) return '';
  return selection.kind === 'cross-validation'
    ? `${selection.folds}-fold cross-validation × ${selection.repeats}`
    : 'hold-out split';
}

function StepTimings({ job }: { readonly job: Job }) {
  const steps = Object.entries(job.stepTimings);
  if (steps.length === 0) return null;
  return (
    <div class="table-wrap">
      <table>
        <caption>Steps</caption>
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col" class="number">
              Time
            </th>
          </tr>
        </thead>
        <tbody>
          {steps.map(([step, timing]) => (
            <tr key={step}>
              <td>{step}</td>
              <td class="number">{timing.ms === undefined ? 'running' : formatMs(timing.ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const formatMs = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
const formatScore = (value: number) => (Number.isFinite(value) ? value.toFixed(4) : '–');

function Candidates({ job, metric }: { readonly job: Job; readonly metric: string }) {
  const bars = candidateBars(job.candidates ?? [], job.chosen, metric);
  const byLabel = new Map((job.candidates ?? []).map((candidate) => [candidateLabel(candidate), candidate]));
  return (
    <>
      <h2>Candidates</h2>
      <CandidatesChart bars={bars} metric={metric} />
      <div class="table-wrap">
        <table>
          <caption>
            Candidates by {metric}, best first
            {bars.some((b) => b.low !== undefined) ? ' (± one standard deviation of the folds)' : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">Candidate</th>
              <th scope="col" class="number">
                {metric}
              </th>
              <th scope="col" class="number">
                ± std
              </th>
              <th scope="col" class="number">
                Training time
              </th>
              <th scope="col">Chosen</th>
            </tr>
          </thead>
          <tbody>
            {bars.map((bar) => {
              const candidate = byLabel.get(bar.label.replace(/ \(\d+\)$/, ''));
              return (
                <tr key={bar.label} class={bar.chosen ? 'chosen' : undefined}>
                  <td>{bar.label}</td>
                  <td class="number">{formatScore(bar.score)}</td>
                  <td class="number">{bar.high === undefined ? '–' : formatScore(bar.high - bar.score)}</td>
                  <td class="number">{candidate ? formatMs(candidate.trainingMs) : '–'}</td>
                  <td>{bar.chosen ? 'chosen' : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

function CandidatesChart({
  bars,
  metric,
}: {
  readonly bars: readonly CandidateBar[];
  readonly metric: string;
}) {
  return (
    <Chart
      label={`Candidates compared by ${metric}`}
      caption={`${metric} of each candidate, best first: the chosen one in blue, the whiskers one standard deviation of the fold scores.`}
      inputs={[bars, metric]}
      render={() => candidatesPlot(bars, { width: CHART_WIDTH, metric })}
    />
  );
}

function ChosenModel({ job, chosen }: { readonly job: Job; readonly chosen: NonNullable<Job['chosen']> }) {
  const { api } = useConsole();
  const [classLabels, setClassLabels] = useState<readonly (string | number)[]>();
  const registered = job.registered;
  useEffect(() => {
    if (registered === undefined) return;
    let stopped = false;
    api
      .GET('/v1/models/{name}/versions/{version}', {
        params: { path: { name: registered.model, version: registered.version } },
      })
      .then((answer) => {
        const labels = (answer.data?.signature as { classLabels?: (string | number)[] } | undefined)
          ?.classLabels;
        if (!stopped && labels) setClassLabels(labels);
      })
      .catch(() => undefined);
    return () => {
      stopped = true;
    };
  }, [api, registered?.model, registered?.version]);

  const matrix = confusionMatrixOf(chosen.metrics);
  const points = residualPoints(chosen.residuals);
  return (
    <>
      <h2>Chosen model</h2>
      <p>
        {candidateLabel(chosen)}
        {chosen.trainingRows ? `, refit on ${chosen.trainingRows} rows` : ''}.
        {registered ? (
          <>
            {' '}
            <Link to={pathTo('models/:name/metrics', { name: registered.model })}>
              {job.resolved?.metric ?? 'Metrics'} across the versions of {registered.model}
            </Link>
          </>
        ) : null}
      </p>
      <dl class="facts">
        {numericMetrics(chosen.metrics).map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{formatScore(value)}</dd>
          </div>
        ))}
      </dl>
      {matrix ? <ConfusionMatrix cells={confusionCells(matrix, classLabels)} /> : null}
      {points.length > 0 ? <ResidualPlot points={points} /> : null}
      {!matrix && points.length === 0 ? <p>This job recorded no confusion matrix or residuals.</p> : null}
    </>
  );
}

function ConfusionMatrix({ cells }: { readonly cells: readonly ConfusionCell[] }) {
  return (
    <Chart
      label="Confusion matrix of the chosen model"
      caption="Rows: the actual class; columns: the predicted one. The number is the count of rows the model did not learn from, the shade their share of the actual class."
      inputs={[cells]}
      render={() => confusionPlot(cells, { width: CHART_WIDTH })}
    />
  );
}

function ResidualPlot({ points }: { readonly points: readonly ResidualPoint[] }) {
  return (
    <Chart
      label="Predicted against actual values of the chosen model"
      caption={`${points.length} rows the model did not learn from; on the dashed diagonal a prediction is exact.`}
      inputs={[points]}
      render={() => residualPlot(points, { width: CHART_WIDTH })}
    />
  );
}
