/**
 * Training jobs: the caller's (admins: everyone's), newest first, filtered by status, each with its
 * progress and the version it registered; read again every few seconds while one is still running.
 */
import { useEffect } from 'preact/hooks';
import { type Schemas, unwrap } from '../api.ts';
import { ResourceView } from '../components/resource-view.tsx';
import { useConsole } from '../context.ts';
import { pathTo } from '../route-match.ts';
import { Link, navigate } from '../router.tsx';
import { useResource } from '../use-resource.ts';
import type { PageProps } from './registry.ts';
import { isFinished } from './training/job-charts.ts';

const STATUSES = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
type Status = (typeof STATUSES)[number];
const REFRESH_MS = 3000;

export default function TrainingJobsPage({ query }: PageProps) {
  const { api } = useConsole();
  const raw = query.get('status') ?? '';
  const status = (STATUSES as readonly string[]).includes(raw) ? (raw as Status) : undefined;
  const jobs = useResource(
    async () =>
      unwrap(
        await api.GET('/v1/training-jobs', {
          params: { query: { limit: 50, ...(status ? { status } : {}) } },
        }),
      ),
    [api, status],
  );
  const running = jobs.state === 'ready' && jobs.data.items.some((job) => !isFinished(job.status));
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(jobs.reload, REFRESH_MS);
    return () => clearTimeout(timer);
  });
  return (
    <section>
      <h1>Training jobs</h1>
      <div class="actions">
        <Link to="training-jobs/new" class="button">
          Start a training job
        </Link>
        <label for="job-status" class="inline">
          Status
        </label>
        <select
          id="job-status"
          value={status ?? ''}
          onChange={(event) => {
            const value = event.currentTarget.value;
            navigate(value ? `training-jobs?status=${value}` : 'training-jobs');
          }}
        >
          <option value="">All</option>
          {STATUSES.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      </div>
      <ResourceView resource={jobs} label="training jobs">
        {(page) => <JobTable jobs={page.items} />}
      </ResourceView>
    </section>
  );
}

function JobTable({ jobs }: { readonly jobs: readonly Schemas['TrainingJob'][] }) {
  if (jobs.length === 0) return <p>No training jobs yet.</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">Training jobs, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Model</th>
            <th scope="col">Dataset</th>
            <th scope="col">Status</th>
            <th scope="col" class="number">
              Progress
            </th>
            <th scope="col">Started</th>
            <th scope="col">Owner</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => {
            const request = job.request as { modelName?: string; datasetName?: string };
            return (
              <tr key={job.jobId}>
                <td>
                  <Link to={pathTo('training-jobs/:jobId', { jobId: job.jobId })}>
                    <code>{job.jobId.slice(0, 8)}</code>
                  </Link>
                </td>
                <td>
                  {job.registered ? `${job.registered.model} v${job.registered.version}` : request.modelName}
                </td>
                <td>{request.datasetName}</td>
                <td>
                  <span class={`badge ${job.status}`}>{job.status}</span>
                </td>
                <td class="number">{job.progress} %</td>
                <td>{job.createdAt.slice(0, 16).replace('T', ' ')}</td>
                <td>{job.ownerUsername}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
